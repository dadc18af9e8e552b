"""The account set-up wizard: address → provider settings (or Google sign-in) → connection test → saved.

Nothing is written anywhere before Finish: the password or Google's refresh token stay in memory, and only
after a successful connection test are they put in the keyring and the settings saved (without secrets).
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget, QWizard

from ..accounts import Account, AccountStore
from ..cert_trust import forget_pin
from ..secrets import delete_secrets
from .draft import AccountDraft
from .google_page import GooglePage
from .identity_page import IdentityPage
from .keyring_consent import store_account_secrets
from .manual_page import ManualPage
from .page_ids import PAGE_GOOGLE, PAGE_IDENTITY, PAGE_MANUAL, PAGE_SETTINGS, PAGE_TEST
from .services import WizardServices
from .settings_page import SettingsPage
from .test_page import ConnectionTestPage


class AccountWizard(QWizard):
    """Emits ``accountCreated(Account)`` once the account is saved; ``account`` holds it afterwards."""

    accountCreated = Signal(object)

    def __init__(
        self, store: AccountStore, parent: QWidget | None = None, *, services: WizardServices | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.services = services or WizardServices()
        self.draft = AccountDraft()
        self.account: Account | None = None
        self.setObjectName("accountWizard")
        self.setWindowTitle(self.tr("Add a mail account"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setMinimumSize(640, 560)

        self.identity_page = IdentityPage(self.draft, self.services, self)
        self.settings_page = SettingsPage(self.draft, self)
        self.manual_page = ManualPage(self.draft, self)
        self.google_page = GooglePage(self.draft, self.services, self)
        self.test_page = ConnectionTestPage(self.draft, self.services, self)
        self.setPage(PAGE_IDENTITY, self.identity_page)
        self.setPage(PAGE_SETTINGS, self.settings_page)
        self.setPage(PAGE_MANUAL, self.manual_page)
        self.setPage(PAGE_GOOGLE, self.google_page)
        self.setPage(PAGE_TEST, self.test_page)
        self.setStartId(PAGE_IDENTITY)
        self.button(QWizard.WizardButton.FinishButton).setText(self.tr("&Finish"))
        self.currentIdChanged.connect(self._page_changed)

    @Slot(int)
    def _page_changed(self, page_id: int) -> None:
        if page_id == PAGE_SETTINGS:
            self.settings_page.shown_again()

    def accept(self) -> None:
        """Finish: store the secrets (asking first if the keyring is not secure), then the settings."""
        if not self.test_page.isComplete():
            return
        self.test_page.validatePage()
        account = self.draft.to_account()
        if self.store.find_by_email(account.email) is not None:  # added elsewhere while this wizard was open
            QMessageBox.warning(self, self.tr("The account already exists"), self.tr(
                "Facteur already has an account for {email}.").format(email=account.email))
            return
        if not store_account_secrets(self, account.id, self.draft.secrets()):
            return  # the person was told why; they can cancel, or fix the keyring and press Finish again
        if account.name == account.email:
            account.name = ""  # the label falls back to the address, and follows it if it is ever edited
        try:
            self.store.add(account)
        except OSError as exc:
            delete_secrets(account.id)
            QMessageBox.critical(self, self.tr("The account could not be saved"), str(exc))
            return
        self.account = account
        self.accountCreated.emit(account)
        super().accept()

    def reject(self) -> None:
        self.identity_page.cancel_detection()
        self.google_page.panel.cancel()
        self.test_page.cancel_test()
        if self.account is None and self.draft.ca_file:
            forget_pin(self.draft.id)  # a certificate trusted for an account that was never added
        super().reject()


def run_account_wizard(
    parent: QWidget | None, store: AccountStore, *, services: WizardServices | None = None
) -> Account | None:
    """Run the wizard modally; the new account (already saved, secrets in the keyring), or None if cancelled."""
    wizard = AccountWizard(store, parent, services=services)
    try:
        wizard.exec()
        return wizard.account
    finally:
        wizard.deleteLater()
