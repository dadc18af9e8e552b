"""The settings found for the address, shown before the password is asked — and before it is sent anywhere."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from .draft import AccountDraft
from .labels import hint_label, server_role, server_summary
from .page_ids import PAGE_MANUAL, PAGE_TEST


def note_html(note: str, help_url: str) -> str:
    text = QCoreApplication.translate("providers", note) if note else ""
    if help_url:
        link = QCoreApplication.translate("wizard", "Where to do it")
        text += f' <a href="{help_url}">{link}</a>'
    return text.strip()


class SettingsPage(QWizardPage):
    def __init__(self, draft: AccountDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = draft
        self._change_requested = False
        self.setObjectName("settingsPage")
        self.setTitle(self.tr("Settings found"))

        self.imap_label = QLabel(self)
        self.imap_label.setObjectName("imapSummary")
        self.smtp_label = QLabel(self)
        self.smtp_label.setObjectName("smtpSummary")
        for label in (self.imap_label, self.smtp_label):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change_button = QPushButton(self.tr("&Change these settings…"), self)
        self.change_button.setObjectName("changeSettingsButton")
        self.change_button.clicked.connect(self._change)
        self.note = QLabel(self)
        self.note.setObjectName("providerNote")
        self.note.setWordWrap(True)
        self.note.setOpenExternalLinks(True)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName(self.tr("Password"))
        self.password_edit.textChanged.connect(self.completeChanged)
        privacy = hint_label(
            self.tr(
                "Your password is sent only to these servers, over an encrypted connection, "
                "when you press Next. Facteur keeps it in your system's keyring."
            ),
            self,
        )

        servers = QVBoxLayout()
        for role, label in (("imap", self.imap_label), ("smtp", self.smtp_label)):
            heading = QLabel(f"<b>{server_role(role)}</b>", self)
            label.setContentsMargins(16, 0, 0, 6)
            label.setTextFormat(Qt.TextFormat.RichText)
            servers.addWidget(heading)
            servers.addWidget(label)
        change_row = QHBoxLayout()
        change_row.addStretch(1)
        change_row.addWidget(self.change_button)
        password = QFormLayout()
        password.addRow(self.tr("&Password:"), self.password_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(servers)
        layout.addLayout(change_row)
        layout.addWidget(self.note)
        layout.addSpacing(12)
        layout.addLayout(password)
        layout.addWidget(privacy)
        layout.addStretch(1)

    def initializePage(self) -> None:
        self._change_requested = False
        detected = self.draft.detected
        assert detected is not None and self.draft.imap is not None and self.draft.smtp is not None
        if detected.source == "autoconfig":
            self.setSubTitle(
                self.tr(
                    "{provider} publishes these settings ({url}). Check them before you enter your password."
                ).format(provider=detected.provider_name, url=detected.source_url)
            )
        else:
            self.setSubTitle(
                self.tr("These are {provider}'s settings, from Facteur's list of providers.").format(
                    provider=detected.provider_name
                )
            )
        self.imap_label.setText(server_summary(self.draft.imap))
        self.smtp_label.setText(server_summary(self.draft.smtp))
        note = note_html(detected.note, detected.help_url)
        self.note.setText(note)
        self.note.setVisible(bool(note))
        if self.draft.password and not self.password_edit.text():
            self.password_edit.setText(self.draft.password)
        self.password_edit.setFocus()

    def _change(self) -> None:
        self.draft.password = self.password_edit.text()
        self._change_requested = True
        self.wizard().next()

    def isComplete(self) -> bool:
        return self._change_requested or bool(self.password_edit.text())

    def validatePage(self) -> bool:
        self.draft.password = self.password_edit.text()
        self.draft.auth = "password"
        return True

    def nextId(self) -> int:
        return PAGE_MANUAL if self._change_requested else PAGE_TEST

    def cleanupPage(self) -> None:
        self._change_requested = False

    def shown_again(self) -> None:
        """Back from the manual page: Next means "test these settings" again."""
        self._change_requested = False
        self.completeChanged.emit()
