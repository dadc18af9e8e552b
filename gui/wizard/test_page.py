"""Last page: the connection test (IMAP, then SMTP) with progress and Cancel, and what to do when it fails."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from ..cert_trust import UntrustedCertificate, is_pinned, trust_certificates
from ..errors import describe_error
from ..workers.operation import Operation
from ..workers.runner import runner
from .certificate_dialog import CertificateDialog
from .connection_test import ConnectionTest, ServerTestError
from .draft import AccountDraft
from .labels import hint_label, server_role
from .services import WizardServices

_HINTS = {
    "auth": QT_TRANSLATE_NOOP("ConnectionTestPage", "Go back and check the user name and the password."),
    "reauth": QT_TRANSLATE_NOOP("ConnectionTestPage", "Go back and sign in with Google again."),
    "network": QT_TRANSLATE_NOOP("ConnectionTestPage", "Check the server name and the port, and that you are online."),
    "insecure": QT_TRANSLATE_NOOP(
        "ConnectionTestPage", "Choose SSL/TLS or STARTTLS, or the port your provider gives for it."
    ),
}


_CERTIFICATE_HINT = QT_TRANSLATE_NOOP(
    "ConnectionTestPage", "Look at the certificate: if it is your server's, you can trust it for this account."
)
_CERTIFICATE_UNFIXABLE = QT_TRANSLATE_NOOP(
    "ConnectionTestPage", "The certificate is expired or made for another server name: check the server name."
)


class ConnectionTestPage(QWizardPage):
    def __init__(self, draft: AccountDraft, services: WizardServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.services = services
        self._operation: Operation | None = None
        self._passed = False
        self.last_error: BaseException | None = None
        self.setObjectName("testPage")
        self.setTitle(self.tr("Checking the connection"))
        self.setSubTitle(self.tr("Facteur signs in to both servers before it saves anything."))
        self.setFinalPage(True)

        self.status = QLabel(self)
        self.status.setObjectName("testStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # progress quotes servers
        self.status.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("testProgress")
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton(self.tr("&Stop"), self)
        self.cancel_button.setObjectName("cancelTestButton")
        self.cancel_button.clicked.connect(self.cancel_test)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)

        self.error_title = QLabel(self)
        self.error_title.setObjectName("testErrorTitle")
        self.error_title.setTextFormat(Qt.TextFormat.PlainText)
        self.error_title.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.error_title.setWordWrap(True)
        self.error_text = QLabel(self)
        self.error_text.setObjectName("testErrorText")
        self.error_text.setWordWrap(True)
        self.error_text.setTextFormat(Qt.TextFormat.RichText)
        self.certificate_button = QPushButton(self.tr("&View the certificate…"), self)
        self.certificate_button.setObjectName("viewCertificateButton")
        self.certificate_button.clicked.connect(self.show_certificate)
        self.retry_button = QPushButton(self.tr("&Try again"), self)
        self.retry_button.setObjectName("retryTestButton")
        self.retry_button.clicked.connect(self.start_test)
        actions = QHBoxLayout()
        actions.addWidget(self.certificate_button)
        actions.addStretch(1)
        actions.addWidget(self.retry_button)
        self.failure = QWidget(self)
        failure_layout = QVBoxLayout(self.failure)
        failure_layout.setContentsMargins(0, 8, 0, 0)
        failure_layout.addWidget(self.error_title)
        failure_layout.addWidget(self.error_text)
        failure_layout.addLayout(actions)

        self.label_edit = QLineEdit(self)
        self.label_edit.setObjectName("accountNameEdit")
        self.label_edit.setAccessibleName(self.tr("Account name"))
        self.success = QWidget(self)
        success_layout = QVBoxLayout(self.success)
        success_layout.setContentsMargins(0, 8, 0, 0)
        self.success_label = QLabel(self.success)
        self.success_label.setObjectName("testSuccess")
        self.success_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Account &name:"), self.label_edit)
        hint = hint_label(
            self.tr("How the account is called in Facteur's folder list. Press Finish to add it."), self.success
        )
        success_layout.addWidget(self.success_label)
        success_layout.addLayout(form)
        success_layout.addWidget(hint)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(progress_row)
        layout.addWidget(self.failure)
        layout.addWidget(self.success)
        layout.addStretch(1)

    # -- lifecycle --------------------------------------------------------------------------------------------

    def initializePage(self) -> None:
        self.label_edit.setText(self.draft.label or self.draft.email)
        self.start_test()

    def cleanupPage(self) -> None:
        self.cancel_test()

    def isComplete(self) -> bool:
        return self._passed

    def validatePage(self) -> bool:
        self.draft.label = self.label_edit.text().strip()
        return self._passed

    @property
    def running(self) -> bool:
        return self._operation is not None

    # -- the test ---------------------------------------------------------------------------------------------

    @Slot()
    def start_test(self) -> None:
        self.cancel_test()
        self._passed = False
        self.last_error = None
        self.failure.hide()
        self.success.hide()
        self.progress.setRange(0, 2)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.status.setText(self.tr("Connecting…"))
        operation = ConnectionTest(
            self.draft.to_account(), self.draft.credentials(), timeout=self.services.connection_timeout
        )
        operation.progress.connect(self._progress)
        operation.status.connect(self._status)
        operation.finished.connect(self._finished)
        operation.failed.connect(self._failed)
        self._operation = operation
        self.completeChanged.emit()
        runner().submit(operation)

    @Slot()
    def cancel_test(self) -> None:
        if self._operation is None:
            return
        self._operation.cancel()
        self._operation = None  # its late answer is ignored
        self.progress.hide()
        self.cancel_button.hide()
        self.status.setText(self.tr("The connection test was stopped."))
        self.error_title.clear()
        self.error_text.setText(self.tr("Press “Try again” to test the settings again."))
        self.certificate_button.hide()
        self.failure.show()

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        if self.sender() is self._operation:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    @Slot(str)
    def _status(self, text: str) -> None:
        if self.sender() is self._operation:
            self.status.setText(text)

    @Slot(object)
    def _finished(self, result: Any) -> None:
        if self.sender() is not self._operation:
            return
        self._operation = None
        self._passed = True
        self.progress.setValue(self.progress.maximum())
        self.cancel_button.hide()
        self.status.setText(self.tr("Everything works."))
        assert self.draft.imap is not None and self.draft.smtp is not None
        self.success_label.setText(
            self.tr("✓ Facteur signed in to {imap} to read your mail and to {smtp} to send it.").format(
                imap=html.escape(self.draft.imap.host), smtp=html.escape(self.draft.smtp.host)
            )
        )
        self.success.show()
        self.completeChanged.emit()

    @Slot(object)
    def _failed(self, error: Any) -> None:
        if self.sender() is not self._operation:
            return
        self._operation = None
        self.progress.hide()
        self.cancel_button.hide()
        server, cause = (error.server, error.error) if isinstance(error, ServerTestError) else ("imap", error)
        self.last_error = cause
        message = describe_error(cause)
        self.status.setText(self.tr("The test failed."))
        self.error_title.setText(f"{server_role(server)}: {message.title}")
        hint = _HINTS.get(message.kind, "")
        text = html.escape(message.text)
        if isinstance(cause, UntrustedCertificate):
            # The connector's wording speaks to developers (ca_file); the person gets the certificate to judge.
            text = html.escape(
                self.tr("The certificate of {server} is not trusted: {reason}.").format(
                    server=f"{cause.host}:{cause.port}", reason=cause.reason or "?"
                )
            )
            hint = _CERTIFICATE_HINT if cause.can_be_trusted else _CERTIFICATE_UNFIXABLE
        if hint:
            text += "<br><br>" + html.escape(self.tr(str(hint)))
        self.error_text.setText(text)
        self.certificate_button.setVisible(isinstance(cause, UntrustedCertificate))
        self.failure.show()
        self.completeChanged.emit()

    # -- certificates -----------------------------------------------------------------------------------------

    def certificate_dialog(self) -> CertificateDialog | None:
        error = self.last_error
        if not isinstance(error, UntrustedCertificate):
            return None
        pinned = error.leaf is not None and is_pinned(self.draft.ca_file, error.leaf)
        return CertificateDialog(error, already_pinned=pinned, parent=self)

    @Slot()
    def show_certificate(self) -> CertificateDialog | None:
        dialog = self.certificate_dialog()
        if dialog is None:
            return None
        dialog.accepted.connect(self.trust_shown_certificate)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    @Slot()
    def trust_shown_certificate(self) -> None:
        """Pin the certificate of the last failure for this account, then test again."""
        error = self.last_error
        if not isinstance(error, UntrustedCertificate) or not error.can_be_trusted:
            return
        self.draft.ca_file = str(trust_certificates(self.draft.id, error.chain, self.draft.ca_file))
        self.start_test()
