"""A city's signing certificate (PKCS#12: the key and its certificate) for its notices.

The city administrator uploads the file with its password once. The password is never
stored: the key is opened with it, checked, and written again into a new PKCS#12 locked
with a key of this install (``NOTICE_CERTIFICATE_KEY``, kept in the environment, not in
the database or the storage). Only that re-locked file is kept, in the private storage, so
a copy of the database and the files alone does not give the city's signing key.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from .storage import private_storage

# A PKCS#12 file holds a key and a few certificates: a few kilobytes. Anything far larger is
# not one.
MAX_BYTES = 100 * 1024


@dataclass(frozen=True)
class OpenedCertificate:
    """What a PKCS#12 file holds, opened: the key, its certificate and any chain."""

    key: object
    certificate: object
    chain: tuple

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def not_after(self) -> datetime:
        return self.certificate.not_valid_after_utc


def _wrapping_password(salt: str) -> bytes:
    """The password the stored file is locked with: a key of this install, per file."""
    secret = (settings.NOTICE_CERTIFICATE_KEY or settings.SECRET_KEY).encode()
    return (
        hmac.new(secret, f"notice-certificate:{salt}".encode(), hashlib.sha256).hexdigest().encode()
    )


def open_upload(upload, password: str, *, now: datetime | None = None) -> OpenedCertificate:
    """Open an uploaded PKCS#12 file (an UploadedFile, or bytes) with the password the city
    typed.

    Raises ValidationError: certificate_too_large, certificate_not_opened (not a PKCS#12
    file, or the wrong password), certificate_without_key, certificate_expired.
    """
    size = len(upload) if isinstance(upload, bytes) else upload.size
    if size > MAX_BYTES:
        raise ValidationError(
            "証明書のファイルが大きすぎます（%(limit)sKBまで）。PKCS#12形式（.p12・.pfx）の"
            "ファイルを選んでください。",
            code="certificate_too_large",
            params={"limit": MAX_BYTES // 1024},
        )
    data = upload if isinstance(upload, bytes) else upload.read()
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(
            data, password.encode() if password else None
        )
    except Exception as error:  # ValueError for a wrong password and for a file of another kind
        raise ValidationError(
            "証明書を開けませんでした。パスワードが正しいか、PKCS#12形式（.p12・.pfx）の"
            "ファイルかをお確かめください。",
            code="certificate_not_opened",
        ) from error
    if key is None or certificate is None:
        raise ValidationError(
            "このファイルには署名用の鍵と証明書の両方が入っていません。"
            "鍵を含むPKCS#12形式のファイルを選んでください。",
            code="certificate_without_key",
        )
    opened = OpenedCertificate(key=key, certificate=certificate, chain=tuple(chain or ()))
    now = now or timezone.now()
    if opened.not_after <= now:
        raise ValidationError(
            "この証明書は有効期限が切れています（%(date)sまで）。",
            code="certificate_expired",
            params={"date": timezone.localtime(opened.not_after).strftime("%Y-%m-%d")},
        )
    return opened


def wrap(opened: OpenedCertificate, salt: str) -> bytes:
    """The key and certificates as a new PKCS#12 locked with this install's key."""
    return pkcs12.serialize_key_and_certificates(
        name=b"notice-signing",
        key=opened.key,
        cert=opened.certificate,
        cas=list(opened.chain) or None,
        encryption_algorithm=BestAvailableEncryption(_wrapping_password(salt)),
    )


def unwrap(data: bytes, salt: str) -> tuple[bytes, bytes]:
    """(PKCS#12 bytes, the password that opens them) of a stored file, for the signer."""
    return data, _wrapping_password(salt)


def certificate_salt(city) -> str:
    return f"city-{city.pk}"


def attach(city, opened: OpenedCertificate) -> None:
    """Keep ``opened`` as ``city``'s signing certificate (re-locked, in the private storage);
    the caller saves ``city``. The file it replaces is deleted once the change is committed."""
    previous = city.notice_certificate.name
    data = wrap(opened, certificate_salt(city))
    name = private_storage.save(
        f"certificates/city-{city.pk}/{secrets.token_hex(16)}.p12", ContentFile(data)
    )
    city.notice_certificate.name = name
    city.notice_certificate_subject = opened.subject[:300]
    city.notice_certificate_expires_at = opened.not_after
    if previous:
        transaction.on_commit(lambda: private_storage.delete(previous))


def detach(city) -> None:
    """Stop signing ``city``'s notices; the caller saves ``city``."""
    previous = city.notice_certificate.name
    city.notice_certificate.name = ""
    city.notice_certificate_subject = ""
    city.notice_certificate_expires_at = None
    if previous:
        transaction.on_commit(lambda: private_storage.delete(previous))


def stored(city) -> tuple[bytes, bytes] | None:
    """(PKCS#12 bytes, password) of ``city``'s signing certificate, or None when it has none."""
    if not city.notice_certificate:
        return None
    with city.notice_certificate.open("rb") as file:
        data = file.read()
    return unwrap(data, certificate_salt(city))
