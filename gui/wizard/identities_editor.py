"""An account's identities: name, address and signature the composer writes From: with (the first is the default)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..accounts import Identity
from .identity_page import is_valid_address
from .labels import hint_label


class IdentitiesEditor(QWidget):
    changed = Signal()

    def __init__(self, identities: list[Identity], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("identitiesEditor")
        self._identities = [replace(i) for i in identities]
        self._loading = False

        self.list = QListWidget(self)
        self.list.setObjectName("identityList")
        self.list.setAccessibleName(self.tr("Identities"))
        self.add_button = QPushButton(self.tr("&Add"), self)
        self.add_button.setObjectName("addIdentityButton")
        self.remove_button = QPushButton(self.tr("&Remove"), self)
        self.remove_button.setObjectName("removeIdentityButton")
        self.default_button = QPushButton(self.tr("Make &default"), self)
        self.default_button.setObjectName("defaultIdentityButton")
        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("identityNameEdit")
        self.address_edit = QLineEdit(self)
        self.address_edit.setObjectName("identityAddressEdit")
        self.signature_edit = QPlainTextEdit(self)
        self.signature_edit.setObjectName("identitySignatureEdit")
        self.signature_edit.setAccessibleName(self.tr("Signature"))
        self.signature_edit.setTabChangesFocus(True)
        self.address_error = QLabel(self.tr("This is not an email address."), self)
        self.address_error.setStyleSheet("color: #b3261e;")
        self.address_error.hide()

        buttons = QVBoxLayout()
        for button in (self.add_button, self.remove_button, self.default_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.list, 1)
        top.addLayout(buttons)
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name_edit)
        form.addRow(self.tr("&Address:"), self.address_edit)
        form.addRow("", self.address_error)
        form.addRow(self.tr("&Signature:"), self.signature_edit)
        hint = hint_label(self.tr("The first identity is the default one for new messages."), self)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addLayout(form)

        self.add_button.clicked.connect(self.add_identity)
        self.remove_button.clicked.connect(self.remove_identity)
        self.default_button.clicked.connect(self.make_default)
        self.list.currentRowChanged.connect(self._show)
        self.name_edit.textEdited.connect(self._edited)
        self.address_edit.textEdited.connect(self._edited)
        self.signature_edit.textChanged.connect(self._edited)
        self._refresh(0)

    def identities(self) -> list[Identity]:
        return [replace(i) for i in self._identities]

    def is_valid(self) -> bool:
        return bool(self._identities) and all(is_valid_address(i.address) for i in self._identities)

    def _label(self, identity: Identity) -> str:
        name = identity.name.strip()
        return f"{name} <{identity.address}>" if name else identity.address or self.tr("(new identity)")

    def _refresh(self, row: int) -> None:
        self._loading = True
        self.list.clear()
        for index, identity in enumerate(self._identities):
            text = self._label(identity)
            self.list.addItem(self.tr("{identity} — default").format(identity=text) if index == 0 else text)
        self._loading = False
        self.list.setCurrentRow(min(row, len(self._identities) - 1))
        self._show(self.list.currentRow())

    def _show(self, row: int) -> None:
        if self._loading:
            return
        has = 0 <= row < len(self._identities)
        for widget in (self.name_edit, self.address_edit, self.signature_edit, self.remove_button):
            widget.setEnabled(has)
        self.remove_button.setEnabled(len(self._identities) > 1)
        self.default_button.setEnabled(row > 0)
        identity = self._identities[row] if has else Identity("", "")
        self._loading = True
        self.name_edit.setText(identity.name)
        self.address_edit.setText(identity.address)
        self.signature_edit.setPlainText(identity.signature)
        self._loading = False
        self.address_error.setVisible(has and not is_valid_address(identity.address))

    def _edited(self) -> None:
        row = self.list.currentRow()
        if self._loading or not 0 <= row < len(self._identities):
            return
        identity = Identity(
            self.name_edit.text().strip(), self.address_edit.text().strip(), self.signature_edit.toPlainText()
        )
        self._identities[row] = identity
        item = self.list.item(row)
        text = self._label(identity)
        item.setText(self.tr("{identity} — default").format(identity=text) if row == 0 else text)
        self.address_error.setVisible(not is_valid_address(identity.address))
        self.changed.emit()

    def add_identity(self) -> None:
        template = self._identities[0] if self._identities else Identity("", "")
        self._identities.append(Identity(template.name, ""))
        self._refresh(len(self._identities) - 1)
        self.address_edit.setFocus()
        self.changed.emit()

    def remove_identity(self) -> None:
        row = self.list.currentRow()
        if len(self._identities) > 1 and 0 <= row < len(self._identities):
            del self._identities[row]
            self._refresh(row)
            self.changed.emit()

    def make_default(self) -> None:
        row = self.list.currentRow()
        if 0 < row < len(self._identities):
            self._identities.insert(0, self._identities.pop(row))
            self._refresh(0)
            self.changed.emit()
