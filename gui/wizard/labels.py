"""Words and small label styles for settings, shared by the pages and the editor."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from ..accounts import ServerSettings


def security_label(security: str) -> str:
    return {
        "ssl": QCoreApplication.translate("wizard", "SSL/TLS"),
        "starttls": QCoreApplication.translate("wizard", "STARTTLS"),
        "none": QCoreApplication.translate("wizard", "none — unencrypted"),
    }.get(security, security)


def server_summary(settings: ServerSettings) -> str:
    """Two lines of rich text: "host · port N · security", then the user name."""
    first = QCoreApplication.translate("wizard", "{host} · port {port} · {security}").format(
        host=html.escape(settings.host), port=settings.port, security=security_label(settings.security)
    )
    second = QCoreApplication.translate("wizard", "User name: {user}").format(user=html.escape(settings.username))
    return f"{first}<br>{second}"


def server_role(server: str) -> str:
    return (
        QCoreApplication.translate("wizard", "Incoming mail server (IMAP)")
        if server == "imap"
        else QCoreApplication.translate("wizard", "Outgoing mail server (SMTP)")
    )


def hint_label(text: str, parent: QWidget) -> QLabel:
    """Secondary text: the window text colour, softened (readable in light and dark themes alike)."""
    label = QLabel(text, parent)
    label.setWordWrap(True)
    palette = label.palette()
    colour = palette.color(QPalette.ColorRole.WindowText)
    colour.setAlphaF(0.68)
    palette.setColor(QPalette.ColorRole.WindowText, colour)
    label.setPalette(palette)
    return label
