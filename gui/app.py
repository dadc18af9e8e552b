"""Starting Facteur: the QApplication, its names and icon, translations, and the main window.

``facteur`` (the gui-scripts entry point) and ``python -m gui`` both call :func:`main`. Arguments may be
``.eml`` files to open in reader windows, or a ``mailto:`` URL to open in the composer.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QWidget

from .accounts import APP_ID, APP_NAME, AccountStore
from .private_paths import make_private

log = logging.getLogger(__name__)


def create_application(argv: Sequence[str]) -> QCoreApplication:
    """The QApplication, configured before it exists where Qt requires it (web engine, names, ids)."""
    existing = QCoreApplication.instance()
    if existing is not None:
        return existing
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "QTWEBENGINE_DISABLE_SANDBOX" not in os.environ:
        # Chromium refuses to start as root with its sandbox on, and the reader would stay blank. Mail is still
        # shown with JavaScript off and every remote load blocked; running a mail client as root is not advised.
        log.warning("Running as root: Qt WebEngine's sandbox is disabled")
        os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
    # Qt WebEngine must be loaded and OpenGL contexts shared before the application object is created.
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    import PySide6.QtWebEngineWidgets  # noqa: F401 - the import itself initialises the web engine
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setOrganizationDomain("facteur.app")
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication(list(argv))
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    try:
        from .resources import app_icon

        app.setWindowIcon(app_icon())
    except (ImportError, FileNotFoundError) as exc:
        log.warning("Facteur's icon is missing: %s", exc)
    try:
        from .i18n import install_translations

        install_translations(app)
    except (ImportError, FileNotFoundError) as exc:
        log.warning("Translations are not available: %s", exc)
    return app


def _smoke_test(app: QCoreApplication, window: QWidget) -> int:
    """``--smoke-test`` (packaging checks): exit 0 once the main window is really on screen, 1 after 60 s.

    Closing the window, not exiting the loop, lets the workers stop as they do when a person quits.
    """
    outcome = {"code": 1}

    def check() -> None:
        handle = window.windowHandle()
        if handle is not None and handle.isExposed():
            outcome["code"] = 0
            window.close()

    poll = QTimer(window)
    poll.timeout.connect(check)
    poll.start(100)
    QTimer.singleShot(60_000, window.close)
    app.exec()
    return outcome["code"]


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv if argv is None else argv)
    make_private()  # before anything writes: stores, settings, pins are the person's alone (0700/0600)
    logging.basicConfig(level=os.environ.get("FACTEUR_LOG", "WARNING").upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_application(arguments)
    from PySide6.QtWidgets import QApplication

    from .main_window import MainWindow

    assert isinstance(app, QApplication)
    accounts = AccountStore()
    window = MainWindow(accounts, app_icon=app.windowIcon())
    window.show()
    window.start()
    if "--smoke-test" in arguments[1:]:
        return _smoke_test(app, window)
    for argument in arguments[1:]:
        if argument.lower().startswith("mailto:"):
            window.local.open_mailto(argument)
        elif not argument.startswith("-"):
            window.open_file(Path(argument))
    if not accounts.accounts:
        QTimer.singleShot(300, window.dialogs.add_account)  # first start: offer the account wizard at once
    else:
        QTimer.singleShot(500, lambda: window.local.postbox.recover_drafts(window))
    # Ctrl+C in a terminal quits cleanly (Python only sees the signal when the event loop lets it run).
    signal.signal(signal.SIGINT, lambda *_args: window.close())
    heartbeat = QTimer()
    heartbeat.start(250)
    heartbeat.timeout.connect(lambda: None)
    return int(app.exec())
