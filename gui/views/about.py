"""Help → About Facteur: the version, the licence and where the project lives."""

from __future__ import annotations

import html
from importlib import metadata

from PySide6.QtCore import QCoreApplication, Qt, qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

PROJECT_URL = "https://facteur.app"
"""The project's address (the domain of its application id, app.facteur.Facteur)."""
LICENCE = "GPL-3.0-or-later"
LICENCE_URL = "https://www.gnu.org/licenses/gpl-3.0.html"


def facteur_version() -> str:
    """The installed version (pyproject.toml's), or the application's when run from a bundle without metadata."""
    try:
        return metadata.version("facteur")
    except metadata.PackageNotFoundError:
        return QCoreApplication.applicationVersion() or "?"


def about_text() -> str:
    text = translate("About", "<p><b>Facteur %1</b> — a fast, safe desktop mail client.</p>"
                              "<p>Free software under the %2 licence: you may use, study, share and improve it.</p>"
                              "<p><a href=\"%3\">%3</a></p><p><small>Qt %4</small></p>")
    licence = f'<a href="{LICENCE_URL}">{html.escape(LICENCE)}</a>'
    return text.replace("%1", html.escape(facteur_version())).replace("%2", licence) \
        .replace("%3", PROJECT_URL).replace("%4", html.escape(str(qVersion())))


def show_about(parent: QWidget | None) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.NoIcon, translate("About", "About Facteur"), about_text(),
                      QMessageBox.StandardButton.Close, parent)
    box.setObjectName("aboutDialog")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)  # the links open in the browser
    if parent is not None and not parent.windowIcon().isNull():
        box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
    box.open()
    return box
