"""The reader's web engine and its message scheme must be set up before pytest-qt creates the QApplication."""

from __future__ import annotations

import os

os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402

QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
import PySide6.QtWebEngineWidgets  # noqa: E402, F401

from gui.views.html_view import register_message_scheme  # noqa: E402

register_message_scheme()
