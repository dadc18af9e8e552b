"""The fields of one mail server (host, port, security, user name), used by the manual page and the editor."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit, QSpinBox, QWidget

from ..accounts import Security, ServerSettings

DEFAULT_PORTS: dict[str, dict[str, int]] = {
    "imap": {"ssl": 993, "starttls": 143, "none": 143},
    "smtp": {"ssl": 465, "starttls": 587, "none": 587},
}
SECURITY_CHOICES: tuple[Security, ...] = ("ssl", "starttls", "none")


class ServerForm(QGroupBox):
    """``protocol`` is "imap" or "smtp"; ``changed`` fires on every edit."""

    changed = Signal()

    def __init__(self, protocol: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.protocol = protocol
        self.setObjectName(f"{protocol}Form")
        self.host = QLineEdit(self)
        self.host.setObjectName(f"{protocol}HostEdit")
        self.host.setPlaceholderText(f"{protocol}.example.com")
        self.port = QSpinBox(self)
        self.port.setObjectName(f"{protocol}PortSpin")
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORTS[protocol]["ssl"])
        self.security = QComboBox(self)
        self.security.setObjectName(f"{protocol}SecurityCombo")
        labels = {"ssl": self.tr("SSL/TLS"), "starttls": self.tr("STARTTLS"), "none": self.tr("None (unencrypted)")}
        for value in SECURITY_CHOICES:
            self.security.addItem(labels[value], value)
        self.username = QLineEdit(self)
        self.username.setObjectName(f"{protocol}UserEdit")
        self._previous_security: str = "ssl"

        layout = QFormLayout(self)
        layout.addRow(self.tr("&Server:"), self.host)
        layout.addRow(self.tr("&Port:"), self.port)
        layout.addRow(self.tr("S&ecurity:"), self.security)
        layout.addRow(self.tr("&User name:"), self.username)
        for widget, name in (
            (self.host, self.tr("server name")),
            (self.port, self.tr("port")),
            (self.security, self.tr("connection security")),
            (self.username, self.tr("user name")),
        ):
            widget.setAccessibleName(f"{title}: {name}")

        self.host.textChanged.connect(self.changed)
        self.username.textChanged.connect(self.changed)
        self.port.valueChanged.connect(self.changed)
        self.security.currentIndexChanged.connect(self._security_changed)

    def _security_changed(self) -> None:
        new = self.security_value()
        # Keep a port the person typed; move a default port along with the security (993 <-> 143...).
        if self.port.value() == DEFAULT_PORTS[self.protocol][self._previous_security]:
            self.port.setValue(DEFAULT_PORTS[self.protocol][new])
        self._previous_security = new
        self.changed.emit()

    def security_value(self) -> Security:
        value: Security = self.security.currentData()
        return value

    def set_settings(self, settings: ServerSettings) -> None:
        self.host.setText(settings.host)
        self._previous_security = settings.security
        self.security.blockSignals(True)
        self.security.setCurrentIndex(SECURITY_CHOICES.index(settings.security))
        self.security.blockSignals(False)
        self.port.setValue(settings.port)
        self.username.setText(settings.username)
        self.changed.emit()

    def settings(self) -> ServerSettings:
        return ServerSettings(
            self.host.text().strip(), self.port.value(), self.security_value(), self.username.text().strip()
        )

    def is_complete(self) -> bool:
        host = self.host.text().strip()
        return bool(host) and " " not in host and bool(self.username.text().strip())
