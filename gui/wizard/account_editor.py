"""Editing an existing account: its name, identities, servers, password or Google sign-in, trusted certificate."""

from __future__ import annotations

import html
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..accounts import Account, AccountStore
from ..cert_trust import forget_pin, pin_path
from ..providers import is_google_host
from .identities_editor import IdentitiesEditor
from .keyring_consent import store_account_secrets
from .labels import server_role
from .manual_page import INSECURE_STYLE
from .server_form import ServerForm
from .services import WizardServices


class AccountEditor(QDialog):
    """Saves into ``store`` on OK and emits ``accountChanged(Account)``."""

    accountChanged = Signal(object)
    signInRequested = Signal(str)  # account id: the accounts dialog opens the "sign in again" dialog

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
        self._forget_certificate = False
        self.setObjectName("accountEditor")
        self.setWindowTitle(self.tr("Account settings — {account}").format(account=account.label))
        self.setMinimumSize(560, 520)

        tabs = QTabWidget(self)
        tabs.setObjectName("accountEditorTabs")
        tabs.addTab(self._general_tab(), self.tr("&General"))
        self.identities = IdentitiesEditor(account.identities or [account.default_identity()], self)
        tabs.addTab(self.identities, self.tr("&Identities"))
        tabs.addTab(self._servers_tab(), self.tr("&Servers"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.buttons)
        for signal in (self.imap_form.changed, self.smtp_form.changed, self.identities.changed):
            signal.connect(self._validate)
        self._validate()

    def _general_tab(self) -> QWidget:
        tab = QWidget(self)
        self.label_edit = QLineEdit(self.account.name, tab)
        self.label_edit.setObjectName("accountNameEdit")
        self.label_edit.setPlaceholderText(self.account.email)
        address = QLabel(html.escape(self.account.email), tab)
        address.setObjectName("accountAddress")
        form = QFormLayout(tab)
        form.addRow(self.tr("Account &name:"), self.label_edit)
        form.addRow(self.tr("Address:"), address)
        return tab

    def _servers_tab(self) -> QWidget:
        tab = QWidget(self)
        self.imap_form = ServerForm("imap", server_role("imap"), tab)
        self.imap_form.set_settings(self.account.imap)
        self.smtp_form = ServerForm("smtp", server_role("smtp"), tab)
        self.smtp_form.set_settings(self.account.smtp)
        self.insecure_warning = QLabel(
            self.tr("<b>No encryption:</b> your password and mail travel in clear text."), tab
        )
        self.insecure_warning.setWordWrap(True)
        self.insecure_warning.setStyleSheet(INSECURE_STYLE)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.imap_form)
        layout.addWidget(self.smtp_form)
        layout.addWidget(self.insecure_warning)
        if self.account.auth == "oauth2":
            row = QHBoxLayout()
            row.addWidget(QLabel(self.tr("Signs in with Google."), tab))
            again = QPushButton(self.tr("Sign in with Google &again…"), tab)
            again.setObjectName("editorSignInAgainButton")
            again.clicked.connect(lambda: self.signInRequested.emit(self.account.id))
            row.addStretch(1)
            row.addWidget(again)
            layout.addLayout(row)
            self.password_edit: QLineEdit | None = None
        elif self.account.auth == "goa":
            # GNOME Online Accounts gives the servers and holds the sign-in: nothing to change here.
            self.imap_form.setEnabled(False)
            self.smtp_form.setEnabled(False)
            through = QLabel(self.tr("Signs in through GNOME Online Accounts, which gives these servers: change the "
                                     "account in Settings › Online Accounts."), tab)
            through.setWordWrap(True)
            layout.addWidget(through)
            self.password_edit = None
        else:
            self.password_edit = QLineEdit(tab)
            self.password_edit.setObjectName("editorPasswordEdit")
            self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
            self.password_edit.setPlaceholderText(self.tr("unchanged"))
            self.password_edit.setAccessibleName(self.tr("New password"))
            form = QFormLayout()
            form.addRow(self.tr("New &password:"), self.password_edit)
            layout.addLayout(form)
        if self.account.ca_file and self.account.ca_file == str(pin_path(self.account.id)):
            row = QHBoxLayout()
            self.pin_label = QLabel(self.tr("This account trusts a server certificate you accepted."), tab)
            forget = QPushButton(self.tr("&Forget it"), tab)
            forget.setObjectName("forgetCertificateButton")
            forget.clicked.connect(self._forget_pin)
            row.addWidget(self.pin_label, 1)
            row.addWidget(forget)
            layout.addLayout(row)
        layout.addStretch(1)
        return tab

    def _forget_pin(self) -> None:
        self._forget_certificate = True
        self.pin_label.setText(self.tr("The certificate will be forgotten when you save."))

    def _validate(self) -> None:
        insecure = "none" in (self.imap_form.security_value(), self.smtp_form.security_value())
        self.insecure_warning.setVisible(insecure)
        ok = self.imap_form.is_complete() and self.smtp_form.is_complete() and self.identities.is_valid()
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ok)

    def edited_account(self) -> Account:
        identities = self.identities.identities()
        imap, smtp = self.imap_form.settings(), self.smtp_form.settings()
        provider = self.account.provider
        if provider == "gmail" and imap.host != self.account.imap.host and not is_google_host(imap.host):
            provider = None  # Gmail's behaviour (labels, no copy to Sent) only makes sense on Gmail's servers
        return replace(
            self.account,
            name=self.label_edit.text().strip(),
            imap=imap,
            smtp=smtp,
            identities=identities,
            display_name=identities[0].name if identities else "",
            provider=provider,
            ca_file=None if self._forget_certificate else self.account.ca_file,
        )

    def accept(self) -> None:
        account = self.edited_account()
        if self.password_edit is not None and self.password_edit.text():
            if not store_account_secrets(self, account.id, {"password": self.password_edit.text()}):
                return
        if self._forget_certificate:
            forget_pin(account.id)
        self.store.update(account)
        self.account = account
        self.accountChanged.emit(account)
        super().accept()
