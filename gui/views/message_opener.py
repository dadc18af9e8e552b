"""Opening a message: body from the local cache or fetched by the account's worker, parsed off the GUI thread,
shown in the reader, then marked as read after the configured delay.

Every step checks that the message is still the one asked for, so a slow fetch never replaces what the person
moved on to.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from connectors.messaging.mime import parse_message
from connectors.store import MessageSummary, StoreError

from ..errors import describe_error
from ..models.formatting import full_date
from ..settings import UiSettings
from ..workers.account_session import AccountSession
from ..workers.operation import Operation
from ..workers.runner import runner
from .reader import DisplayedMessage, ReaderView, displayed, remote_allowed_for

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

Key = tuple[str, str, int]


class MessageOpener(QObject):
    markRead = Signal(str, str, int)
    """The message stayed open long enough: account id, folder, uid (the window marks it, optimistically)."""
    shown = Signal(str, str, int)
    """The message's body is on screen."""

    def __init__(self, reader: ReaderView, settings: UiSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._reader = reader
        self._settings = settings
        self._current: Key | None = None
        self._summary: MessageSummary | None = None
        self._session: AccountSession | None = None
        self._mark_timer = QTimer(self)
        self._mark_timer.setSingleShot(True)
        self._mark_timer.timeout.connect(self._mark_now)
        reader.retryRequested.connect(self.retry)

    @property
    def current(self) -> Key | None:
        return self._current

    def open(self, session: AccountSession, folder: str, summary: MessageSummary) -> None:
        key = (session.account_id, folder, summary.uid)
        if key == self._current:
            return
        self._mark_timer.stop()
        self._current, self._summary, self._session = key, summary, session
        self._reader.show_loading(subject=summary.subject, sender=_sender_text(summary), to=summary.to,
                                  cc=summary.cc, date=full_date(summary.date or summary.internal_date))
        self._load()

    def clear(self, placeholder: str) -> None:
        self._mark_timer.stop()
        self._current = self._summary = self._session = None
        self._reader.show_placeholder(placeholder)

    def retry(self) -> None:
        if self._current is not None:
            self._reader.show_error(translate("MessageOpener", "Loading message…"), can_retry=False)
            self._load()

    def forget(self, account_id: str, folder: str, uids: list[int]) -> None:
        """These messages left the list (moved, deleted): stop showing them if one is open."""
        if self._current is not None and self._current[:2] == (account_id, folder) and self._current[2] in uids:
            self.clear(translate("MessageOpener", "No message selected"))

    def _load(self) -> None:
        key, session = self._current, self._session
        assert key is not None and session is not None
        try:
            raw = session.reader.body(key[1], key[2])
        except StoreError:
            raw = None
        if raw is not None:
            self._parse(key, raw)
            return
        op = session.fetch_body(key[1], key[2])
        op.finished.connect(lambda data: self._parse(key, data) if key == self._current else None)
        op.failed.connect(lambda exc: self._fetch_failed(key, exc))

    def _fetch_failed(self, key: Key, exc: BaseException) -> None:
        if key != self._current:
            return
        problem = describe_error(exc)
        heading = translate("MessageOpener", "This message could not be downloaded.")
        self._reader.show_error(f"{heading}\n\n{problem.text}")

    def _parse(self, key: Key, raw: bytes) -> None:
        fallback = (self._summary.date or self._summary.internal_date) if self._summary else 0
        work = Operation(lambda _op: displayed(key, parse_message(raw), fallback), name="parse message")
        # Bound slots of this GUI-thread object, never lambdas: the operation moves to the parsing thread, and a
        # lambda connected to an object of another thread would run there.
        work.finished.connect(self._parsed)
        work.failed.connect(self._parse_failed)
        work.setProperty("key", list(key))
        # One parse per opener at a time: a newer message supersedes the one the person moved past.
        runner().submit(work, key=("parse", id(self)))

    @Slot(object)
    def _parsed(self, message: DisplayedMessage) -> None:
        self._show(message.key, message)

    @Slot(object)
    def _parse_failed(self, exc: BaseException) -> None:
        sender = self.sender()
        key = sender.property("key") if sender is not None else None
        if key is not None:
            self._fetch_failed((str(key[0]), str(key[1]), int(key[2])), exc)

    def _show(self, key: Key, message: DisplayedMessage) -> None:
        if key != self._current:
            return
        allowed = remote_allowed_for(message, self._settings.allows_remote_content)
        self._reader.show_message(message, allow_remote=allowed)
        self.shown.emit(*key)
        summary = self._summary
        if summary is not None and summary.unread and self._settings.mark_read_automatically:
            self._mark_timer.start(self._settings.mark_read_delay_ms)

    def _mark_now(self) -> None:
        if self._current is not None:
            self.markRead.emit(*self._current)


def _sender_text(summary: MessageSummary) -> str:
    if summary.from_name and summary.from_addr:
        return f'"{summary.from_name}" <{summary.from_addr}>'
    return summary.from_addr or summary.from_name
