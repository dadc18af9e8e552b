"""Asking for a new Google sign-in when Google revoked Facteur's access — once, not in a loop.

The keyring-backed credentials provider calls ``ReauthPrompter.on_reauth_needed(account)`` (from any worker
thread) when the refresh token is refused. The prompter shows one "Sign in again" dialog per account; if the
person chooses "Later", it stays quiet until :meth:`ReauthPrompter.ask` is called (e.g. from a "Sign in"
button next to the account), so a syncing account cannot flood them with dialogs.
"""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from connectors.credentials import OAuthCredentials

from ..accounts import Account, AccountStore
from ..errors import describe_error
from ..secrets import SecretsUnavailable, store_secret
from ..workers.runner import runner
from .connection_test import ConnectionTest, ServerTestError
from .google_panel import ERROR_STYLE, GoogleSignInPanel
from .services import WizardServices


class SignInAgainDialog(QDialog):
    """Signs ``account`` in with Google again, checks the new sign-in opens its mailbox, then stores it."""

    signedIn = Signal(object)  # the updated Account

    def __init__(
        self,
        account: Account,
        store: AccountStore,
        *,
        services: WizardServices | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.account = account
        self.store = store
        self.services = services or WizardServices()
        self._check: ConnectionTest | None = None
        self._tokens: dict[str, Any] | None = None
        self._candidate: Account | None = None
        self.setObjectName("signInAgainDialog")
        self.setWindowTitle(self.tr("Sign in again — {account}").format(account=account.label))
        self.setMinimumWidth(520)
        text = self.tr(
            "<b>Google no longer accepts Facteur's access to {email}.</b><br>The sign-in expired or was "
            "revoked. Sign in again to keep receiving and sending mail."
        )
        self.intro = intro = QLabel(text.format(email=html.escape(account.email)), self)
        intro.setObjectName("reauthIntro")
        intro.setWordWrap(True)
        self.panel = GoogleSignInPanel(self.services, self)
        self.panel.email = account.email
        self.panel.provider_id = account.oauth.provider if account.oauth is not None else "google"
        self.panel.signedIn.connect(self._signed_in)
        self.status = QLabel(self)
        self.status.setObjectName("reauthStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the server's refusal
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        later = buttons.addButton(self.tr("&Later"), QDialogButtonBox.ButtonRole.RejectRole)
        later.setObjectName("reauthLaterButton")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.panel)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

    @Slot(object)
    def _signed_in(self, tokens: Any) -> None:
        manager, oauth = self.panel.manager, self.panel.oauth
        assert manager is not None and oauth is not None
        self._tokens = tokens
        candidate = replace(self.account, oauth=oauth, auth="oauth2")
        # The browser may have been signed in to another Google account: only this address's mailbox will do.
        self._check = ConnectionTest(
            candidate, OAuthCredentials(manager), servers=("imap",), timeout=self.services.connection_timeout
        )
        self._check.finished.connect(self._checked)
        self._check.failed.connect(self._check_failed)
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Checking access to {email}…").format(email=self.account.email))
        self._candidate = candidate
        runner().submit(self._check)

    @Slot(object)
    def _checked(self, _result: object) -> None:
        if self.sender() is not self._check:
            return
        self._check = None
        refresh = (self._tokens or {}).get("refresh_token")
        try:
            if not refresh:
                raise SecretsUnavailable("Google gave no refresh token")
            store_secret(self.account.id, "refresh-token", str(refresh))
        except SecretsUnavailable as exc:
            self._show_error(exc)
            return
        assert self._candidate is not None
        self.account.oauth = self._candidate.oauth
        self.account.auth = "oauth2"
        self.store.update(self.account)
        self.signedIn.emit(self.account)
        self.accept()

    @Slot(object)
    def _check_failed(self, error: object) -> None:
        if self.sender() is not self._check:
            return
        self._check = None
        cause = error.error if isinstance(error, ServerTestError) else error
        assert isinstance(cause, BaseException)
        self._show_error(cause)
        self.panel.reset()

    def _show_error(self, error: BaseException) -> None:
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(
            self.tr("That sign-in does not open {email}: {detail}").format(
                email=self.account.email, detail=describe_error(error).text
            )
        )

    def reject(self) -> None:
        self.panel.cancel()
        if self._check is not None:
            self._check.cancel()
            self._check = None
        super().reject()


class ReauthPrompter(QObject):
    """One "sign in again" dialog per account whose Google access was revoked; thread-safe entry point."""

    signedIn = Signal(object)  # the Account, with a fresh refresh token in the keyring
    _requested = Signal(str)

    def __init__(
        self, store: AccountStore, parent: QWidget | None = None, *, services: WizardServices | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.services = services
        self._waiting: set[str] = set()  # accounts that need a sign-in (asked, or dismissed with "Later")
        self.dialogs: dict[str, SignInAgainDialog] = {}
        self._requested.connect(self._prompt)

    def on_reauth_needed(self, account: Account) -> None:
        """Give this to :class:`gui.secrets.KeyringCredentials`; safe to call from any thread."""
        self._requested.emit(account.id)

    def needs_sign_in(self, account_id: str) -> bool:
        return account_id in self._waiting

    @Slot(str)
    def _prompt(self, account_id: str) -> None:
        if account_id in self._waiting:
            return  # already asked: no new dialog until the person asks for it
        self._waiting.add(account_id)
        self.ask(account_id)

    def ask(self, account_id: str) -> SignInAgainDialog | None:
        """Show (or raise) the dialog for ``account_id``."""
        account = self.store.get(account_id)
        if account is None:
            self._waiting.discard(account_id)
            return None
        self._waiting.add(account_id)
        dialog = self.dialogs.get(account_id)
        if dialog is None:
            parent = self.parent()
            dialog = SignInAgainDialog(
                account, self.store, services=self.services, parent=parent if isinstance(parent, QWidget) else None
            )
            dialog.signedIn.connect(self._signed_in)
            dialog.finished.connect(lambda _code, key=account_id: self._closed(key))
            self.dialogs[account_id] = dialog
        dialog.show()
        dialog.raise_()
        return dialog

    def _closed(self, account_id: str) -> None:
        dialog = self.dialogs.pop(account_id, None)
        if dialog is not None:
            dialog.deleteLater()

    @Slot(object)
    def _signed_in(self, account: Account) -> None:
        self._waiting.discard(account.id)
        self.signedIn.emit(account)
