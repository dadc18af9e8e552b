"""The main window's way to the account wizard, the accounts dialog, Google re-sign-in and the preferences."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt

from connectors.credentials import CredentialsProvider

from ..accounts import Account
from ..desktop_accounts import account_credentials
from .preferences_dialog import PreferencesDialog

if TYPE_CHECKING:
    from ..main_window import MainWindow


class AccountDialogs(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        from ..wizard import ReauthPrompter

        self.reauth = ReauthPrompter(window.accounts, window)
        self.reauth.signedIn.connect(self._signed_in)

    def credentials_for(self, account: Account) -> CredentialsProvider:
        """The credentials of an account (the keyring's, or GNOME Online Accounts'); a revoked Google or Microsoft
        sign-in asks the person once."""
        return account_credentials(account, on_reauth_needed=self.reauth.on_reauth_needed)

    def _signed_in(self, account: Account) -> None:
        session = self._window.sessions.get(account.id)
        if session is not None:
            session.retry_now()

    def add_account(self) -> Account | None:
        from ..wizard import run_account_wizard

        account = run_account_wizard(self._window, self._window.accounts)
        if account is not None:
            self._window.add_account(account)
            self._window.tree.select_folder(account.id, "INBOX") or self._window.tree.select_folder(account.id, "")
        return account

    def manage_accounts(self) -> Any:
        from ..accounts_dialog import AccountsDialog

        dialog = AccountsDialog(self._window.accounts, self._window)
        dialog.accountAdded.connect(lambda account: self._window.add_account(account))
        dialog.accountChanged.connect(self._changed)
        # Direct: the workers must stop before the dialog deletes the account's store and secrets.
        dialog.accountAboutToBeRemoved.connect(self._window.remove_account, Qt.ConnectionType.DirectConnection)
        dialog.accountsReordered.connect(self._reordered)
        dialog.exec()
        dialog.deleteLater()
        return dialog

    def _changed(self, account: Account) -> None:
        """Settings changed (server, name): restart the account's workers with them."""
        if account.id in self._window.sessions:
            self._window.remove_account(account.id)
        self._window.add_account(account)

    def _reordered(self) -> None:
        for account in self._window.accounts.accounts:
            session = self._window.sessions.get(account.id)
            if session is not None:
                self._window.tree_model.remove_account(account.id)
                self._window.tree_model.set_account(account.id, account.label, session.reader.folders)
                self._window.tree_model.set_connection_state(account.id, session.state)

    def preferences(self) -> PreferencesDialog:
        window = self._window
        dialog = PreferencesDialog(window.settings, window, compose=window.local.postbox.settings,
                                   accounts=window.accounts.accounts)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(window.apply_preferences)
        dialog.open()  # window-modal, without a nested event loop
        return dialog
