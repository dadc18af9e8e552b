"""Starting Facteur: the QApplication, its names and icon, translations, and the main window.

``facteur`` (the gui-scripts entry point) and ``python -m gui`` both call :func:`main`. Arguments may be
``.eml`` files to open in reader windows, or a ``mailto:`` URL to open in the composer. One Facteur runs per
profile (:mod:`gui.single_instance`): a later launch hands its arguments to it and exits.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from connectors.messaging.parse_process import CHILD_ARGUMENT, child_main
from connectors.sync import header_process

from .accounts import APP_ID, APP_NAME, AccountStore
from .private_paths import Unusable, make_private, unusable_folders

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .single_instance import InstanceGuard

log = logging.getLogger(__name__)
LEFTOVER_GRACE_S = 3.0  # after the window closed, for a worker that outlived the quit budget


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

    from .collector import collect_on_gui_thread
    from .views.html_view import register_message_scheme

    register_message_scheme()  # the reader's own scheme must be known before the application exists

    QCoreApplication.setOrganizationName(APP_NAME)
    QCoreApplication.setOrganizationDomain("facteur.app")
    QCoreApplication.setApplicationName(APP_NAME)
    app = QApplication(list(argv))
    collect_on_gui_thread(app)  # before any window or worker exists: no cycle of Qt objects is ever freed elsewhere
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


def open_arguments(window: MainWindow, arguments: Sequence[str]) -> list[QWidget]:
    """Open what the command line names: ``mailto:`` URLs in composers, other non-option arguments as messages."""
    opened: list[QWidget] = []
    for argument in arguments:
        if argument.lower().startswith("mailto:"):
            opened.append(window.local.open_mailto(argument))
        elif not argument.startswith("-"):
            reader = window.open_file(Path(argument))
            if reader is not None:
                opened.append(reader)
    return opened


def _bring_forward(window: MainWindow, arguments: Sequence[str]) -> None:
    """Another launch handed its arguments over: act on them, in front of whatever the person was doing."""
    shown = open_arguments(window, arguments) or [window]
    for widget in shown:
        if widget.isMinimized():
            widget.showNormal()
        widget.raise_()
        widget.activateWindow()


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv if argv is None else argv)
    if arguments[1:2] == [CHILD_ARGUMENT]:  # the bundle started as a parsing process (connectors.messaging)
        return child_main()
    if arguments[1:2] == [header_process.CHILD_ARGUMENT]:  # ... as a header sync's rows process (connectors.sync)
        return header_process.child_main()
    logging.basicConfig(level=os.environ.get("FACTEUR_LOG", "WARNING").upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    unusable = unusable_folders()  # files left by a run as another user: said plainly, before anything fails
    if not unusable:
        make_private()  # before anything writes: stores, settings, pins are the person's alone (0700/0600)
    from .single_instance import InstanceGuard, absolute_arguments

    guard = InstanceGuard()
    if not guard.acquire():
        if guard.forward(absolute_arguments(arguments[1:])):
            log.info("Facteur is already running: the arguments were handed to it")
            return 0
        if not guard.owner:
            print("Facteur is already running for this profile but does not answer.", file=sys.stderr)
            return 1
    try:
        return _run(arguments, guard, unusable)
    finally:
        guard.close()


def _run(arguments: list[str], guard: InstanceGuard, unusable: list[Unusable]) -> int:
    app = create_application(arguments)
    from PySide6.QtWidgets import QApplication

    from connectors.outbox import LocalFileUnusableError

    from .composer import Postbox
    from .main_window import MainWindow
    from .workers.parsing import message_parser

    assert isinstance(app, QApplication)
    if unusable:
        return cannot_start(arguments, unusable)
    accounts = AccountStore()
    try:  # before the window: a window half built (its threads running) must not be dropped
        postbox = Postbox(accounts)
    except LocalFileUnusableError as error:  # the Outbox's folder itself cannot be written
        return cannot_start(arguments, [Unusable(error.path, str(error))])
    window = MainWindow(accounts, app_icon=app.windowIcon(), postbox=postbox)
    window.show()
    window.start()
    # Once the window is up: the reader's web engine, and a parsing process, start before the first message needs
    # them.
    QTimer.singleShot(0, window.reader.warm_up)
    QTimer.singleShot(0, message_parser().start)
    guard.argumentsReceived.connect(lambda forwarded: _bring_forward(window, forwarded))
    guard.listen()
    if "--smoke-test" in arguments[1:]:
        return _smoke_test(app, window)
    open_arguments(window, arguments[1:])
    if not accounts.accounts:
        QTimer.singleShot(300, window.dialogs.add_account)  # first start: offer the account wizard at once
    else:
        QTimer.singleShot(500, lambda: window.local.postbox.recover_drafts(window))
    # Ctrl+C in a terminal quits cleanly (Python only sees the signal when the event loop lets it run).
    signal.signal(signal.SIGINT, lambda *_args: window.close())
    heartbeat = QTimer()
    heartbeat.start(250)
    heartbeat.timeout.connect(lambda: None)
    code = int(app.exec())
    _end_if_threads_are_left(code)
    return code


def cannot_start(arguments: Sequence[str], unusable: Sequence[Unusable]) -> int:
    """Facteur cannot write where it keeps mail, the Outbox or its settings: say where and why, and what to do,
    then end (exit status 1) without having changed anything."""
    for problem in unusable:
        log.error("Cannot write %s: %s", problem.path, problem.reason)
    if "--smoke-test" in arguments[1:]:
        return 1
    unusable_box(unusable).exec()
    return 1


def unusable_box(unusable: Sequence[Unusable]) -> QMessageBox:
    """The message shown by :func:`cannot_start`."""
    translate = QCoreApplication.translate
    shown = list(unusable[:5])
    lines = "\n".join(f"• {problem.path}\n   {problem.reason}" for problem in shown)
    if len(unusable) > len(shown):
        lines += "\n" + translate("Startup", "…and %n more.", "", len(unusable) - len(shown))
    box = QMessageBox(QMessageBox.Icon.Critical, translate("Startup", "Facteur cannot start"),
                      translate("Startup", "Facteur cannot write where it keeps your mail, your Outbox and its "
                                           "settings:"))
    box.setObjectName("unusableFolders")
    explanation = translate(
        "Startup", "This usually happens after Facteur was started once as another user (with sudo, for example): "
                   "what it wrote then belongs to that user. Give these files back to your account, for example "
                   "with the command below, then start Facteur again. Nothing was changed.")
    command = f"sudo chown -R {_user_name()} {_their_folders(unusable)}"
    box.setInformativeText(f"{lines}\n\n{explanation}\n\n{command}")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # the command can be copied
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    return box


def _user_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid()) if hasattr(os, "getuid") else "you"


def _their_folders(unusable: Sequence[Unusable]) -> str:
    """Facteur's own folders that hold the problems (never a folder above them, such as the home folder)."""
    import shlex

    from .private_paths import app_folders

    roots = app_folders()
    found: list[Path] = []
    for problem in unusable:
        root = next((root for root in roots if problem.path == root or root in problem.path.parents), problem.path)
        if root not in found:
            found.append(root)
    return " ".join(shlex.quote(str(folder)) for folder in found)


def _end_if_threads_are_left(code: int) -> None:
    """After quitting: a worker that outlived the quit budget (a long batch, a DNS lookup) gets a little more time,
    the window being closed already; if it still runs, end the process now.

    Its QThread is still referenced (see :mod:`gui.workers.quitting`); tearing the interpreter down would destroy
    it while it runs, which makes Qt abort. SQLite rolls back the transaction it may be in, and its work is in the
    state the next start resumes from.
    """
    from .workers.quitting import finish_leftovers

    left = finish_leftovers(LEFTOVER_GRACE_S)
    if left:
        log.warning("Ending Facteur with %d worker(s) still busy", left)
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
