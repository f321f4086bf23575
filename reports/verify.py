"""通知書の確認: anyone holding a notice PDF checks that the city issued exactly that file.

No login. The visitor gives the document number printed on the notice and the PDF itself
(or its SHA-256, pasted); the page compares the file's SHA-256 with the one the city kept
when it issued the notice (subsidies.notices.verify_notice). Only what the holder of a
matching file already reads on it is shown: number, kind, date, issuer, and whether it is
signed. The work is one hash and one query: the file is read in chunks, never parsed, never
stored, and a body over the limit is refused before it is read.
"""

import hashlib
import re
import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.validators import validate_no_control_characters
from subsidies.notices import Verification, verify_notice

SHA256 = re.compile(r"[0-9a-f]{64}")
# Room for the form fields and the multipart boundaries around the file.
FORM_OVERHEAD_BYTES = 64 * 1024


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}MB"


class VerifyForm(forms.Form):
    document_number = forms.CharField(
        label="文書番号",
        max_length=40,
        help_text="通知書の右上に記載されている番号です。例: 一関ま第12号",
        validators=[validate_no_control_characters],
    )
    pdf = forms.FileField(
        label="通知書のPDFファイル",
        required=False,
        error_messages={
            "empty": "選んだファイルは空です。受け取った通知書のPDFファイルを選んでください。"
        },
        help_text="受け取ったままのファイルを選んでください（%(limit)sまで）。"
        "ファイルは照合にだけ使い、保存しません。",
    )
    sha256 = forms.CharField(
        label="PDFファイルの代わりに: SHA-256（64桁の16進数）",
        required=False,
        max_length=200,
        help_text="ファイルを送らずに確かめる場合は、ファイルのSHA-256を貼り付けてください。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pdf"].help_text %= {"limit": _mb(settings.NOTICE_VERIFY_MAX_BYTES)}
        self.uploaded_sha256 = ""

    def clean_document_number(self):
        # Full-width digits and spaces as typed from paper: 「一関ま第１２号」 is 一関ま第12号.
        number = unicodedata.normalize("NFKC", self.cleaned_data["document_number"])
        return re.sub(r"\s+", "", number)

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if not upload:
            return upload
        limit = settings.NOTICE_VERIFY_MAX_BYTES
        if upload.size > limit:
            raise ValidationError(
                "ファイルが大きすぎます（%(limit)sまで）。通知書のPDFファイルを選んでください。",
                code="file_too_large",
                params={"limit": _mb(limit)},
            )
        digest = hashlib.sha256()
        first = b""
        for chunk in upload.chunks():
            if not first:
                first = chunk[:5]
            digest.update(chunk)
        if first != b"%PDF-":
            raise ValidationError(
                "「%(name)s」はPDFファイルではありません。受け取った通知書のPDFファイルを"
                "選んでください。",
                code="not_pdf",
                params={"name": upload.name},
            )
        self.uploaded_sha256 = digest.hexdigest()
        return upload

    def clean_sha256(self):
        value = re.sub(r"\s+", "", self.cleaned_data.get("sha256", "")).lower()
        if value and not SHA256.fullmatch(value):
            raise ValidationError(
                "SHA-256は0〜9とa〜fの64文字で入力してください（%(length)s文字入力されています）。",
                code="invalid_sha256",
                params={"length": len(value)},
            )
        return value

    def clean(self):
        cleaned = super().clean()
        pasted = cleaned.get("sha256", "")
        if self.has_error("pdf") or self.has_error("sha256"):
            return cleaned
        if not self.uploaded_sha256 and not pasted:
            raise ValidationError(
                "通知書のPDFファイルを選ぶか、そのSHA-256を貼り付けてください。",
                code="nothing_to_compare",
            )
        if self.uploaded_sha256 and pasted and pasted != self.uploaded_sha256:
            self.add_error(
                "sha256",
                ValidationError(
                    "貼り付けたSHA-256が、選んだファイルのSHA-256と違います。"
                    "どちらか一方だけを入力してください。",
                    code="sha256_differs",
                ),
            )
        cleaned["digest"] = self.uploaded_sha256 or pasted
        return cleaned


def _too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.NOTICE_VERIFY_MAX_BYTES + FORM_OVERHEAD_BYTES


@never_cache
@require_http_methods(["GET", "POST"])
def notice_verify(request):
    """The form (GET); the form with its answer (POST)."""
    form, result, status, too_large = VerifyForm(), None, 200, False
    if request.method == "POST" and _too_large(request):
        too_large, status = True, 413  # the body is not read
    elif request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            result = verify_notice(
                form.cleaned_data["document_number"], form.cleaned_data["digest"]
            )
    cleaned = getattr(form, "cleaned_data", {})
    context = {
        "form": form,
        "result": result,
        "outcomes": Verification,
        "too_large": too_large,
        "limit": _mb(settings.NOTICE_VERIFY_MAX_BYTES),
        "digest": cleaned.get("digest", ""),
        "document_number": cleaned.get("document_number", ""),
    }
    response = render(request, "reports/notice_verify.html", context, status=status)
    if too_large:
        response["Connection"] = "close"
    return response
