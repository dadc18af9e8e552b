"""Reading preferences: when messages count as read, conversations, and whose remote content loads."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..settings import UiSettings

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate


class PreferencesDialog(QDialog):
    def __init__(self, settings: UiSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle(translate("PreferencesDialog", "Preferences"))
        self._settings = settings
        layout = QVBoxLayout(self)

        reading = QGroupBox(translate("PreferencesDialog", "Reading"), self)
        form = QFormLayout(reading)
        self.mark_read = QCheckBox(translate("PreferencesDialog", "Mark messages as read when they are shown"), reading)
        self.mark_read.setObjectName("markReadCheck")
        self.mark_read.setChecked(settings.mark_read_automatically)
        form.addRow(self.mark_read)
        self.delay = QDoubleSpinBox(reading)
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
        self.threaded = QCheckBox(translate("PreferencesDialog", "Group messages by conversation"), reading)
        self.threaded.setObjectName("threadedCheck")
        self.threaded.setChecked(settings.threaded)
        form.addRow(self.threaded)
        layout.addWidget(reading)

        privacy = QGroupBox(translate("PreferencesDialog", "Remote content is always loaded for these senders"), self)
        box = QVBoxLayout(privacy)
        self.senders = QListWidget(privacy)
        self.senders.setObjectName("remoteContentSenders")
        self.senders.addItems(sorted(settings.remote_content_senders()))
        box.addWidget(self.senders)
        row = QHBoxLayout()
        row.addStretch(1)
        remove = QPushButton(translate("PreferencesDialog", "Remove"), privacy)
        remove.setObjectName("removeSender")
        remove.clicked.connect(self._remove_selected)
        row.addWidget(remove)
        box.addLayout(row)
        layout.addWidget(privacy)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._removed: set[str] = set()

    def _remove_selected(self) -> None:
        for item in self.senders.selectedItems():
            self._removed.add(item.text())
            self.senders.takeItem(self.senders.row(item))

    def accept(self) -> None:
        self._settings.mark_read_automatically = self.mark_read.isChecked()
        self._settings.mark_read_delay_ms = round(self.delay.value() * 1000)
        self._settings.threaded = self.threaded.isChecked()
        for sender in self._removed:
            self._settings.allow_remote_content(sender, False)
        super().accept()
