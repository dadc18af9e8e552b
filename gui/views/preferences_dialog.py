"""The Preferences: reading, writing, new mail, and whose remote content loads. Each setting here is read by the code
it names; the dialog only shows and keeps them (the window applies what changed when it is accepted)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..accounts import Account
from ..settings import UiSettings, remote_content_entry

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate


class PreferencesDialog(QDialog):
    """``compose`` is the Postbox's ComposeSettings (None: the writing page is not shown); ``accounts`` offer the
    default sender."""

    def __init__(self, settings: UiSettings, parent: QWidget | None = None, *, compose: object | None = None,
                 accounts: Sequence[Account] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(translate("PreferencesDialog", "Preferences"))
        self._settings = settings
        self._compose = compose
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("preferencesTabs")
        layout.addWidget(self.tabs)
        self.tabs.addTab(self._reading_page(), translate("PreferencesDialog", "Reading"))
        if compose is not None:
            self.tabs.addTab(self._writing_page(compose, accounts), translate("PreferencesDialog", "Writing"))
        self.tabs.addTab(self._new_mail_page(), translate("PreferencesDialog", "New Mail"))
        self.tabs.addTab(self._privacy_page(), translate("PreferencesDialog", "Privacy"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, 460)

    # -- pages ---------------------------------------------------------------------------------------------------

    def _reading_page(self) -> QWidget:
        settings = self._settings
        page = QWidget(self)
        form = QFormLayout(page)
        self.mark_read = QCheckBox(translate("PreferencesDialog", "Mark messages as read when they are shown"), page)
        self.mark_read.setObjectName("markReadCheck")
        self.mark_read.setChecked(settings.mark_read_automatically)
        form.addRow(self.mark_read)
        self.delay = QDoubleSpinBox(page)
        self.delay.setObjectName("markReadDelay")
        self.delay.setRange(0, 60)
        self.delay.setDecimals(1)
        self.delay.setSingleStep(0.5)
        self.delay.setSuffix(translate("PreferencesDialog", " s"))
        self.delay.setSpecialValueText(translate("PreferencesDialog", "at once"))
        self.delay.setValue(settings.mark_read_delay_ms / 1000)
        self.delay.setEnabled(self.mark_read.isChecked())
        self.mark_read.toggled.connect(self.delay.setEnabled)
        form.addRow(translate("PreferencesDialog", "After:"), self.delay)
        self.threaded = QCheckBox(translate("PreferencesDialog", "Group messages by conversation"), page)
        self.threaded.setObjectName("threadedCheck")
        self.threaded.setChecked(settings.threaded)
        form.addRow(self.threaded)
        self.font_size = QSpinBox(page)
        self.font_size.setObjectName("readerFontSize")
        self.font_size.setRange(0, 40)
        self.font_size.setSuffix(translate("PreferencesDialog", " pt"))
        self.font_size.setSpecialValueText(translate("PreferencesDialog", "as the desktop"))
        self.font_size.setValue(settings.reader_font_size)
        form.addRow(translate("PreferencesDialog", "Text size of messages:"), self.font_size)
        return page

    def _writing_page(self, compose: object, accounts: Sequence[Account]) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.format = QComboBox(page)
        self.format.setObjectName("composeFormat")
        self.format.addItem(translate("PreferencesDialog", "Formatted (HTML)"), True)
        self.format.addItem(translate("PreferencesDialog", "Plain text"), False)
        self.format.setCurrentIndex(0 if getattr(compose, "html_by_default", True) else 1)
        form.addRow(translate("PreferencesDialog", "Write new messages as:"), self.format)
        self.reply_position = QComboBox(page)
        self.reply_position.setObjectName("replyPosition")
        self.reply_position.addItem(translate("PreferencesDialog", "Above the quoted message"), False)
        self.reply_position.addItem(translate("PreferencesDialog", "Below the quoted message"), True)
        self.reply_position.setCurrentIndex(1 if getattr(compose, "reply_below", False) else 0)
        form.addRow(translate("PreferencesDialog", "Start replies:"), self.reply_position)
        self.sender = QComboBox(page)
        self.sender.setObjectName("defaultSender")
        self.sender.addItem(translate("PreferencesDialog", "The first account"), ("", ""))
        for account in accounts:
            for identity in account.identities or []:
                text = f"{identity.name} <{identity.address}> — {account.label}" if identity.name else \
                    f"{identity.address} — {account.label}"
                self.sender.addItem(text, (account.id, identity.address))
        wanted = (getattr(compose, "default_account", ""), getattr(compose, "default_identity", ""))
        found = next((i for i in range(self.sender.count()) if tuple(self.sender.itemData(i)) == wanted), 0)
        self.sender.setCurrentIndex(found)
        form.addRow(translate("PreferencesDialog", "Send new messages from:"), self.sender)
        return page

    def _new_mail_page(self) -> QWidget:
        settings = self._settings
        page = QWidget(self)
        form = QFormLayout(page)
        self.notify = QCheckBox(translate("PreferencesDialog", "Tell me when new mail arrives in an Inbox"), page)
        self.notify.setObjectName("notificationsCheck")
        self.notify.setChecked(settings.notifications)
        form.addRow(self.notify)
        self.check_minutes = QSpinBox(page)
        self.check_minutes.setObjectName("checkMinutes")
        self.check_minutes.setRange(1, 24 * 60)
        self.check_minutes.setSuffix(translate("PreferencesDialog", " min"))
        self.check_minutes.setValue(settings.check_minutes)
        form.addRow(translate("PreferencesDialog", "Check every folder every:"), self.check_minutes)
        note = QLabel(translate("PreferencesDialog", "Servers that push new mail (IMAP IDLE) bring it to the Inbox at "
                                                     "once; this is how often the other folders, and accounts whose "
                                                     "server cannot push, are checked."), page)
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(mid);")
        form.addRow(note)
        return page

    def _privacy_page(self) -> QWidget:
        page = QWidget(self)
        box = QVBoxLayout(page)
        label = QLabel(translate("PreferencesDialog", "Remote content is always loaded for these senders and "
                                                      "domains:"), page)
        label.setWordWrap(True)
        box.addWidget(label)
        self.senders = QListWidget(page)
        self.senders.setObjectName("remoteContentSenders")
        self.senders.setAccessibleName(translate("PreferencesDialog", "Senders and domains"))
        self.senders.addItems(sorted(self._settings.remote_content_senders()))
        box.addWidget(self.senders)
        row = QHBoxLayout()
        self.new_sender = QLineEdit(page)
        self.new_sender.setObjectName("newRemoteSender")
        self.new_sender.setPlaceholderText(translate("PreferencesDialog", "name@example.com or example.com"))
        self.new_sender.installEventFilter(self)
        row.addWidget(self.new_sender, 1)
        self.add_button = QPushButton(translate("PreferencesDialog", "Add"), page)
        self.add_button.setObjectName("addSender")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._add_entered)
        row.addWidget(self.add_button)
        remove = QPushButton(translate("PreferencesDialog", "Remove"), page)
        remove.setObjectName("removeSender")
        remove.setAutoDefault(False)
        remove.clicked.connect(self._remove_selected)
        row.addWidget(remove)
        box.addLayout(row)
        self.sender_problem = QLabel(page)
        self.sender_problem.setObjectName("senderProblem")
        self.sender_problem.setStyleSheet("color: #a40000;")
        self.sender_problem.hide()
        box.addWidget(self.sender_problem)
        return page

    # -- the list of exceptions ------------------------------------------------------------------------------

    def entries(self) -> list[str]:
        return [self.senders.item(row).text() for row in range(self.senders.count())]

    def _add_entered(self) -> None:
        entry = remote_content_entry(self.new_sender.text())
        if entry is None:
            self.sender_problem.setText(translate("PreferencesDialog", "“%1” is neither an address nor a domain.")
                                        .replace("%1", self.new_sender.text().strip()[:80]))
            self.sender_problem.show()
            return
        self.sender_problem.hide()
        if entry not in self.entries():
            self.senders.addItem(entry)
            self.senders.sortItems()
        self.new_sender.clear()
        matches = self.senders.findItems(entry, Qt.MatchFlag.MatchExactly)
        if matches:
            self.senders.setCurrentItem(matches[0])

    def _remove_selected(self) -> None:
        for item in self.senders.selectedItems():
            self.senders.takeItem(self.senders.row(item))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        # Enter in the address line adds it, and only that: it must not also accept the whole dialog.
        if (watched is self.new_sender and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self._add_entered()
            return True
        return super().eventFilter(watched, event)

    # -- keeping -----------------------------------------------------------------------------------------------

    def accept(self) -> None:
        settings = self._settings
        settings.mark_read_automatically = self.mark_read.isChecked()
        settings.mark_read_delay_ms = round(self.delay.value() * 1000)
        settings.threaded = self.threaded.isChecked()
        settings.reader_font_size = self.font_size.value()
        settings.notifications = self.notify.isChecked()
        settings.check_minutes = self.check_minutes.value()
        kept = set(self.entries())
        for sender in settings.remote_content_senders() - kept:
            settings.allow_remote_content(sender, False)
        for sender in kept - settings.remote_content_senders():
            settings.allow_remote_content(sender, True)
        compose = self._compose
        if compose is not None:
            compose.html_by_default = bool(self.format.currentData())  # type: ignore[attr-defined]
            compose.reply_below = bool(self.reply_position.currentData())  # type: ignore[attr-defined]
            account_id, address = self.sender.currentData()
            compose.default_account, compose.default_identity = account_id, address  # type: ignore[attr-defined]
            save = getattr(compose, "save", None)
            if save is not None:
                save()
        settings.sync()
        super().accept()
