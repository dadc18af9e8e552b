"""The browser sign-in page (Gmail, Outlook.com/Microsoft 365): "Sign in with Google/Microsoft", or for Gmail an
app password for those who prefer one (Microsoft no longer accepts passwords from mail apps)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget, QWizardPage

from .draft import AccountDraft
from .google_panel import GoogleSignInPanel
from .page_ids import PAGE_TEST
from .services import WizardServices
from .settings_page import note_html


class GooglePage(QWizardPage):
    def __init__(self, draft: AccountDraft, services: WizardServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.setObjectName("googlePage")
        self.panel = GoogleSignInPanel(services, self)
        self.panel.signedIn.connect(self._signed_in)
        self.panel.busyChanged.connect(self._busy_changed)

        self.rule = rule = QFrame(self)
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        self.app_password_heading = QLabel(self.tr("<b>Or use an app password</b>"), self)
        self.app_password_note = QLabel(self)
        self.app_password_note.setWordWrap(True)
        self.app_password_note.setOpenExternalLinks(True)
        self.app_password_edit = QLineEdit(self)
        self.app_password_edit.setObjectName("appPasswordEdit")
        self.app_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.app_password_edit.setAccessibleName(self.tr("App password"))
        self.app_password_edit.setPlaceholderText("xxxx xxxx xxxx xxxx")
        self.app_password_edit.textChanged.connect(self.completeChanged)
        self.form = form = QFormLayout()
        form.addRow(self.tr("&App password:"), self.app_password_edit)

        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addSpacing(8)
        layout.addWidget(rule)
        layout.addWidget(self.app_password_heading)
        layout.addWidget(self.app_password_note)
        layout.addLayout(form)
        layout.addStretch(1)

    def initializePage(self) -> None:
        detected = self.draft.detected
        provider_id = (detected.oauth if detected is not None else None) or "google"
        provider = self.panel.services.oauth_provider(provider_id)
        service = (detected.provider_name if detected is not None else "") or provider.name
        self.setTitle(self.tr("Sign in to {service}").format(service=service))
        self.setSubTitle(
            self.tr("Facteur signs in to {email} through {provider}, in your browser.").format(
                email=self.draft.email, provider=provider.name)
        )
        passwords = provider_id == "google"  # Microsoft turned off passwords (even app passwords) for mail apps
        for widget in (self.app_password_heading, self.app_password_note, self.app_password_edit, self.rule):
            widget.setVisible(passwords)
        self.form.setRowVisible(self.app_password_edit, passwords)
        if not passwords:
            self.app_password_edit.clear()
        self.app_password_note.setText(note_html(detected.note, detected.help_url) if detected else "")
        if self.panel.email != self.draft.email or self.panel.provider_id != provider_id:
            self.panel.reset()
            self.panel.email = self.draft.email
        self.panel.provider_id = provider_id
        self.panel.refresh_client()

    def cleanupPage(self) -> None:
        self.panel.cancel()

    def _busy_changed(self, busy: bool) -> None:
        self.app_password_edit.setEnabled(not busy)
        self.completeChanged.emit()

    @Slot(object)
    def _signed_in(self, tokens: Any) -> None:
        self.draft.tokens = tokens
        self.draft.oauth = self.panel.oauth
        self.draft.oauth_manager = self.panel.manager
        self.completeChanged.emit()
        self.wizard().next()

    def signed_in(self) -> bool:
        return self.draft.tokens is not None and self.panel.manager is not None

    def isComplete(self) -> bool:
        return not self.panel.busy and (self.signed_in() or bool(self.app_password_edit.text().strip()))

    def validatePage(self) -> bool:
        if self.signed_in():
            self.draft.auth = "oauth2"
        else:
            self.draft.auth = "password"
            self.draft.password = self.app_password_edit.text().strip()
        return True

    def nextId(self) -> int:
        return PAGE_TEST
