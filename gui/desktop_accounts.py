"""The desktop's online accounts (GNOME Online Accounts) as Facteur accounts, and every account's credentials.

An account of kind ``auth == "goa"`` takes its address, name and servers from GOA when it is added and asks GOA for
an access token whenever it connects (:class:`connectors.goa.GoaCredentials`): Facteur stores no secret for it. The
other accounts get their secrets from the keyring (:class:`gui.secrets.KeyringCredentials`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from connectors.credentials import CredentialsProvider
from connectors.exceptions import OnlineAccountError
from connectors.goa import GnomeOnlineAccounts, GoaCredentials, GoaMailAccount, GoaServer, GoaWatcher

from .accounts import Account, Identity, ServerSettings
from .workers.operation import Operation
from .workers.runner import runner

ReauthCallback = Callable[[Account], None]


def account_credentials(account: Account, *, on_reauth_needed: ReauthCallback | None = None,
                        goa: GnomeOnlineAccounts | None = None) -> CredentialsProvider:
    """The credentials provider the connectors of ``account`` are given."""
    if account.auth == "goa":
        return GoaCredentials(account.goa_id or "", account.email, goa=goa)
    from .secrets import KeyringCredentials

    return KeyringCredentials(account, on_reauth_needed=on_reauth_needed)


def _server(server: GoaServer) -> ServerSettings:
    security = server.security if server.security in ("ssl", "starttls") else "none"
    return ServerSettings(server.host, server.port, security, server.username)  # type: ignore[arg-type]


def settings_from_goa(found: GoaMailAccount) -> tuple[ServerSettings, ServerSettings]:
    """(IMAP, SMTP) as GOA gives them."""
    return _server(found.imap), _server(found.smtp)


def account_from_goa(found: GoaMailAccount, *, account_id: str | None = None) -> Account:
    imap, smtp = settings_from_goa(found)
    account = Account(email=found.email, imap=imap, smtp=smtp, display_name=found.name, auth="goa",
                      provider=found.facteur_provider or None, identities=[Identity(found.name, found.email)],
                      goa_id=found.id)
    if account_id is not None:
        account.id = account_id
    return account


class DesktopAccountsMonitor(QObject):
    """Watches GNOME Online Accounts while the window is open, for the accounts that sign in through it.

    When watching starts, and whenever GOA's accounts change or GOA starts or quits, each such account is looked up
    again off the GUI thread: one that is gone, whose mail was turned off or whose GOA is not running is reported at
    once (``report(account id, error)``), not at its next connection; one that is fine again after a report is
    handed to ``recovered``; one whose address or servers GOA now gives differently is handed to ``changed`` with
    GOA's settings (the servers are GOA's, not Facteur's).
    """

    _changed = Signal()  # from the watcher's thread: queued to this object's (the GUI) thread

    def __init__(self, accounts: Callable[[], Iterable[Account]], report: Callable[[str, BaseException], None],
                 recovered: Callable[[str], None], changed: Callable[[Account], None],
                 parent: QObject | None = None, *, goa: GnomeOnlineAccounts | None = None) -> None:
        super().__init__(parent)
        self._accounts = accounts
        self._report = report
        self._recovered = recovered
        self._settings_changed = changed
        self._goa = goa or GnomeOnlineAccounts()
        self._watcher: GoaWatcher | None = None
        self._reported: set[str] = set()
        self.checks: list[Operation] = []
        self._changed.connect(self.check)

    def watch(self) -> None:
        """Start watching (once); called when a GOA account is shown."""
        if self._watcher is None:
            self._watcher = GoaWatcher(self._changed.emit)
            if not self._watcher.start():
                self._watcher = None
            self._changed.emit()  # and look now: GOA may have changed while Facteur was closed

    def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None

    @Slot()
    def check(self) -> None:
        for account in self._accounts():
            if account.auth == "goa" and account.goa_id:
                self._check(account, account.goa_id)

    def _check(self, account: Account, goa_id: str) -> None:
        operation = Operation(lambda _op: self._goa.mail_account(goa_id), name="CheckDesktopAccount")
        operation.finished.connect(lambda found: self._fine(account, found))
        operation.failed.connect(lambda error: self._failed(account.id, error))
        self.checks.append(operation)
        operation.done.connect(lambda: self.checks.remove(operation))
        runner().submit(operation)

    def _fine(self, account: Account, found: GoaMailAccount) -> None:
        imap, smtp = settings_from_goa(found)
        if (account.email, account.imap, account.smtp) != (found.email, imap, smtp):
            self._reported.discard(account.id)
            # A new Account: the workers of the old one read its settings on their threads meanwhile.
            self._settings_changed(replace(account, email=found.email, imap=imap, smtp=smtp))
        elif account.id in self._reported:
            self._reported.discard(account.id)
            self._recovered(account.id)

    def _failed(self, account_id: str, error: Any) -> None:
        if isinstance(error, OnlineAccountError):
            self._reported.add(account_id)
            self._report(account_id, error)
