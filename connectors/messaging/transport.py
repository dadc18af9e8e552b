"""TLS contexts and the translation of socket/TLS failures into errors a person can act on."""

from __future__ import annotations

import socket
import ssl

from ..config import ServerConfig
from ..exceptions import CertificateError, ConnectionError, ConnectorError, SSLError, TimeoutError
from ..interrupt import WatchedSSLSocket


def make_ssl_context(config: ServerConfig) -> ssl.SSLContext:
    """Verified TLS by default: the system's authorities (or only ``ca_file``'s), plus the certificates in
    ``extra_ca_file`` (those the person chose to trust), read at each connection; ``verify_ssl=False`` only when
    asked. Its sockets can be broken by the connecting thread's :class:`connectors.interrupt.Interrupter`."""
    context = ssl.create_default_context(cafile=config.ca_file)
    context.sslsocket_class = WatchedSSLSocket
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if config.extra_ca_file:
        context.load_verify_locations(cafile=config.extra_ca_file)
    if config.ca_file or config.extra_ca_file:
        # A certificate the person chose to trust may be the server's own (not a CA): accept a chain that ends at
        # it, as Python 3.13 does by default.
        context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    if not config.verify_ssl:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def network_error(exc: BaseException, config: ServerConfig, what: str) -> ConnectorError:
    """Map an exception raised while talking to ``config``'s server to the connectors' hierarchy."""
    where = f"{what} server {config.address}"
    host, port = config.host, config.port
    if isinstance(exc, ConnectorError):
        return exc
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or exc.reason or "verification failed"
        return CertificateError(
            f"The certificate of {where} is not trusted: {reason}. Check the host name, or trust the server's "
            "certificate authority with ca_file",
            host,
            port,
            reason=str(reason),
        )
    if isinstance(exc, ssl.SSLError):
        return SSLError(f"TLS negotiation with {where} failed: {exc.reason or exc}", host, port)
    if isinstance(exc, socket.gaierror):
        return ConnectionError(f"Cannot resolve the host name of {where}: {exc.strerror}", host, port)
    if isinstance(exc, socket.timeout | TimeoutError):
        return TimeoutError(f"{where} did not answer within {config.timeout:g} s", host, port)
    if isinstance(exc, ConnectionRefusedError):
        return ConnectionError(f"{where} refused the connection (is the port right?)", host, port)
    if isinstance(exc, ConnectionResetError | BrokenPipeError | EOFError):
        return ConnectionError(f"The connection to {where} was closed unexpectedly", host, port)
    if isinstance(exc, OSError):
        detail = exc.strerror or str(exc) or type(exc).__name__
        return ConnectionError(f"Cannot reach {where}: {detail}", host, port)
    return ConnectionError(f"Lost the connection to {where}: {type(exc).__name__}", host, port)
