"""Sending the city's notices: each once, recorded before it goes, by e-mail to the
addresses that want it and always on the council's dashboard."""

import logging
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.cities import city_link

from .models import MAX_ADDRESSES, ContactAddress, NoticeKind, NoticePreference, SentNotice
from .selectors import council_recipients

logger = logging.getLogger(__name__)


def office_signature(city) -> list[str]:
    """The closing lines of every notice to a council."""
    office = " ".join(part for part in (city.name, city.department) if part)
    return ["", "――", office, "（このメールは送信専用です。お問い合わせは担当課へ）"]


def portal_home_link(city) -> str:
    return city_link(city, reverse("portal:home", urlconf=settings.ROOT_URLCONF))


def parse_addresses(text: str) -> list[str]:
    """The addresses of ``text``, one a line, blanks and repeats dropped.

    Raises ValidationError (code ``invalid_address`` naming the line, or ``too_many``).
    """
    addresses = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        address = line.strip()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                "%(line)s行目「%(address)s」はメールアドレスとして正しくありません"
                "（例: jimukyoku@example.jp）。",
                code="invalid_address",
                params={"line": number, "address": address},
            ) from None
        if address.lower() not in (a.lower() for a in addresses):
            addresses.append(address)
    if len(addresses) > MAX_ADDRESSES:
        raise ValidationError(
            "メールアドレスは%(max)s件まで登録できます。",
            code="too_many",
            params={"max": MAX_ADDRESSES},
        )
    return addresses


def confirmation_text(city, address: ContactAddress) -> tuple[str, str]:
    """Subject and body of the message that asks to confirm a new address."""
    path = reverse("portal:notice_confirm", urlconf=settings.ROOT_URLCONF)
    link = city_link(city, f"{path}?token={address.confirmation_token}")
    subject = f"【{city.name}】メールアドレスの確認のお願い"
    body = [
        f"{address.user} 様",
        "",
        f"{city.name} 地域協働ポータルで、このメールアドレスが通知先として登録されました。",
        "次のリンクを開き、ログインしたまま「確認する」を押すと、お知らせがこのアドレスにも届きます。",
        "",
        link,
        "",
        "お心当たりがない場合は、このメールを破棄してください（何も届きません）。",
        *office_signature(city),
    ]
    return subject, "\n".join(body)


def contact_settings_save(*, user, city, addresses: list[str], wanted: dict[str, bool]) -> list:
    """Replace ``user``'s addresses with ``addresses``, store which kinds they receive, and
    ask each new address to confirm itself by a link; the new addresses."""
    with transaction.atomic():
        kept = {a.email.lower(): a for a in ContactAddress.objects.filter(user=user)}
        wanted_lower = {a.lower() for a in addresses}
        ContactAddress.objects.filter(
            pk__in=[a.pk for key, a in kept.items() if key not in wanted_lower]
        ).delete()
        added = ContactAddress.objects.bulk_create(
            ContactAddress(user=user, email=a, confirmation_token=secrets.token_urlsafe(32))
            for a in addresses
            if a.lower() not in kept
        )
        NoticePreference.objects.update_or_create(user=user, defaults=wanted)
    messages = []
    for address in added:
        subject, body = confirmation_text(city, address)
        messages.append(EmailMessage(subject, body, None, [address.email]))
    _send(messages)
    return added


def contact_address_confirm(*, user, token: str) -> ContactAddress:
    """Mark ``user``'s address with ``token`` confirmed (again, harmlessly).

    Raises ContactAddress.DoesNotExist for a token that is not one of ``user``'s.
    """
    address = ContactAddress.objects.get(user=user, confirmation_token=token or "-")
    if address.confirmed_at is None:
        address.confirmed_at = timezone.now()
        address.save(update_fields=["confirmed_at"])
    return address


def _messages(subject: str, body: str, address_lists) -> list[EmailMessage]:
    # One message per person, so that nobody sees another person's addresses.
    return [
        EmailMessage(subject, body, None, addresses) for addresses in address_lists if addresses
    ]


def _send(messages: list[EmailMessage]) -> None:
    if messages:
        get_connection().send_messages(messages)


def notice_send_once(
    *,
    kind: str,
    subject_key: str,
    offset_days: int = 0,
    council=None,
    user=None,
    subject: str,
    body: str,
) -> SentNotice | None:
    """Record the notice for ``council`` (or the staff ``user``) and e-mail it, unless the
    same notice was recorded before; the new SentNotice, or None when it had been sent.

    The row goes in first (a unique constraint on kind, subject, offset and recipient), so a
    second run, or two workers at once, find it there and send nothing.
    """
    if council is not None:
        recipient_key = f"council:{council.pk}"
        address_lists = list(council_recipients([council.pk], kind)[council.pk].values())
    else:
        recipient_key = f"user:{user.pk}"
        address_lists = [[user.email]] if user.email else []
    with transaction.atomic():
        notice, created = SentNotice.objects.get_or_create(
            kind=kind,
            subject_key=subject_key,
            offset_days=offset_days,
            recipient_key=recipient_key,
            defaults={
                "council": council,
                "user": user,
                "subject": subject,
                "body": body,
                "emailed_to": "\n".join(a for addresses in address_lists for a in addresses),
            },
        )
    if not created:
        return None
    _send(_messages(subject, body, address_lists))
    return notice


def dunning_text(city, council, link: str) -> tuple[str, str]:
    """The subject and body of a 督促 sent from the admin; ``link`` is the portal's."""
    subject = f"【{city.name}】督促: 提出物をご確認ください"
    body = [
        f"{council.name} 事務局 御中",
        "",
        f"{city.name}から、提出物についての督促です。",
        "期限を過ぎた実績報告や、入力期間の締切が近い進捗がないか、ポータルでご確認のうえ、"
        "速やかにご提出ください。",
        "",
        f"事務局トップ: {link}",
        *office_signature(city),
    ]
    return subject, "\n".join(body)


def councils_send_dunning(*, councils, actor, city) -> list[SentNotice]:
    """Send a 督促 now to each of ``councils``: one notice (the audit row, naming ``actor``)
    per council, e-mailed to the secretaries who receive 市からのお知らせ.

    A fixed number of queries whatever the number of councils.
    """
    councils = list(councils)
    if not councils:
        return []
    click = uuid.uuid4().hex  # every click is a new 督促, sent once to each council
    recipients = council_recipients([c.pk for c in councils], NoticeKind.CITY_NOTICE)
    link = portal_home_link(city)
    notices, messages = [], []
    for council in councils:
        subject, body = dunning_text(city, council, link)
        address_lists = list(recipients[council.pk].values())
        notices.append(
            SentNotice(
                kind=NoticeKind.CITY_NOTICE,
                subject_key=f"dunning:{click}",
                recipient_key=f"council:{council.pk}",
                council=council,
                actor=actor,
                subject=subject,
                body=body,
                emailed_to="\n".join(a for addresses in address_lists for a in addresses),
            )
        )
        messages += _messages(subject, body, address_lists)
    with transaction.atomic():
        SentNotice.objects.bulk_create(notices)
    _send(messages)
    return notices
