"""A self-signed signing certificate for the demo city, so its notices come out signed.

A real city uploads the certificate its certification authority issued (for example an
LGPKI 職責証明書 exported as PKCS#12) in 自治体設定; the demo makes one of its own, valid
for ten years, named for the mayor. Being self-signed, PDF readers show its signature as
intact but of an unknown signer, which is what a demo should show.
"""

from datetime import timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from cryptography.x509.oid import NameOID
from django.db import transaction
from django.utils import timezone

from core import certificates
from core.models import Municipality

PASSWORD = "demo-signing-2026"


def self_signed_pkcs12(
    common_name: str, organisation: str, password: str = PASSWORD, *, days: int = 3650
) -> bytes:
    """A PKCS#12 file with a new 2048-bit RSA key and its self-signed certificate."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = timezone.now()
    ends = now + timedelta(days=days)  # days < 0: one that has expired (for tests)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(min(now, ends) - timedelta(days=1))
        .not_valid_after(ends)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        name=common_name.encode(),
        key=key,
        cert=certificate,
        cas=None,
        encryption_algorithm=BestAvailableEncryption(password.encode()),
    )


def load(stdout=None) -> None:
    """Give the city in force a self-signed signing certificate, unless it has one already."""
    city = Municipality.current()
    if city.notice_certificate:
        return
    title = city.mayor_title or f"{city.name}長"
    data = self_signed_pkcs12(f"{title} {city.mayor_name}".strip(), f"{city.name}（デモ）")
    with transaction.atomic():
        certificates.attach(city, certificates.open_upload(data, PASSWORD))
        city.save(
            update_fields=[
                "notice_certificate",
                "notice_certificate_subject",
                "notice_certificate_expires_at",
            ]
        )
