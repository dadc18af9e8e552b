"""First page: the person's name and address; pressing Next looks the provider's settings up (nothing is sent)."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from connectors.goa import GoaMailAccount

from ..providers import DetectedSettings, split_address
from ..workers.operation import Operation
from ..workers.runner import runner
from .draft import AccountDraft
from .labels import hint_label
from .page_ids import PAGE_GOOGLE, PAGE_MANUAL, PAGE_SETTINGS, PAGE_TEST
from .services import WizardServices

_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")


def is_valid_address(text: str) -> bool:
    return bool(_ADDRESS.match(text.strip()))


class IdentityPage(QWizardPage):
    def __init__(self, draft: AccountDraft, services: WizardServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.services = services
        self._detection: Operation | None = None
        self._desktop_lookup: Operation | None = None
        self._looked_up = False
        self._goa_chosen: GoaMailAccount | None = None
        self.goa_buttons: list[QCommandLinkButton] = []
        self.setObjectName("identityPage")
        self.setTitle(self.tr("Add a mail account"))
        self.setSubTitle(self.tr("Facteur finds your provider's settings from your address."))

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("nameEdit")
        self.name_edit.setPlaceholderText(self.tr("Alice Martin"))
        self.name_edit.setAccessibleName(self.tr("Your name"))
        self.name_edit.setToolTip(self.tr("Shown to the people you write to"))
        self.email_edit = QLineEdit(self)
        self.email_edit.setObjectName("emailEdit")
        self.email_edit.setPlaceholderText(self.tr("alice@example.com"))
        self.email_edit.setAccessibleName(self.tr("Email address"))
        name_hint = hint_label(self.tr("Shown to the people you write to."), self)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("detectProgress")
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("detectStatus")
        self.progress_label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress_label.setWordWrap(True)
        self.skip_button = QPushButton(self.tr("&Skip and enter the settings myself"), self)
        self.skip_button.setObjectName("skipDetectButton")
        self.skip_button.clicked.connect(self.skip_detection)
        self.duplicate_label = QLabel(self)
        self.duplicate_label.setObjectName("duplicateAccount")
        self.duplicate_label.setTextFormat(Qt.TextFormat.PlainText)
        self.duplicate_label.setWordWrap(True)
        self.duplicate_label.setStyleSheet("color: #b3261e;")
        self.duplicate_label.hide()
        self.busy = QWidget(self)
        busy_layout = QVBoxLayout(self.busy)
        busy_layout.setContentsMargins(0, 12, 0, 0)
        busy_layout.addWidget(self.progress_label)
        busy_layout.addWidget(self.progress)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.skip_button)
        busy_layout.addLayout(row)
        self.busy.hide()

        # GNOME Online Accounts' Google and Microsoft accounts, offered first once the look-up found some.
        self.desktop_box = QWidget(self)
        self.desktop_box.setObjectName("desktopAccounts")
        desktop_layout = QVBoxLayout(self.desktop_box)
        desktop_layout.setContentsMargins(0, 0, 0, 8)
        desktop_heading = QLabel(self.tr("Already signed in on this computer:"), self.desktop_box)
        desktop_heading.setStyleSheet("font-weight: bold;")
        self.desktop_buttons = QVBoxLayout()
        self.desktop_buttons.setSpacing(2)
        other = QLabel(self.tr("Or add another address:"), self.desktop_box)
        other.setStyleSheet("font-weight: bold;")
        desktop_layout.addWidget(desktop_heading)
        desktop_layout.addLayout(self.desktop_buttons)
        desktop_layout.addSpacing(8)
        desktop_layout.addWidget(other)
        self.desktop_box.hide()

        form = QFormLayout()
        form.addRow(self.tr("&Your name:"), self.name_edit)
        form.addRow("", name_hint)
        form.addRow(self.tr("&Email address:"), self.email_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.desktop_box)
        layout.addLayout(form)
        layout.addWidget(self.duplicate_label)
        layout.addWidget(self.busy)
        layout.addStretch(1)

        self.name_edit.textChanged.connect(self.completeChanged)
        self.email_edit.textChanged.connect(self.completeChanged)
        self.email_edit.textChanged.connect(self.duplicate_label.hide)

    def initializePage(self) -> None:
        if not self._looked_up:
            self._looked_up = True
            self._look_up_desktop_accounts()

    def isComplete(self) -> bool:
        return bool(self.name_edit.text().strip()) and is_valid_address(self.email_edit.text())

    # -- GNOME Online Accounts ------------------------------------------------------------------------------------

    def _look_up_desktop_accounts(self) -> None:
        operation = Operation(lambda _op: self.services.desktop_accounts(), name="DesktopAccounts")
        operation.finished.connect(self._desktop_accounts_found)
        self._desktop_lookup = operation
        runner().submit(operation)

    @Slot(object)
    def _desktop_accounts_found(self, found: object) -> None:
        if self.sender() is not self._desktop_lookup or not isinstance(found, list):
            return
        self._desktop_lookup = None
        store = getattr(self.wizard(), "store", None)
        for account in found:
            if not isinstance(account, GoaMailAccount):
                continue
            existing = store.find_by_email(account.email) if store is not None else None
            provider = account.provider_name or account.provider_type
            if existing is not None:
                description = self.tr("Already in Facteur as “{label}”.").format(label=existing.label)
            elif account.attention_needed:
                description = self.tr("{provider}: GNOME Online Accounts needs you to sign in to it again first, in "
                                      "Settings › Online Accounts.").format(provider=provider)
            else:
                description = self.tr("{provider}, signed in through GNOME Online Accounts: no password to type."
                                      ).format(provider=provider)
            button = QCommandLinkButton(self.tr("Use your GNOME account {email}").format(email=account.email),
                                        description, self.desktop_box)
            button.setObjectName("desktopAccountButton")
            button.setProperty("goaId", account.id)
            button.setEnabled(existing is None)
            button.clicked.connect(lambda _checked=False, chosen=account: self.use_desktop_account(chosen))
            self.desktop_buttons.addWidget(button)
            self.goa_buttons.append(button)
        self.desktop_box.setVisible(bool(self.goa_buttons))
        if self.goa_buttons:
            self.setSubTitle(self.tr("Use an account this computer already knows, or enter your address."))
            # The keyboard reaches them first, as the eye does: they come before the address form.
            chain = [*self.goa_buttons, self.name_edit, self.email_edit]
            for before, after in zip(chain, chain[1:], strict=False):
                QWidget.setTabOrder(before, after)
        usable = [button for button in self.goa_buttons if button.isEnabled()]
        if usable and not self.name_edit.text() and not self.email_edit.text():
            usable[0].setFocus()  # nothing typed yet: Enter takes the desktop's account

    def use_desktop_account(self, account: GoaMailAccount) -> None:
        """The person chose one of GNOME Online Accounts' accounts: straight to the connection test."""
        self._goa_chosen = account
        self.wizard().next()

    # -- the address typed ----------------------------------------------------------------------------------------

    def validatePage(self) -> bool:
        chosen, self._goa_chosen = self._goa_chosen, None
        email = chosen.email if chosen is not None else self.email_edit.text().strip()
        store = getattr(self.wizard(), "store", None)
        existing = store.find_by_email(email) if store is not None else None
        if existing is not None:
            self.duplicate_label.setText(self.tr(
                "Facteur already has an account for {email} (“{label}”): edit it in the accounts list instead of "
                "adding it again.").format(email=email, label=existing.label))
            self.duplicate_label.show()
            return False
        if chosen is not None:
            self.draft.use_goa(chosen, self.name_edit.text().strip())
            return True
        self.draft.forget_goa()
        self.draft.name = self.name_edit.text().strip()
        if self.draft.email != email:
            self.draft.email = email
            self.draft.detected, self.draft.detected_for = None, ""
            self.draft.oauth_manager, self.draft.tokens = None, None
        if self.draft.detected_for == email:
            return True
        if self._detection is not None:
            return False  # still looking; the page moves on by itself when the look-up ends
        found = self.services.providers.settings_for(email)
        if found is not None:
            self._use(found)
            return True
        self._start_autoconfig(email)
        return False

    def _start_autoconfig(self, email: str) -> None:
        autoconfig = self.services.autoconfig
        operation = Operation(lambda op: autoconfig.lookup(email, cancelled=op.is_cancelled), name="Autoconfig")
        operation.finished.connect(self._detected)
        operation.failed.connect(self._detection_failed)
        self._detection = operation
        self.progress_label.setText(
            self.tr("Looking up the settings for {domain}…").format(domain=split_address(email)[1])
        )
        self.busy.show()
        self._set_inputs_enabled(False)
        runner().submit(operation)

    def _set_inputs_enabled(self, enabled: bool) -> None:
        self.desktop_box.setEnabled(enabled)
        self.name_edit.setEnabled(enabled)
        self.email_edit.setEnabled(enabled)
        wizard = self.wizard()
        if wizard is not None:
            wizard.button(QWizard.WizardButton.NextButton).setEnabled(enabled and self.isComplete())

    def _use(self, settings: DetectedSettings | None) -> None:
        self.draft.detected = settings
        self.draft.detected_for = self.draft.email
        if settings is not None:
            self.draft.use_settings(settings)

    def _end_detection(self, settings: DetectedSettings | None) -> None:
        self._detection = None
        self.busy.hide()
        self._set_inputs_enabled(True)
        self._use(settings)
        self.wizard().next()

    @Slot(object)
    def _detected(self, settings: object) -> None:
        if self._detection is self.sender():
            self._end_detection(settings if isinstance(settings, DetectedSettings) else None)

    @Slot(object)
    def _detection_failed(self, _error: object) -> None:
        if self._detection is self.sender():
            self._end_detection(None)

    @Slot()
    def skip_detection(self) -> None:
        if self._detection is not None:
            self._detection.cancel()
            self._end_detection(None)

    def cancel_detection(self) -> None:
        if self._desktop_lookup is not None:
            self._desktop_lookup.cancel()
            self._desktop_lookup = None
        if self._detection is not None:
            self._detection.cancel()
            self._detection = None

    def nextId(self) -> int:
        if self.draft.goa is not None:  # GNOME Online Accounts gave the servers and holds the sign-in
            return PAGE_TEST
        detected = self.draft.detected
        if detected is None or "none" in (detected.imap.security, detected.smtp.security):
            return PAGE_MANUAL
        if detected.oauth:  # Google or Microsoft: the browser sign-in page
            return PAGE_GOOGLE
        return PAGE_SETTINGS
