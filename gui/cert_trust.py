"""An untrusted server certificate: fetch what the server presents, describe it, and pin it for one account.

When a connection test fails on the certificate, the worker fetches the chain the server presents (without
sending any credential), so the person can compare its SHA-256 fingerprint with what their administrator gave
them. Trusting it writes a private PEM file under the config dir for this account with the server's own certificate,
and the account's ``ca_file`` points at it. Connectors add it to the system's authorities at each connection
(``extra_ca_file``), so a second server of the same account with a public certificate keeps working, and updates
of the system's authorities count; the host name is verified as always.
"""

from __future__ import annotations

import imaplib
import smtplib
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCryptographicHash
from PySide6.QtNetwork import QSsl, QSslCertificate

from connectors.exceptions import CertificateError
from connectors.private_files import write_private

from .accounts import Security, config_dir

# Reasons a pin cannot cure: the connectors always check the host name and the validity dates.
_UNFIXABLE = ("hostname mismatch", "ip address mismatch", "has expired", "not yet valid")


@dataclass(frozen=True)
class CertificateInfo:
    der: bytes
    subject: str
    issuer: str
    not_before: str  # ISO 8601, UTC
    not_after: str
    sha256: str  # "AB:CD:..."
    hostnames: tuple[str, ...]
    self_signed: bool

    @property
    def pem(self) -> str:
        return ssl.DER_cert_to_PEM_cert(self.der)


class UntrustedCertificate(CertificateError):
    """A :class:`CertificateError` carrying the chain the server presented (leaf first), for the person to judge."""

    def __init__(self, error: CertificateError, server: str, chain: list[CertificateInfo]) -> None:
        super().__init__(str(error), error.host, error.port, reason=error.reason)
        self.server = server  # "imap" or "smtp"
        self.chain = chain

    @property
    def leaf(self) -> CertificateInfo | None:
        return self.chain[0] if self.chain else None

    @property
    def can_be_trusted(self) -> bool:
        return bool(self.chain) and not any(words in self.reason.lower() for words in _UNFIXABLE)


def _names(certificate: QSslCertificate, attribute: QSslCertificate.SubjectInfo, subject: bool) -> str:
    values = certificate.subjectInfo(attribute) if subject else certificate.issuerInfo(attribute)
    return ", ".join(values)


def _display_name(certificate: QSslCertificate, subject: bool) -> str:
    parts = [_names(certificate, QSslCertificate.SubjectInfo.CommonName, subject),
             _names(certificate, QSslCertificate.SubjectInfo.Organization, subject)]
    return " — ".join(p for p in parts if p) or (
        certificate.subjectDisplayName() if subject else certificate.issuerDisplayName())


def certificate_info(der: bytes) -> CertificateInfo:
    certificate = QSslCertificate(der, QSsl.EncodingFormat.Der)
    if certificate.isNull():
        raise ValueError("not an X.509 certificate")
    digest = bytes(certificate.digest(QCryptographicHash.Algorithm.Sha256).data()).hex().upper()
    hostnames = tuple(name for values in certificate.subjectAlternativeNames().values() for name in values)
    return CertificateInfo(
        der=der,
        subject=_display_name(certificate, True),
        issuer=_display_name(certificate, False),
        not_before=certificate.effectiveDate().toUTC().toString("yyyy-MM-dd HH:mm 'UTC'"),
        not_after=certificate.expiryDate().toUTC().toString("yyyy-MM-dd HH:mm 'UTC'"),
        sha256=":".join(digest[i:i + 2] for i in range(0, len(digest), 2)),
        hostnames=hostnames,
        self_signed=certificate.isSelfSigned(),
    )


def _inspection_context() -> ssl.SSLContext:
    """No verification: this connection only looks at the certificate and never carries a credential."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def _chain_of(tls: ssl.SSLSocket) -> list[bytes]:
    # Python 3.13 made get_unverified_chain public; 3.10-3.12 have it on the internal object.
    getter = getattr(tls, "get_unverified_chain", None) or getattr(getattr(tls, "_sslobj", None),
                                                                   "get_unverified_chain", None)
    if getter is not None:
        chain = getter() or []
        return [c if isinstance(c, bytes) else ssl.PEM_cert_to_DER_cert(c.public_bytes()) for c in chain]
    leaf = tls.getpeercert(binary_form=True)
    return [leaf] if leaf else []


def fetch_presented_chain(host: str, port: int, security: Security, protocol: str, timeout: float = 15.0
                          ) -> list[CertificateInfo]:
    """The certificates ``host:port`` presents (leaf first), after STARTTLS when ``security`` says so."""
    context = _inspection_context()
    if security == "ssl":
        with socket.create_connection((host, port), timeout=timeout) as raw, \
                context.wrap_socket(raw, server_hostname=host) as tls:
            ders = _chain_of(tls)
    elif protocol == "imap":
        imap = imaplib.IMAP4(host, port, timeout=timeout)
        try:
            imap.starttls(ssl_context=context)
            ders = _chain_of(imap.sock)  # type: ignore[arg-type]
        finally:
            imap.shutdown()
    else:
        with smtplib.SMTP(host, port, timeout=timeout) as smtp:
            smtp.ehlo()
            smtp.starttls(context=context)
            ders = _chain_of(smtp.sock)  # type: ignore[arg-type]
    return [certificate_info(der) for der in ders]


def inspect_certificate_error(error: CertificateError, protocol: str, host: str, port: int, security: Security,
                              timeout: float = 15.0) -> UntrustedCertificate:
    """The error again, with the presented chain when it can be fetched (an empty chain otherwise)."""
    try:
        chain = fetch_presented_chain(host, port, security, protocol, timeout)
    except (OSError, ValueError, imaplib.IMAP4.error, smtplib.SMTPException):
        chain = []
    return UntrustedCertificate(error, protocol, chain)


def pin_path(account_id: str) -> Path:
    return config_dir() / "certificates" / f"{account_id}.pem"


def _pems_in(text: str) -> list[str]:
    end = "-----END CERTIFICATE-----"
    return [block.strip() + "\n" + end + "\n" for block in text.split(end) if "-----BEGIN CERTIFICATE-----" in block]


def _system_pems() -> list[str]:
    cafile = ssl.get_default_verify_paths().cafile
    if cafile and Path(cafile).is_file():
        return _pems_in(Path(cafile).read_text(encoding="ascii", errors="replace"))
    # Windows and macOS load their stores into the context rather than naming a file.
    return [ssl.DER_cert_to_PEM_cert(der) for der in ssl.create_default_context().get_ca_certs(binary_form=True)]


def certificates_to_pin(chain: list[CertificateInfo]) -> list[CertificateInfo]:
    """The leaf only: the narrowest trust, the one certificate the person compared. Never the root the server
    sent — trusting it would accept every certificate that authority signs, for any name. The connectors accept a
    pinned leaf as a trust anchor (OpenSSL's partial-chain flag), host name and dates still checked."""
    return chain[:1]


def trust_certificates(account_id: str, chain: list[CertificateInfo], current_ca_file: str | None) -> Path:
    """Write this account's pin file (its earlier pins + the server's own certificate, 0600); its path.

    Only what the person trusted goes in: the connectors add it to the system's authorities as they are at each
    connection (an older Facteur copied the system bundle in here; that copy is dropped when the file is rewritten).
    """
    path = pin_path(account_id)
    pems: list[str] = []
    if current_ca_file and Path(current_ca_file).is_file():
        system = {pem.strip() for pem in _system_pems()}
        earlier = _pems_in(Path(current_ca_file).read_text(encoding="ascii", errors="replace"))
        pems += [pem for pem in earlier if pem.strip() not in system]
    pems += [info.pem for info in certificates_to_pin(chain)]
    unique = list(dict.fromkeys(p.strip() + "\n" for p in pems))
    return write_private(path, "".join(unique))


def is_pinned(ca_file: str | None, info: CertificateInfo) -> bool:
    if not ca_file or not Path(ca_file).is_file():
        return False
    return info.pem.strip() in {p.strip() for p in _pems_in(Path(ca_file).read_text(encoding="ascii",
                                                                                     errors="replace"))}


def forget_pin(account_id: str) -> None:
    pin_path(account_id).unlink(missing_ok=True)
