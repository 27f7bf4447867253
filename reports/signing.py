"""The organisation's signature on report PDFs: a PAdES baseline B-B signature (pyHanko) with the
certificate of `REPORT_SIGNING_CERT` (a PKCS#12 file, opened with `REPORT_SIGNING_PASSWORD`),
and its validation against that same certificate.

No certificate configured: reports are produced unsigned, and say so (`AuditReport.signature`).
A certificate configured but unusable (missing file, wrong password, expired) is an error: the
report fails with the reason, rather than quietly coming out unsigned.

Validation never fetches anything (no revocation or AIA look-ups): the configured certificate
is the one trust anchor, so a signature holds only if it was made with that certificate (or one
it issued), covers the whole file and is intact."""

import datetime
import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)
FIELD_NAME = "ReportSignature"


class SigningError(Exception):
    """A signing certificate is configured but cannot be used; the message says why."""


@dataclass(frozen=True)
class Credentials:
    signer: object  # pyhanko.sign.signers.SimpleSigner
    certificate: object  # asn1crypto.x509.Certificate
    subject: str
    fingerprint: str  # SHA-256 of the certificate (DER), hex
    not_after: datetime.datetime


_cache: dict[tuple, Credentials] = {}


def certificate_path() -> Path | None:
    configured = str(getattr(settings, "REPORT_SIGNING_CERT", "") or "").strip()
    if not configured:
        return None
    path = Path(configured)
    return path if path.is_absolute() else Path(settings.BASE_DIR) / path


def credentials() -> Credentials | None:
    """The configured signing key and certificate, or None when none is configured. Read once
    per file version and password (a replaced file is read again)."""
    path = certificate_path()
    if path is None:
        return None
    password = str(getattr(settings, "REPORT_SIGNING_PASSWORD", "") or "")
    try:
        stat = path.stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size, hashlib.sha256(password.encode()).hexdigest())
        if key in _cache:
            return _cache[key]
        data = path.read_bytes()
    except OSError as exc:
        raise SigningError(f"The report signing certificate {path} cannot be read: {exc.strerror}.") from exc
    from pyhanko.sign import signers

    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=password.encode() or None)
    except ValueError as exc:
        raise SigningError(
            f"The report signing certificate {path} could not be opened: not a PKCS#12 file, or "
            "REPORT_SIGNING_PASSWORD is wrong."
        ) from exc
    certificate = signer.signing_cert
    found = Credentials(
        signer=signer,
        certificate=certificate,
        subject=certificate.subject.human_friendly,
        fingerprint=hashlib.sha256(certificate.dump()).hexdigest(),
        not_after=certificate.not_valid_after,
    )
    _cache.clear()
    _cache[key] = found
    return found


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    credentials: Credentials | None  # None: unsigned, no certificate configured


def sign(pdf: bytes, reason: str) -> Signed:
    """The PDF with a PAdES B-B signature appended as an incremental update (the PDF/A-3b
    document is left as it is, only a signature field and its value are added). Unsigned when
    no certificate is configured; SigningError when the configured one cannot be used."""
    found = credentials()
    if found is None:
        return Signed(pdf, None)
    now = datetime.datetime.now(datetime.UTC)
    if found.not_after < now:
        raise SigningError(
            f"The report signing certificate ({found.subject}) expired on {found.not_after:%Y-%m-%d}; "
            "configure a current one in REPORT_SIGNING_CERT."
        )
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason[:200],
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = signers.sign_pdf(writer, metadata, signer=found.signer)
    return Signed(output.getvalue(), found)


def signature_valid(pdf: bytes) -> bool:
    """Whether the PDF's last signature is intact, covers the whole file and was made with the
    configured certificate. False when it is unsigned, when no certificate is configured, and for
    anything pyHanko cannot read."""
    try:
        found = credentials()
    except SigningError:
        logger.warning("Signature validation without a usable signing certificate", exc_info=True)
        return False
    if found is None:
        return False
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko.sign.validation.status import SignatureCoverageLevel
        from pyhanko_certvalidator import ValidationContext

        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
        if not signatures:
            return False
        context = ValidationContext(trust_roots=[found.certificate], allow_fetching=False)
        status = validate_pdf_signature(signatures[-1], context)
        return bool(status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE)
    except Exception:  # a malformed file is "not valid", never an error page
        logger.info("Report signature validation failed", exc_info=True)
        return False


def make_certificate(
    common_name: str, organisation: str, password: str, days: int = 3650, key_size: int = 3072
) -> bytes:
    """A self-signed certificate and its RSA key as PKCS#12, for signing reports (a demo or a
    test; production uses the organisation's own certificate)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    return pkcs12.serialize_key_and_certificates(common_name.encode(), key, certificate, None, encryption)
