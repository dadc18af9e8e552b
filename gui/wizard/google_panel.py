"""The "Sign in with Google/Microsoft" panel (any provider of connectors.oauth_providers): opens the browser,
waits (with Cancel and a time limit), reports the tokens.

Used by the wizard's sign-in page and by the "sign in again" dialog. While it waits, a loopback listener in a
worker thread expects the browser's redirect (see :mod:`gui.oauth_flow`); the GUI never blocks.
"""

from __future__ import annotations

import html
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from connectors.exceptions import ConnectorError
from connectors.messaging.oauth_utils import OAuth2Manager

from ..accounts import OAuthClient
from ..errors import describe_error
from ..oauth_client import ClientRegistration, remember_client, remember_client_secret_file
from ..oauth_flow import GoogleSignIn, open_in_browser
from ..workers.runner import runner
from .labels import hint_label
from .services import WizardServices

ERROR_STYLE = "color: #b3261e;"
SIGN_IN_STYLE = (
    "QPushButton { background: #1a73e8; color: white; font-weight: bold; padding: 8px 18px; "
    "border-radius: 4px; } QPushButton:disabled { background: #9bbcf0; }"
)


class GoogleSignInPanel(QWidget):
    signedIn = Signal(object)  # the token dict; ``manager`` and ``oauth`` then describe the sign-in
    busyChanged = Signal(bool)

    def __init__(self, services: WizardServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.email = ""
        self.provider_id = "google"  # an entry of connectors.oauth_providers
        self.manager: OAuth2Manager | None = None
        self.oauth: OAuthClient | None = None
        self._operation: GoogleSignIn | None = None
        self._pending_manager: OAuth2Manager | None = None
        self._deadline = 0.0
        self._url = ""
        self.setObjectName("googleSignInPanel")

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._build_idle())
        self.stack.addWidget(self._build_waiting())
        self.stack.addWidget(self._build_done())
        self.stack.currentChanged.connect(self._fit_stack)
        self._fit_stack(0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
        self.refresh_client()

    # -- building ---------------------------------------------------------------------------------------------

    def _build_idle(self) -> QWidget:
        page = QWidget(self)
        self.sign_in_button = QPushButton(page)
        self.sign_in_button.setObjectName("signInButton")
        self.sign_in_button.setStyleSheet(SIGN_IN_STYLE)
        self.sign_in_button.clicked.connect(self.start)
        self.explanation = explanation = hint_label("", page)
        self.error_label = QLabel(page)
        self.error_label.setObjectName("signInError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()

        self.client_box = QGroupBox(page)
        self.client_box.setObjectName("googleClientBox")
        self.client_text = client_text = QLabel(self.client_box)
        client_text.setWordWrap(True)
        client_text.setOpenExternalLinks(True)
        self.choose_button = choose = QPushButton(self.tr("Choose client_secret.json…"), self.client_box)
        choose.setObjectName("chooseClientFileButton")
        choose.clicked.connect(self._choose_client_file)
        self.client_id_edit = QLineEdit(self.client_box)
        self.client_id_edit.setObjectName("clientIdEdit")
        self.client_secret_edit = QLineEdit(self.client_box)
        self.client_secret_edit.setObjectName("clientSecretEdit")
        save = QPushButton(self.tr("Use this client"), self.client_box)
        save.setObjectName("saveClientButton")
        save.clicked.connect(self._save_client)
        self.client_error = QLabel(self.client_box)
        self.client_error.setStyleSheet(ERROR_STYLE)
        self.client_error.setWordWrap(True)
        self.client_error.hide()
        form = QFormLayout()
        form.addRow(self.tr("Client ID:"), self.client_id_edit)
        form.addRow(self.tr("Client secret:"), self.client_secret_edit)
        self.client_form = form
        choose_row = QHBoxLayout()
        choose_row.addWidget(choose)
        choose_row.addStretch(1)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(save)
        box_layout = QVBoxLayout(self.client_box)
        box_layout.addWidget(client_text)
        box_layout.addLayout(choose_row)
        box_layout.addLayout(form)
        box_layout.addLayout(save_row)
        box_layout.addWidget(self.client_error)

        row = QHBoxLayout()
        row.addWidget(self.sign_in_button)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(explanation)
        layout.addWidget(self.error_label)
        layout.addWidget(self.client_box)
        layout.addStretch(1)
        return page

    def _build_waiting(self) -> QWidget:
        page = QWidget(self)
        page.setObjectName("signInWaiting")
        heading = QLabel(self.tr("<b>Continue in your browser</b>"), page)
        self.waiting_text = text = QLabel(page)
        text.setWordWrap(True)
        busy = QProgressBar(page)
        busy.setRange(0, 0)
        busy.setTextVisible(False)
        busy.setMaximumHeight(8)
        self.countdown_label = QLabel(page)
        self.countdown_label.setObjectName("signInCountdown")
        self.link_label = QLabel(page)
        self.link_label.setObjectName("signInLink")
        self.link_label.setWordWrap(True)
        self.link_label.setOpenExternalLinks(True)
        self.link_label.hide()
        reopen = QPushButton(self.tr("&Open the browser again"), page)
        reopen.setObjectName("reopenBrowserButton")
        reopen.clicked.connect(lambda: self._open_browser())
        copy = QPushButton(self.tr("Cop&y the link"), page)
        copy.setObjectName("copySignInLinkButton")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self._url))
        self.cancel_button = QPushButton(self.tr("&Cancel sign-in"), page)
        self.cancel_button.setObjectName("cancelSignInButton")
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(reopen)
        buttons.addWidget(copy)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addWidget(busy)
        layout.addWidget(self.countdown_label)
        layout.addWidget(self.link_label)
        layout.addLayout(buttons)
        layout.addStretch(1)
        return page

    def _build_done(self) -> QWidget:
        page = QWidget(self)
        self.done_label = QLabel(page)
        self.done_label.setObjectName("signedInLabel")
        self.done_label.setWordWrap(True)
        again = QPushButton(self.tr("Sign in &again"), page)
        again.setObjectName("signInAgainButton")
        again.clicked.connect(self.start)
        row = QHBoxLayout()
        row.addWidget(again)
        row.addStretch(1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.done_label)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _fit_stack(self, index: int) -> None:
        # A stack is as tall as its tallest page; only the page shown should count.
        for i in range(self.stack.count()):
            policy = QSizePolicy.Policy.Preferred if i == index else QSizePolicy.Policy.Ignored
            page = self.stack.widget(i)
            if page is not None:
                page.setSizePolicy(policy, policy)
        self.stack.adjustSize()

    # -- the OAuth client -------------------------------------------------------------------------------------

    def client(self) -> ClientRegistration | None:
        return self.services.find_client(self.provider_id)

    def provider_name(self) -> str:
        return self.services.oauth_provider(self.provider_id).name

    def _apply_provider(self) -> None:
        """The texts that name the provider, and the client fields it needs (Microsoft's client has no secret)."""
        name = self.provider_name()
        self.sign_in_button.setText(self.tr("Sign in with {provider}").format(provider=name))
        self.explanation.setText(self.tr(
            "Your browser opens {provider}'s sign-in page. Facteur never sees your {provider} password; "
            "{provider} gives it a key to your mail that you can revoke at any time.").format(provider=name))
        self.waiting_text.setText(self.tr(
            "Sign in to {provider} there and allow Facteur to use your mail. Then come back here: "
            "Facteur goes on by itself.").format(provider=name))
        self.client_box.setTitle(self.tr("{provider} needs to know which app is asking").format(provider=name))
        google = self.provider_id == "google"
        if google:
            self.client_text.setText(self.tr(
                "This copy of Facteur was built without a Google client: create a “Desktop app” OAuth client "
                "(<a href=\"{url}\">as Google explains</a>) and choose its <i>client_secret.json</i> or enter its "
                "ID and secret here, or set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET."
            ).format(url=self.services.oauth_provider(self.provider_id).help_url))
        else:
            self.client_text.setText(self.tr(
                "This copy of Facteur was built without a Microsoft application ID: register a public client "
                "(<a href=\"{url}\">as Microsoft explains</a>, platform “Mobile and desktop applications”, redirect "
                "http://localhost) and enter its application ID here, or set MICROSOFT_CLIENT_ID."
            ).format(url=self.services.oauth_provider(self.provider_id).help_url))
        self.choose_button.setVisible(google)
        self.client_form.setRowVisible(self.client_secret_edit, google)

    def refresh_client(self) -> None:
        self._apply_provider()
        has_client = self.client() is not None
        self.client_box.setVisible(not has_client)
        self.sign_in_button.setEnabled(has_client)

    def use_client_secret_file(self, path: Path) -> bool:
        try:
            remember_client_secret_file(path, self.provider_id)
        except ValueError as exc:
            self.client_error.setText(str(exc))
            self.client_error.show()
            return False
        self.client_error.hide()
        self.refresh_client()
        return True

    def _choose_client_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the client secret file"), str(Path.home()), self.tr("Google client secret (*.json)")
        )
        if name:
            self.use_client_secret_file(Path(name))

    def _save_client(self) -> None:
        try:
            remember_client(self.client_id_edit.text(), self.client_secret_edit.text(), self.provider_id)
        except ValueError:
            self.client_error.setText(self.tr("Enter the client ID."))
            self.client_error.show()
            return
        self.client_error.hide()
        self.refresh_client()

    # -- signing in -------------------------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._operation is not None

    @Slot()
    def start(self) -> None:
        client = self.client()
        if client is None or self._operation is not None:
            self.refresh_client()
            return
        oauth = self.services.oauth_client(client)
        try:
            manager = self.services.oauth_manager(oauth, client.client_secret)
            operation = GoogleSignIn(manager, login_hint=self.email or None, timeout=self.services.sign_in_timeout)
        except (ConnectorError, OSError) as exc:
            self._show_error(exc)
            return
        self.manager, self.oauth = None, oauth
        self._pending_manager = manager
        operation.finished.connect(self._finished)
        operation.failed.connect(self._failed)
        operation.cancelled.connect(self._cancelled)
        self._operation = operation
        self._url = operation.authorization_url
        self._deadline = time.monotonic() + self.services.sign_in_timeout
        self.error_label.hide()
        self.stack.setCurrentIndex(1)
        self._tick()
        self._countdown.start()
        self.busyChanged.emit(True)
        runner().submit(operation)
        self._open_browser()

    def _open_browser(self) -> None:
        if not open_in_browser(self._url):
            self.link_label.setText(
                self.tr(
                    'No browser could be opened. Open this link yourself: <a href="{url}">sign in with {provider}</a>'
                ).format(url=self._url, provider=html.escape(self.provider_name()))
            )
            self.link_label.show()

    def _tick(self) -> None:
        remaining = max(0, int(self._deadline - time.monotonic()))
        self.countdown_label.setText(
            self.tr("This sign-in expires in {minutes}:{seconds:02d}.").format(
                minutes=remaining // 60, seconds=remaining % 60
            )
        )

    def _end(self) -> None:
        self._operation = None
        self._countdown.stop()
        self.link_label.hide()
        self.busyChanged.emit(False)

    @Slot()
    def cancel(self) -> None:
        """Stop waiting: the listener closes within a moment and the panel is ready to start again."""
        if self._operation is not None:
            self._operation.cancel()
            self._end()
            self.stack.setCurrentIndex(0)

    @Slot(object)
    def _finished(self, tokens: Any) -> None:
        if self.sender() is not self._operation:
            return
        self._end()
        self.manager = self._pending_manager
        self.done_label.setText(self.tr("✓ Signed in with {provider} as {email}.").format(
            provider=self.provider_name(), email=self.email))
        self.stack.setCurrentIndex(2)
        self.signedIn.emit(tokens)

    @Slot(object)
    def _failed(self, error: Any) -> None:
        if self.sender() is not self._operation:
            return
        self._end()
        self._show_error(error)

    @Slot()
    def _cancelled(self) -> None:
        if self.sender() is self._operation:
            self._end()
            self.stack.setCurrentIndex(0)

    def _show_error(self, error: BaseException) -> None:
        message = describe_error(error)
        self.error_label.setText(
            self.tr("<b>The sign-in did not complete.</b> {detail}").format(detail=html.escape(message.text))
        )
        self.error_label.show()
        self.stack.setCurrentIndex(0)

    def reset(self) -> None:
        self.cancel()
        self.manager = None
        self.error_label.hide()
        self.stack.setCurrentIndex(0)
        self.refresh_client()
