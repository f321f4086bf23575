"""PAdES signatures on notices (pyHanko), with the city's certificate (core.certificates).

A city without a certificate issues its notices unsigned; they stay verifiable by their
SHA-256 all the same. With a timestamp authority configured, each signature carries an
RFC 3161 timestamp; when the authority does not answer, the notice is signed without one
(the signing time then is this server's clock) and the failure is logged.
"""

import io
import logging

from django.conf import settings

from core import certificates

logger = logging.getLogger(__name__)

FIELD_NAME = "CitySignature"


def signer_for(city):
    """A pyHanko signer with ``city``'s certificate, or None when the city signs nothing.

    Raises ValueError when the stored certificate does not open (the install's
    NOTICE_CERTIFICATE_KEY changed since it was uploaded).
    """
    from pyhanko.sign import signers

    stored = certificates.stored(city)
    if stored is None:
        return None
    data, password = stored
    return signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=password)


def timestamper_for(city):
    """The city's timestamp authority client, or None when it has none."""
    if not city.notice_tsa_url:
        return None
    from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

    return RequestsHTTPTimeStamper(city.notice_tsa_url, timeout=settings.NOTICE_TSA_TIMEOUT)


def sign_pdf(pdf: bytes, signer, *, timestamper=None, reason: str, location: str) -> bytes:
    """``pdf`` with one invisible PAdES signature (SHA-256) covering the whole file."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    return signers.sign_pdf(writer, meta, signer=signer, timestamper=timestamper).getvalue()


def sign_for_city(pdf: bytes, city, *, reason: str) -> tuple[bytes, bool]:
    """(the PDF, whether it is signed): signed with ``city``'s certificate when it has one.

    A certificate that no longer opens is logged and the notice issued unsigned, so that a
    notice is never held back by the signing set-up.
    """
    try:
        signer = signer_for(city)
    except ValueError:
        logger.exception("notice signing certificate of city %s does not open", city.pk)
        return pdf, False
    if signer is None:
        return pdf, False
    from pyhanko.sign.timestamps import TimestampRequestError

    timestamper = timestamper_for(city)
    try:
        return sign_pdf(
            pdf, signer, timestamper=timestamper, reason=reason, location=city.name
        ), True
    except TimestampRequestError:
        if timestamper is None:
            raise
        logger.warning(
            "timestamp authority %s did not answer; signing without", city.notice_tsa_url
        )
    return sign_pdf(pdf, signer, reason=reason, location=city.name), True
