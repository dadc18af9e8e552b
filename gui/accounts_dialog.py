"""The accounts dialog: add (the wizard), edit, remove and reorder accounts.

Removing an account deletes everything Facteur keeps for it: secrets in the keyring, the local mail store, a
trusted certificate and the settings. ``accountAboutToBeRemoved`` is emitted first (directly), so the main
window can stop the account's workers and close its store before the files disappear. An OAuth account's grant is
revoked at the provider in the background (Google's revocation endpoint; Microsoft has no token revocation endpoint
for these grants, so the person is told where to withdraw the consent). Failures are reported, never ignored.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from connectors.exceptions import ConnectorError
from connectors.store import default_store_path

from .accounts import Account, AccountStore
from .cert_trust import forget_pin
from .errors import describe_error
from .secrets import SecretsUnavailable, delete_secrets, load_secret
from .wizard import AccountWizard, WizardServices
from .wizard.account_editor import AccountEditor
from .wizard.reauth import SignInAgainDialog
from .workers.operation import Operation
from .workers.runner import runner

log = logging.getLogger(__name__)


class AccountsDialog(QDialog):
    accountAdded = Signal(object)  # Account
    accountChanged = Signal(object)  # Account
    accountAboutToBeRemoved = Signal(str)  # account id; connect directly and stop its workers
    accountRemoved = Signal(str)  # account id
    accountsReordered = Signal()
    revoked = Signal(str)  # account id: its OAuth grant was revoked at the provider

    def __init__(self, store: AccountStore, parent: QWidget | None = None, *,
                 services: WizardServices | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.services = services
        self.wizard: AccountWizard | None = None
        self.revocations: list[Operation] = []
        self.problem_boxes: list[QMessageBox] = []
        self.editor: AccountEditor | None = None
        self.setObjectName("accountsDialog")
        self.setWindowTitle(self.tr("Accounts"))
        self.setMinimumSize(520, 360)

        self.list = QListWidget(self)
        self.list.setObjectName("accountList")
        self.list.setAccessibleName(self.tr("Accounts"))
        self.list.setSpacing(3)
        self.list.setAlternatingRowColors(True)
        self.empty_label = QLabel(self.tr("No account yet. Press “Add” to set one up."), self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.add_button = QPushButton(self.tr("&Add…"), self)
        self.add_button.setObjectName("addAccountButton")
        self.edit_button = QPushButton(self.tr("&Edit…"), self)
        self.edit_button.setObjectName("editAccountButton")
        self.remove_button = QPushButton(self.tr("&Remove…"), self)
        self.remove_button.setObjectName("removeAccountButton")
        self.up_button = QPushButton(self.tr("Move &up"), self)
        self.up_button.setObjectName("moveAccountUpButton")
        self.down_button = QPushButton(self.tr("Move &down"), self)
        self.down_button.setObjectName("moveAccountDownButton")
        side = QVBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            side.addWidget(button)
        side.addSpacing(12)
        side.addWidget(self.up_button)
        side.addWidget(self.down_button)
        side.addStretch(1)
        center = QVBoxLayout()
        center.addWidget(self.list)
        center.addWidget(self.empty_label)
        body = QHBoxLayout()
        body.addLayout(center, 1)
        body.addLayout(side)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(close)

        self.add_button.clicked.connect(self.add_account)
        self.edit_button.clicked.connect(self.edit_current)
        self.remove_button.clicked.connect(self.remove_current)
        self.up_button.clicked.connect(lambda: self.move_current(-1))
        self.down_button.clicked.connect(lambda: self.move_current(1))
        self.list.itemActivated.connect(lambda _item: self.edit_current())
        self.list.currentRowChanged.connect(self._update_buttons)
        self.refresh()

    # -- list -------------------------------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        current = select or self.current_id()
        self.list.clear()
        for account in self.store.accounts:
            how = (self.tr("signs in with Google") if account.auth == "oauth2"
                   else self.tr("through GNOME Online Accounts") if account.auth == "goa"
                   else self.tr("{host}").format(host=account.imap.host))
            details = f"{account.email} · {how}" if account.label != account.email else how
            item = QListWidgetItem(f"{account.label}\n{details}", self.list)
            item.setData(Qt.ItemDataRole.UserRole, account.id)
            item.setToolTip(self.tr("Reads from {imap}, sends through {smtp}").format(
                imap=account.imap.host, smtp=account.smtp.host))
            if account.id == current:
                self.list.setCurrentItem(item)
        if self.list.currentRow() < 0 and self.list.count():
            self.list.setCurrentRow(0)
        self.list.setVisible(self.list.count() > 0)
        self.empty_label.setVisible(self.list.count() == 0)
        self._update_buttons()

    def current_id(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def select(self, account_id: str) -> None:
        self.refresh(select=account_id)

    def _update_buttons(self) -> None:
        row = self.list.currentRow()
        has = row >= 0
        self.edit_button.setEnabled(has)
        self.remove_button.setEnabled(has)
        self.up_button.setEnabled(has and row > 0)
        self.down_button.setEnabled(has and row < self.list.count() - 1)

    # -- actions ----------------------------------------------------------------------------------------------

    @Slot()
    def add_account(self) -> AccountWizard:
        if self.wizard is not None:
            self.wizard.raise_()
            return self.wizard
        wizard = AccountWizard(self.store, self, services=self.services)
        wizard.accountCreated.connect(self._added)
        wizard.finished.connect(self._wizard_closed)
        self.wizard = wizard
        wizard.open()
        return wizard

    @Slot(object)
    def _added(self, account: Any) -> None:
        self.refresh(select=account.id)
        self.accountAdded.emit(account)

    def _wizard_closed(self) -> None:
        if self.wizard is not None:
            self.wizard.deleteLater()
            self.wizard = None

    @Slot()
    def edit_current(self) -> AccountEditor | None:
        account_id = self.current_id()
        account = self.store.get(account_id) if account_id else None
        if account is None:
            return None
        editor = AccountEditor(account, self.store, services=self.services, parent=self)
        editor.accountChanged.connect(self._changed)
        editor.signInRequested.connect(self.sign_in_again)
        editor.finished.connect(editor.deleteLater)
        self.editor = editor
        editor.open()
        return editor

    @Slot(object)
    def _changed(self, account: Any) -> None:
        self.refresh(select=account.id)
        self.accountChanged.emit(account)

    @Slot(str)
    def sign_in_again(self, account_id: str) -> SignInAgainDialog | None:
        account = self.store.get(account_id)
        if account is None:
            return None
        dialog = SignInAgainDialog(account, self.store, services=self.services, parent=self)
        dialog.signedIn.connect(self._changed)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    @Slot()
    def remove_current(self) -> None:
        account_id = self.current_id()
        account = self.store.get(account_id) if account_id else None
        if account is None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Remove {account}?").format(account=account.label),
                          self.tr("Facteur will forget this account: its password, the copies of its mail kept "
                                  "on this computer and its settings. The mail on the server is not touched."),
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("removeAccountBox")
        remove = box.addButton(self.tr("&Remove"), QMessageBox.ButtonRole.DestructiveRole)
        remove.setObjectName("confirmRemoveButton")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is remove:
            self.remove(account.id)

    def remove(self, account_id: str) -> bool:
        """Remove without asking (the confirmation is :meth:`remove_current`'s)."""
        self.accountAboutToBeRemoved.emit(account_id)
        try:
            removal = remove_account(self.store, account_id)
        except SecretsUnavailable as exc:
            QMessageBox.critical(self, self.tr("The account was not removed"), self.tr(
                "Facteur could not delete its password from the keyring: {detail}. Unlock the keyring and try "
                "again.").format(detail=exc))
            return False
        self.refresh()
        self.accountRemoved.emit(account_id)
        if removal.store_error:
            self._report(self.tr("Some files were not deleted"), self.tr(
                "The account was removed, but copies of its mail could not be deleted: {detail}").format(
                detail=removal.store_error))
        account = removal.account
        if account is not None and account.oauth is not None and removal.refresh_token:
            self._revoke(account, removal.refresh_token)
        return True

    def _report(self, title: str, text: str) -> QMessageBox:
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("removalProblemBox")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.problem_boxes.append(box)
        return box

    def _revoke(self, account: Account, refresh_token: str) -> None:
        """Withdraw Facteur's access at the provider, off the GUI thread; a failure is reported with a link."""
        assert account.oauth is not None
        services = self.services or WizardServices()
        provider = account.oauth.provider
        try:
            manager = services.oauth_manager(account.oauth, refresh_token=refresh_token)
        except ConnectorError as exc:
            self._revocation_failed(account, provider, exc)
            return
        operation = Operation(lambda _op: manager.revoke(), name="RevokeGrant")
        operation.finished.connect(lambda revoked: self._revoked(account, provider, bool(revoked)))
        operation.failed.connect(lambda exc: self._revocation_failed(account, provider, exc))
        self.revocations.append(operation)
        operation.done.connect(lambda: self.revocations.remove(operation))
        runner().submit(operation)

    def _revoked(self, account: Account, provider: str, revoked: bool) -> None:
        if revoked:
            self.revoked.emit(account.id)
            return
        # Microsoft: no revocation endpoint for these grants; the consent is withdrawn in the Microsoft account.
        self._report(self.tr("Withdraw Facteur's access at Microsoft"), self.tr(
            "Microsoft does not let apps revoke their own access. Facteur forgot its key to {email}; to withdraw "
            "the consent too, remove Facteur at {url}").format(email=account.email, url=REVOKE_HELP["microsoft"]))

    def _revocation_failed(self, account: Account, provider: str, error: object) -> None:
        detail = describe_error(error).text if isinstance(error, BaseException) else str(error)
        self._report(self.tr("Facteur's access was not revoked"), self.tr(
            "The account was removed, but its access could not be revoked at the provider: {detail}. Revoke it "
            "yourself at {url}").format(detail=detail, url=REVOKE_HELP.get(provider, "")))

    def move_current(self, delta: int) -> None:
        row = self.list.currentRow()
        account_id = self.current_id()
        if account_id is None or not 0 <= row + delta < self.list.count():
            return
        self.store.move(account_id, row + delta)
        self.refresh(select=account_id)
        self.accountsReordered.emit()


REVOKE_HELP = {
    "google": "https://myaccount.google.com/connections",
    "microsoft": "https://account.live.com/consent/Manage",
}


@dataclass
class Removal:
    """What :func:`remove_account` did: the account, its refresh token (to revoke), what could not be deleted."""

    account: Account | None
    refresh_token: str | None = field(default=None, repr=False)
    store_error: str = ""


def remove_account(store: AccountStore, account_id: str) -> Removal:
    """Forget an account entirely. Raises SecretsUnavailable (and changes nothing) if the keyring is locked.

    The store folder is deleted last; if that fails, ``store_error`` says why (the account is gone regardless)."""
    account = store.get(account_id)
    refresh = load_secret(account_id, "refresh-token") if account is not None and account.auth == "oauth2" else None
    if account is None or account.auth != "goa":  # GNOME Online Accounts' accounts have nothing in the keyring
        delete_secrets(account_id)  # first: if the keyring refuses, nothing else is gone and the person can retry
    account = store.remove(account_id)
    forget_pin(account_id)
    folder = default_store_path(account_id).parent
    problems: list[str] = []
    if folder.parent.name == "accounts" and folder.exists():
        def failed(_function: object, path: str, info: Any) -> None:
            exc = info[1]
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            problems.append(path + ": " + reason)

        shutil.rmtree(folder, onerror=failed)
    return Removal(account, refresh, "; ".join(problems))
