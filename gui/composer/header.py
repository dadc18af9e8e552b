"""The composer's header: From (an identity of an account), To/Cc/Bcc and Subject."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from gui.accounts import Account, AccountStore, Identity

from .address_book import AddressBook
from .address_field import AddressField
from .outgoing import format_address


@dataclass(frozen=True)
class Sender:
    account: Account
    identity: Identity

    @property
    def label(self) -> str:
        text = format_address(self.identity.name, self.identity.address)
        return f"{text}  —  {self.account.label}" if self.account.label != self.identity.address else text


def senders(accounts: AccountStore) -> list[Sender]:
    """Every identity of every account, in account order."""
    found = []
    for account in accounts.accounts:
        for identity in account.identities or [account.default_identity()]:
            found.append(Sender(account, identity))
    return found


class ComposerHeader(QWidget):
    senderChanged = Signal()
    changed = Signal()

    def __init__(self, accounts: AccountStore, book: AddressBook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._senders = senders(accounts)
        self.sender_box = QComboBox(self)
        self.sender_box.setAccessibleName(QCoreApplication.translate("ComposerHeader", "From"))
        for sender in self._senders:
            self.sender_box.addItem(sender.label)
        self.to_field = AddressField(book, self)
        self.cc_field = AddressField(book, self)
        self.bcc_field = AddressField(book, self)
        self.subject_field = QLineEdit(self)
        self.subject_field.setPlaceholderText(QCoreApplication.translate("ComposerHeader", "What is it about?"))
        self.cc_button = QPushButton(QCoreApplication.translate("ComposerHeader", "Cc"), self)
        self.bcc_button = QPushButton(QCoreApplication.translate("ComposerHeader", "Bcc"), self)
        for button in (self.cc_button, self.bcc_button):
            button.setFlat(True)
            button.setToolTip(
                QCoreApplication.translate("ComposerHeader", "Show the {field} field").format(field=button.text())
            )

        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        self._labels: dict[str, QLabel] = {}
        rows = [
            (QCoreApplication.translate("ComposerHeader", "From:"), self.sender_box),
            (QCoreApplication.translate("ComposerHeader", "To:"), self.to_field),
            (QCoreApplication.translate("ComposerHeader", "Cc:"), self.cc_field),
            (QCoreApplication.translate("ComposerHeader", "Bcc:"), self.bcc_field),
            (QCoreApplication.translate("ComposerHeader", "Subject:"), self.subject_field),
        ]
        for row, (text, widget) in enumerate(rows):
            label = QLabel(text, self)
            label.setBuddy(widget)
            grid.addWidget(label, row, 0)
            grid.addWidget(widget, row, 1, 1, 3 if row != 1 else 1)
            self._labels[text] = label
        grid.addWidget(self.cc_button, 1, 2)
        grid.addWidget(self.bcc_button, 1, 3)
        grid.setColumnStretch(1, 1)
        self._rows = {
            "cc": (self._labels[QCoreApplication.translate("ComposerHeader", "Cc:")], self.cc_field),
            "bcc": (self._labels[QCoreApplication.translate("ComposerHeader", "Bcc:")], self.bcc_field),
        }
        self.show_field("cc", False)
        self.show_field("bcc", False)
        self.cc_button.clicked.connect(lambda: self.show_field("cc", True, focus=True))
        self.bcc_button.clicked.connect(lambda: self.show_field("bcc", True, focus=True))
        self.sender_box.currentIndexChanged.connect(self.senderChanged)
        for field in (self.to_field, self.cc_field, self.bcc_field, self.subject_field):
            field.textChanged.connect(self.changed)

    def show_field(self, key: str, visible: bool, *, focus: bool = False) -> None:
        label, field = self._rows[key]
        label.setVisible(visible)
        field.setVisible(visible)
        (self.cc_button if key == "cc" else self.bcc_button).setVisible(not visible)
        if focus:
            field.setFocus()

    def address_fields(self) -> list[AddressField]:
        return [self.to_field, self.cc_field, self.bcc_field]

    @property
    def sender(self) -> Sender | None:
        index = self.sender_box.currentIndex()
        return self._senders[index] if 0 <= index < len(self._senders) else None

    def select_sender(self, account_id: str | None = None, address: str | None = None) -> None:
        """Pick the identity with this address (of this account if given), else the account's first identity."""
        for index, sender in enumerate(self._senders):
            if (
                (account_id is None or sender.account.id == account_id)
                and address
                and sender.identity.address.lower() == address.lower()
            ):
                self.sender_box.setCurrentIndex(index)
                return
        for index, sender in enumerate(self._senders):
            if account_id is None or sender.account.id == account_id:
                self.sender_box.setCurrentIndex(index)
                return

    def own_addresses(self) -> set[str]:
        return {s.identity.address.lower() for s in self._senders} | {s.account.email.lower() for s in self._senders}
