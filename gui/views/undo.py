"""Undo for what the person does to messages: a short history (Edit → Undo, Ctrl+Z) and the notice that says what
was just done, with an Undo button, at the bottom of the window for a few seconds.

The history holds :class:`UndoStep` objects; undoing one is the account's work (``AccountSession.undo``), asked for
through ``MessageCommands.undo``. What the person did once in a view across accounts is an :class:`UndoGroup` of
one step per account and folder, undone together. Only the newest steps are kept, as in other mail clients.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QEnterEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from ..workers.account_session import UndoStep
from ..workers.operation import Operation

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

HISTORY = 20
NOTICE_MS = 8000


class UndoGroup:
    """One thing the person did that the accounts did as several steps (a view across accounts acts once per
    account and folder): named, shown and undone as one."""

    def __init__(self, steps: list[UndoStep], name: str, text: str) -> None:
        self.steps = steps
        self.name = name
        self.text = text

    def involves(self, account_id: str) -> bool:
        return any(step.account_id == account_id for step in self.steps)

    def __repr__(self) -> str:
        return f"UndoGroup({self.name!r}, {len(self.steps)} steps)"


Undoable = UndoStep | UndoGroup


def steps_of(undoable: Undoable) -> list[UndoStep]:
    return list(undoable.steps) if isinstance(undoable, UndoGroup) else [undoable]


def involves(undoable: Undoable, account_id: str) -> bool:
    return any(step.account_id == account_id for step in steps_of(undoable))


class UndoHistory(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._steps: list[Undoable] = []

    def push(self, step: Undoable) -> None:
        self._steps.append(step)
        del self._steps[:-HISTORY]
        self.changed.emit()

    def pop(self) -> Undoable | None:
        step = self._steps.pop() if self._steps else None
        if step is not None:
            self.changed.emit()
        return step

    def remove(self, step: Undoable) -> bool:
        if step not in self._steps:
            return False
        self._steps.remove(step)
        self.changed.emit()
        return True

    def top(self) -> Undoable | None:
        return self._steps[-1] if self._steps else None

    def forget_account(self, account_id: str) -> None:
        """The account is gone: its steps go, and its part of the steps done across accounts."""
        kept: list[Undoable] = []
        for step in self._steps:
            if not involves(step, account_id):
                kept.append(step)
                continue
            others = [part for part in steps_of(step) if part.account_id != account_id]
            if others:
                kept.append(UndoGroup(others, step.name, step.text) if len(others) > 1 else others[0])
        if kept != self._steps:
            self._steps = kept
            self.changed.emit()

    def __len__(self) -> int:
        return len(self._steps)


class UndoNotice(QFrame):
    """"3 messages moved to the Trash — Undo": floats at the bottom centre of ``host`` (above what is under it),
    never takes the focus, and goes after a few seconds (not while the pointer rests on it)."""

    undoRequested = Signal(object)  # the UndoStep it shows

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("undoNotice")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setStyleSheet(
            "#undoNotice { background: #323232; border-radius: 6px; } "
            "#undoNotice QLabel { color: white; } "
            "#undoNotice QPushButton { color: #8ab4f8; font-weight: bold; border: none; padding: 4px 8px; "
            "background: transparent; } "
            "#undoNotice QToolButton { color: #c8c8c8; border: none; background: transparent; }")
        self.step: Undoable | None = None
        self.label = QLabel(self)
        self.label.setObjectName("undoNoticeText")
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # folder names come from the server
        self.undo_button = QPushButton(translate("UndoNotice", "Undo"), self)
        self.undo_button.setObjectName("undoNoticeButton")
        self.undo_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.undo_button.setCursor(Qt.CursorShape.PointingHandCursor)
        close = QToolButton(self)
        close.setObjectName("undoNoticeClose")
        close.setText("✕")
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        close.setToolTip(translate("UndoNotice", "Close"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 6, 6, 6)
        layout.setSpacing(8)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.undo_button)
        layout.addWidget(close)
        self.undo_button.clicked.connect(self._undo)
        close.clicked.connect(self.dismiss)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(NOTICE_MS)
        self._timer.timeout.connect(self.dismiss)
        host.installEventFilter(self)
        self.hide()

    def show_step(self, step: Undoable) -> None:
        self.step = step
        self.label.setText(step.text)
        self.undo_button.setToolTip(translate("UndoNotice", "Undo %1 (%2)").replace("%1", step.name)
                                    .replace("%2", "Ctrl+Z"))
        self.setAccessibleName(step.text)
        self._place()
        self.show()
        self.raise_()
        self._timer.start()

    def dismiss(self) -> None:
        self._timer.stop()
        self.step = None
        self.hide()

    def forget(self, step: Undoable) -> None:
        """``step`` was undone by other means (Ctrl+Z): the notice about it goes."""
        if self.step is step:
            self.dismiss()

    def _undo(self) -> None:
        step = self.step
        self.dismiss()
        if step is not None:
            self.undoRequested.emit(step)

    def _place(self) -> None:
        host = self.parentWidget()
        if host is None:
            return
        self.adjustSize()
        width = min(max(self.sizeHint().width(), 320), max(200, host.width() - 40))
        self.resize(width, self.sizeHint().height())
        self.move((host.width() - width) // 2, host.height() - self.height() - 16)

    def enterEvent(self, event: QEnterEvent) -> None:
        self._timer.stop()  # reading it, or about to click Undo
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self.isVisible():
            self._timer.start()
        super().leaveEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self._place()
        return False


class UndoControl(QObject):
    """Ties the history, the notice and Edit → Undo together: every step ``undoable`` announces is kept and shown;
    Ctrl+Z or the notice's button hands it to ``run_undo`` (``MessageCommands.undo``) and forgets it."""

    def __init__(self, undoable: Signal, run_undo: Callable[[UndoStep], Operation | None], action: QAction,
                 host: QWidget, say: Callable[[str], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = UndoHistory(self)
        self.notice = UndoNotice(host)
        self._run_undo = run_undo
        self._action = action
        self._say = say
        undoable.connect(self.history.push)
        undoable.connect(self.notice.show_step)
        self.notice.undoRequested.connect(self.undo)
        self.history.changed.connect(self._update_action)
        action.triggered.connect(lambda: self.undo(self.history.top()))

    def undo(self, step: Undoable | None) -> None:
        """Undo ``step`` (the newest by Ctrl+Z, or the one the notice shows) and forget it."""
        if step is None or not self.history.remove(step):
            return
        self.notice.forget(step)
        undone = [self._run_undo(part) for part in steps_of(step)]
        if any(operation is not None for operation in undone):
            self._say(translate("MainWindow", "Undone: %1").replace("%1", step.name))

    def forget_account(self, account_id: str) -> None:
        self.history.forget_account(account_id)
        if self.notice.step is not None and involves(self.notice.step, account_id):
            self.notice.dismiss()

    def _update_action(self) -> None:
        step = self.history.top()
        self._action.setEnabled(step is not None)
        self._action.setText(translate("MainWindow", "&Undo %1").replace("%1", step.name) if step is not None
                             else translate("MainWindow", "&Undo"))
