"""The connection test run before an account is saved: log in to IMAP, then to SMTP, in a worker thread.

Each step reports progress; a refused certificate comes back as :class:`UntrustedCertificate` with the chain the
server presented, so the page can show it. Nothing is stored: the credentials come from memory.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

from connectors import create_connector
from connectors.credentials import CredentialsProvider
from connectors.exceptions import CertificateError

from ..accounts import Account
from ..cert_trust import inspect_certificate_error
from ..workers.operation import Operation


class ServerTestError(Exception):
    """Which server (``"imap"`` or ``"smtp"``) failed, wrapping the connector's error."""

    def __init__(self, server: str, error: BaseException) -> None:
        super().__init__(str(error))
        self.server = server
        self.error = error


class ConnectionTest(Operation):
    """Logs in to the account's IMAP and SMTP servers; finishes with ``{"imap": n_folders, "smtp": True}``."""

    def __init__(
        self,
        account: Account,
        credentials: CredentialsProvider,
        *,
        timeout: float = 30.0,
        servers: tuple[str, ...] = ("imap", "smtp"),
    ) -> None:
        super().__init__(name="ConnectionTest")
        self.account = account
        self.credentials = credentials
        self.timeout = timeout
        self.servers = servers

    def _config(self, server: str) -> dict[str, Any]:
        config = (
            self.account.imap_config(self.credentials)
            if server == "imap"
            else self.account.smtp_config(self.credentials)
        )
        config["timeout"] = self.timeout
        return config

    def _check(self, server: str) -> Any:
        connector = create_connector(server, self._config(server))
        with connector.connection():
            return len(connector.list_folders()) if server == "imap" else True

    def execute(self) -> dict[str, Any]:
        results: dict[str, Any] = {}
        total = len(self.servers)
        for done, server in enumerate(self.servers):
            self.check_cancelled()
            settings = self.account.imap if server == "imap" else self.account.smtp
            self.say("progress", done, total)
            self.say(
                "status",
                QCoreApplication.translate("ConnectionTest", "Connecting to {host}…").format(host=settings.host)
            )
            try:
                results[server] = self._check(server)
            except CertificateError as exc:
                self.check_cancelled()
                self.say(
                    "status",
                    QCoreApplication.translate("ConnectionTest", "Fetching the certificate of {host}…").format(
                        host=settings.host
                    )
                )
                raise ServerTestError(
                    server,
                    inspect_certificate_error(
                        exc, server, settings.host, settings.port, settings.security, self.timeout
                    ),
                ) from None
            except Exception as exc:  # noqa: BLE001 - reported to the page with the server's name
                raise ServerTestError(server, exc) from None
        self.say("progress", total, total)
        return results
