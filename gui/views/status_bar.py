"""The status bar: what the accounts are doing (with a progress bar on long work) and whether each is connected."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from .icons import icon, state_icon

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

LONG_WORK_MS = 700


def state_text(state: str) -> str:
    return {
        "online": translate("MailStatusBar", "Connected"),
        "connecting": translate("MailStatusBar", "Connecting…"),
        "offline": translate("MailStatusBar", "Offline"),
        "error": translate("MailStatusBar", "Cannot connect"),
        "locked": translate("MailStatusBar", "Keyring locked"),
        "opening": translate("MailStatusBar", "Opening the mail store…"),
        "upgrading": translate("MailStatusBar", "Upgrading the mail store…"),
        "unusable": translate("MailStatusBar", "Cannot open the mail store"),
    }.get(state, state)


@dataclass
class _Activity:
    text: str
    done: int
    total: int


class AccountIndicator(QWidget):
    clicked = Signal(str)

    def __init__(self, account_id: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.account_id = account_id
        self.setObjectName(f"accountState-{account_id}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 2, 0)
        layout.setSpacing(4)
        self.dot = QLabel(self)
        layout.addWidget(self.dot)
        self.label = QLabel(label, self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # an account's name is the person's or a server's text
        layout.addWidget(self.label)
        self.state = ""
        self.set_state("offline")

    def set_label(self, label: str) -> None:
        self.label.setText(label)
        self.set_state(self.state)

    def set_state(self, state: str) -> None:
        self.state = state
        self.dot.setPixmap(state_icon(state).pixmap(10, 10))
        description = f"{self.label.text()}: {state_text(state)}"
        self.setToolTip(description)
        self.setAccessibleName(description)


class MailStatusBar(QStatusBar):
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self.activity_label = QLabel(self)
        self.activity_label.setObjectName("activityText")
        self.activity_label.setTextFormat(Qt.TextFormat.PlainText)  # it names folders, which servers name
        self.addWidget(self.activity_label, 1)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("syncProgress")
        self.progress.setAccessibleName(translate("MailStatusBar", "Synchronisation progress"))
        self.progress.setMaximumWidth(180)
        self.progress.setMaximumHeight(14)
        self.progress.setTextVisible(False)
        self.addWidget(self.progress)
        self.stop_button = QToolButton(self)
        self.stop_button.setObjectName("stopSync")
        self.stop_button.setIcon(icon("stop"))
        self.stop_button.setAutoRaise(True)
        self.stop_button.setToolTip(translate("MailStatusBar", "Stop synchronising"))
        self.stop_button.setAccessibleName(translate("MailStatusBar", "Stop synchronising"))
        self.stop_button.clicked.connect(self.cancelRequested)
        self.addWidget(self.stop_button)
        self.folder_counts = QLabel(self)
        self.folder_counts.setObjectName("folderCounts")
        self.folder_counts.setTextFormat(Qt.TextFormat.PlainText)
        self.addPermanentWidget(self.folder_counts)
        self._activities: dict[str, _Activity] = {}
        self._labels: dict[str, str] = {}
        self._indicators: dict[str, AccountIndicator] = {}
        # The progress bar is for long work: it appears only when work has lasted a moment, so quick
        # refreshes do not make the status bar flicker.
        self._long_work = QTimer(self)
        self._long_work.setSingleShot(True)
        self._long_work.setInterval(LONG_WORK_MS)
        self._long_work.timeout.connect(self._lasted)
        self._busy = False
        self._lasting = False
        self._render()

    def set_account(self, account_id: str, label: str) -> None:
        self._labels[account_id] = label
        indicator = self._indicators.get(account_id)
        if indicator is None:
            indicator = AccountIndicator(account_id, label, self)
            self._indicators[account_id] = indicator
            self.addPermanentWidget(indicator)
        else:
            indicator.set_label(label)

    def set_folder_counts(self, total: int | None, unread: int = 0) -> None:
        """What the folder being shown holds ("3,000 messages, 40 unread"); None for no folder."""
        if total is None:
            self.folder_counts.clear()
            return
        locale = QLocale()
        text = translate("MailStatusBar", "%Ln message(s)", None, total)
        if unread:
            text += ", " + translate("MailStatusBar", "%1 unread").replace("%1", locale.toString(unread))
        self.folder_counts.setText(text)

    def set_local_count(self, folder: str, count: int) -> None:
        """What a Local Folders page holds: the Outbox's messages waiting to go, or the local drafts."""
        if folder == "outbox":
            text = (translate("MailStatusBar", "%Ln message(s) waiting to be sent", None, count) if count
                    else translate("MailStatusBar", "Outbox empty"))
        else:
            text = translate("MailStatusBar", "%Ln draft(s)", None, count) if count else \
                translate("MailStatusBar", "No drafts")
        self.folder_counts.setText(text)

    def set_search_count(self, found: int, *, more: bool = False) -> None:
        """How many messages the search shows; ``more``: its newest are listed and the rest is still being read."""
        if more:
            self.folder_counts.setText(translate("MailStatusBar", "%Ln message(s) found, looking for more…", None,
                                                 found))
        else:
            self.folder_counts.setText(translate("MailStatusBar", "%Ln message(s) found", None, found))

    def remove_account(self, account_id: str) -> None:
        indicator = self._indicators.pop(account_id, None)
        if indicator is not None:
            self.removeWidget(indicator)
            indicator.deleteLater()
        self._activities.pop(account_id, None)
        self._render()

    def set_state(self, account_id: str, state: str) -> None:
        indicator = self._indicators.get(account_id)
        if indicator is not None:
            indicator.set_state(state)

    def indicator(self, account_id: str) -> AccountIndicator | None:
        return self._indicators.get(account_id)

    def set_activity(self, account_id: str, text: str, done: int, total: int) -> None:
        if text:
            self._activities[account_id] = _Activity(text, done, total)
        else:
            self._activities.pop(account_id, None)
        self._render()

    def _lasted(self) -> None:
        self._lasting = True
        self._render()

    def _render(self) -> None:
        if not self._activities:
            self.activity_label.clear()
            self.progress.hide()
            self.stop_button.hide()
            self._long_work.stop()
            self._busy = self._lasting = False
            return
        if not self._busy:
            self._busy = True
            self._long_work.start()
        long_work = self._lasting
        account_id, activity = next(iter(self._activities.items()))
        prefix = f"{self._labels.get(account_id, '')}: " if len(self._labels) > 1 else ""
        text = prefix + activity.text
        if activity.total > 0:
            text += f" — {activity.done:,}/{activity.total:,}".replace(",", "\u202f")
        self.activity_label.setText(text)
        if not long_work:
            return
        self.progress.show()
        self.stop_button.show()
        if activity.total > 0:
            self.progress.setRange(0, activity.total)
            self.progress.setValue(min(activity.done, activity.total))
        else:
            self.progress.setRange(0, 0)  # busy, amount unknown
