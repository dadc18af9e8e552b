"""Shows a certificate the connection refused, so the person can decide whether to trust it for this account."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..cert_trust import UntrustedCertificate
from .labels import server_role
from .manual_page import INSECURE_STYLE


class CertificateDialog(QDialog):
    """Accepted means "trust it"; the trust button only exists when a pin can help (not for a wrong host name)."""

    def __init__(
        self, error: UntrustedCertificate, *, already_pinned: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("certificateDialog")
        self.setWindowTitle(self.tr("Server certificate"))
        self.setMinimumWidth(560)
        leaf = error.leaf
        where = f"{error.host}:{error.port}"
        intro = QLabel(
            self.tr("<b>{role} — {where}</b><br>Its certificate is not trusted: {reason}.").format(
                role=server_role(error.server), where=html.escape(where), reason=html.escape(error.reason or "?")
            ),
            self,
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)

        if leaf is not None:
            form = QFormLayout()
            mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
            rows = (
                (self.tr("Issued to:"), leaf.subject, "certSubject"),
                (self.tr("Host names:"), ", ".join(leaf.hostnames) or "—", "certHostnames"),
                (
                    self.tr("Issued by:"),
                    leaf.issuer + (self.tr(" (self-signed)") if leaf.self_signed else ""),
                    "certIssuer",
                ),
                (self.tr("Valid from:"), leaf.not_before, "certNotBefore"),
                (self.tr("Valid until:"), leaf.not_after, "certNotAfter"),
                (self.tr("SHA-256 fingerprint:"), leaf.sha256[:47] + "\n" + leaf.sha256[48:], "certFingerprint"),
            )
            for label, value, name in rows:
                field = QLabel(value, self)
                field.setTextFormat(Qt.TextFormat.PlainText)  # names chosen by whoever made the certificate
                field.setObjectName(name)
                field.setWordWrap(True)
                field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                if name == "certFingerprint":
                    field.setFont(mono)
                form.addRow(label, field)
            layout.addLayout(form)
        else:
            missing = QLabel(self.tr("Facteur could not fetch the certificate to show it."), self)
            missing.setWordWrap(True)
            layout.addWidget(missing)

        advice = QLabel(self)
        advice.setObjectName("certAdvice")
        advice.setWordWrap(True)
        if already_pinned:
            advice.setText(
                self.tr(
                    "You already trust this certificate for this account, and the connection still "
                    "fails. Ask the server's administrator."
                )
            )
        elif error.can_be_trusted:
            advice.setText(
                self.tr(
                    "Trust it only if you know this server uses it — your own server, or your "
                    "organisation's — and the fingerprint matches the one its administrator gives "
                    "you. Facteur will then accept it for this account only."
                )
            )
        else:
            advice.setText(
                self.tr(
                    "Trusting it would not help: the certificate is expired or made for another "
                    "server name. Check the server name in the settings, or ask its administrator."
                )
            )
        advice.setStyleSheet(INSECURE_STYLE)
        layout.addWidget(advice)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.trust_button: QPushButton | None = None
        if error.can_be_trusted and not already_pinned:
            self.trust_button = buttons.addButton(
                self.tr("&Trust this certificate for this account"), QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.trust_button.setObjectName("trustCertificateButton")
            buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        else:
            buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
