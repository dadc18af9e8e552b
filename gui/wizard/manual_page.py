"""Manual settings: IMAP and SMTP host, port, security and user name; "none" needs an explicit yes."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget, QWizardPage

from ..providers import guess_settings, split_address
from .draft import AccountDraft
from .labels import server_role
from .page_ids import PAGE_TEST
from .server_form import ServerForm

INSECURE_STYLE = "color: #3b0a06; background: #fdecea; border: 1px solid #b3261e; border-radius: 4px; padding: 6px;"


class ManualPage(QWizardPage):
    def __init__(self, draft: AccountDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.setObjectName("manualPage")
        self.setTitle(self.tr("Server settings"))
        self.imap_form = ServerForm("imap", server_role("imap"), self)
        self.smtp_form = ServerForm("smtp", server_role("smtp"), self)
        self.warning = QLabel(
            self.tr(
                "<b>No encryption.</b> Your password and your mail would travel in clear text: anyone on the same "
                "network (a café's Wi-Fi, your provider) could read them or take over your account. Choose SSL/TLS "
                "or STARTTLS unless this server is on your own machine."
            ),
            self,
        )
        self.warning.setObjectName("insecureWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(INSECURE_STYLE)
        self.accept_insecure = QCheckBox(self.tr("I understand: connect &without encryption"), self)
        self.accept_insecure.setObjectName("acceptInsecureCheck")
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("manualPasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setAccessibleName(self.tr("Password"))

        password = QFormLayout()
        password.addRow(self.tr("Pass&word:"), self.password_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.imap_form)
        layout.addWidget(self.smtp_form)
        layout.addWidget(self.warning)
        layout.addWidget(self.accept_insecure)
        layout.addLayout(password)
        layout.addStretch(1)

        for signal in (
            self.imap_form.changed,
            self.smtp_form.changed,
            self.password_edit.textChanged,
            self.accept_insecure.toggled,
        ):
            signal.connect(self._update)
        self._update()

    def initializePage(self) -> None:
        detected = self.draft.detected
        if detected is None:
            self.setSubTitle(
                self.tr(
                    "Facteur found no settings for {domain}. Your provider's help pages list them "
                    "(look for “IMAP” and “SMTP”)."
                ).format(domain=split_address(self.draft.email)[1])
            )
            guess = guess_settings(self.draft.email)
            imap, smtp = self.draft.imap or guess.imap, self.draft.smtp or guess.smtp
        else:
            self.setSubTitle(self.tr("Change what your provider told you to use."))
            imap, smtp = self.draft.imap or detected.imap, self.draft.smtp or detected.smtp
        self.imap_form.set_settings(imap)
        self.smtp_form.set_settings(smtp)
        self.accept_insecure.setChecked(False)
        if self.draft.password:
            self.password_edit.setText(self.draft.password)
        self._update()

    def insecure(self) -> bool:
        return "none" in (self.imap_form.security_value(), self.smtp_form.security_value())

    def _update(self) -> None:
        insecure = self.insecure()
        self.warning.setVisible(insecure)
        self.accept_insecure.setVisible(insecure)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        forms_ok = self.imap_form.is_complete() and self.smtp_form.is_complete()
        return (
            forms_ok and bool(self.password_edit.text()) and (not self.insecure() or self.accept_insecure.isChecked())
        )

    def validatePage(self) -> bool:
        self.draft.imap = self.imap_form.settings()
        self.draft.smtp = self.smtp_form.settings()
        self.draft.password = self.password_edit.text()
        self.draft.auth = "password"
        detected = self.draft.detected
        # Edited servers keep the provider's behaviour only if they are still the provider's servers.
        if detected is None or (detected.imap.host, detected.smtp.host) != (self.draft.imap.host, self.draft.smtp.host):
            self.draft.provider_id = None
        else:
            self.draft.provider_id = detected.provider_id
        return True

    def nextId(self) -> int:
        return PAGE_TEST
