"""Opening a message: body from the local cache or fetched by the account's worker, parsed off the GUI thread,
shown in the reader, then marked as read after the configured delay.

What is cached (the whole message, or the text parts an earlier opening fetched) is read, decompressed and parsed
in the runner's pool, through the session's reader pool (readers kept open between openings). At the same time,
not after, the account's worker is asked for the text unless something is cached (``fetch_for_reading(...,
unless_cached=True)``: BODYSTRUCTURE and the text parts, parsed by the worker right after the download, and cached
after that), so a message never in the cache waits for no cache read. Its attachments are downloaded when one is
saved or opened (the reader's ``downloadNeeded``). Moving on to another message cancels the fetch of the one left
behind if it has not run yet (the account's queue drops a cancelled fetch; the runner's keyed slot supersedes the
cache read), and every step checks that the message is still the one asked for, so a slow fetch never replaces
what the person moved on to.

Every parse happens in a parsing process (:mod:`gui.workers.parsing`): the pool thread or the worker waits on a
pipe, not holding the interpreter lock the GUI thread needs, and the worker caches the searchable text that parse
extracted instead of parsing the text parts again. A message whose parse overruns its time limit or kills its
process says so in the reader ("could not be read"), is not cached, and the next opening works.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from connectors.messaging.bodystructure import ReadableMessage
from connectors.messaging.mime import ParsedAttachment
from connectors.messaging.parse_process import ParseFailed, ParseResult
from connectors.store import MessageSummary, StoreError

from ..errors import describe_error
from ..models.formatting import full_date
from ..settings import UiSettings
from ..workers.account_session import AccountSession
from ..workers.operation import Operation
from ..workers.parsing import message_parser
from ..workers.runner import runner
from .reader import DisplayedMessage, ReaderView, displayed, remote_allowed_for

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate
log = logging.getLogger(__name__)

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
        self._fetching: Operation | None = None
        self._waiting: set[str] = set()  # the answers still awaited for the message being opened: "cache", "fetch"
        self._fetch_error: BaseException | None = None
        self.fetches = 0  # fetches queued for reading (tests and the bench count them)
        self._mark_timer = QTimer(self)
        self._mark_timer.setSingleShot(True)
        self._mark_timer.timeout.connect(self._mark_now)
        reader.retryRequested.connect(self.retry)
        reader.attachments.downloadNeeded.connect(self._download_attachments)

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
        self._cancel_fetch()
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
        """Two answers are asked for at once: the runner's pool reads what is cached (read, decompressed and parsed
        there, never on the GUI thread, even while the account's worker is busy syncing), and the account's worker
        fetches the text unless something is cached. The first message to arrive is shown; an error only once
        neither can show it."""
        key, session = self._current, self._session
        assert key is not None and session is not None
        self._cancel_fetch()
        readers = session.readers
        fallback = self._fallback_date()
        self._waiting = {"cache", "fetch"}
        self._fetch_error = None

        def cached(op: Operation) -> DisplayedMessage | None:
            try:
                with readers.reader() as reader:
                    found = reader.compressed_readable_body(key[1], key[2])
            except StoreError:
                return None  # the worker reads the store again, and fetches
            if found is None:
                return None
            op.check_cancelled()
            compressed, complete = found
            parsed = message_parser().parse(compressed, compressed=True, partial=not complete, for_reading=True)
            return displayed(key, parsed.message, fallback, parsed.reading)

        work = Operation(cached, name="open cached message")
        work.finished.connect(lambda message: self._cached(key, message))
        work.failed.connect(lambda exc: self._cache_failed(key, exc))
        # One read-and-parse per opener at a time: a newer message supersedes the one the person moved past.
        runner().submit(work, key=("parse", id(self)))
        self._fetch(key, unless_cached=True)

    def _fetch(self, key: Key, *, unless_cached: bool) -> None:
        session = self._session
        assert session is not None
        fallback = self._fallback_date()

        def shown(readable: ReadableMessage) -> tuple[DisplayedMessage, str | None]:
            # Parsed (in a parsing process) as soon as the worker has the text: no further hop before it is shown.
            # The searchable text comes with it, so caching the text parts does not parse them again.
            parsed = message_parser().parse(readable.raw, partial=not readable.complete, with_text=True,
                                            for_reading=True)
            return displayed(key, parsed.message, fallback, parsed.reading), parsed.text

        op = session.fetch_for_reading(key[1], key[2], shown, unless_cached=unless_cached)
        self._fetching = op
        self.fetches += 1
        op.finished.connect(lambda message: self._fetched(key, message))
        op.failed.connect(lambda exc: self._fetch_failed(key, exc))

    def _cached(self, key: Key, message: DisplayedMessage | None) -> None:
        if key != self._current or "cache" not in self._waiting:
            return
        self._waiting.discard("cache")
        if message is not None:
            self._cancel_fetch()  # the worker's answer is not needed (if it has not run yet, it never will)
            self._waiting.clear()
            self._show(key, message)
        else:
            self._neither_yet(key)

    def _cache_failed(self, key: Key, exc: BaseException) -> None:
        if key != self._current or "cache" not in self._waiting:
            return
        self._waiting.discard("cache")
        if isinstance(exc, ParseFailed):
            self._fetch_error = self._fetch_error or exc  # the message itself: downloading it again would not help
        else:
            # The cache could not be read (not the message's fault): the worker reads it itself, or downloads it.
            log.warning("Reading a cached message in the pool failed (%s): asking the account's worker",
                        type(exc).__name__)
        self._neither_yet(key)

    def _fetched(self, key: Key, message: DisplayedMessage | None) -> None:
        if key != self._current or "fetch" not in self._waiting:
            return
        self._waiting.discard("fetch")
        self._fetching = None
        if message is not None:
            self._waiting.clear()
            self._show(key, message)
        else:
            self._neither_yet(key)

    def _neither_yet(self, key: Key) -> None:
        """One answer had nothing to show: wait for the other, or, once both have answered without a message, say
        why (the worker's error), or fetch again with the worker reading the cache itself (it was cached between
        the two answers, or the pool could not read the store)."""
        if self._waiting:
            return
        if self._fetch_error is not None:
            self._show_failure(key, self._fetch_error)
            return
        self._waiting = {"fetch"}
        self._fetch(key, unless_cached=False)

    def _fallback_date(self) -> int:
        return (self._summary.date or self._summary.internal_date) if self._summary else 0

    def _cancel_fetch(self) -> None:
        """The person moved on: the fetch for the message left behind is dropped if it has not started."""
        if self._fetching is not None:
            self._fetching.cancel()
            self._fetching = None

    def _fetch_failed(self, key: Key, exc: BaseException) -> None:
        if key != self._current or "fetch" not in self._waiting:
            return
        self._waiting.discard("fetch")
        self._fetching = None
        self._fetch_error = exc
        if not self._waiting:
            self._show_failure(key, exc)

    def _show_failure(self, key: Key, exc: BaseException) -> None:
        self._waiting.clear()
        if isinstance(exc, ParseFailed):
            self._reader.show_error(translate("MessageOpener", "This message could not be read: {reason}.").format(
                reason=exc))
            return
        problem = describe_error(exc)
        heading = translate("MessageOpener", "This message could not be downloaded.")
        self._reader.show_error(f"{heading}\n\n{problem.text}")

    def _download_attachments(self) -> None:
        """An attachment of the open message is being saved or opened: its bytes were left out of what was shown
        (the message was read from its text parts, or it is cached whole with attachments too large to carry
        around). Read the whole message from the cache in the pool, else download it through the worker, then hand
        the reader its attachments with their bytes."""
        key, session = self._current, self._session
        if key is None or session is None:
            self._reader.attachments.download_failed()
            return
        readers = session.readers

        def cached(op: Operation) -> list[ParsedAttachment] | None:
            try:
                with readers.reader() as reader:
                    found = reader.compressed_readable_body(key[1], key[2])
            except StoreError:
                return None  # the worker reads the store again
            if found is None or not found[1]:
                return None  # only the text parts are cached
            op.check_cancelled()
            return _attachments(message_parser().parse(found[0], compressed=True, for_reading=True, kept_bytes=None))

        work = Operation(cached, name="read attachments")
        work.finished.connect(lambda attachments: self._cached_attachments(key, attachments))
        work.failed.connect(lambda exc: self._attachments_cache_failed(key, exc))
        runner().submit(work, key=("attachments", id(self)))

    def _attachments_cache_failed(self, key: Key, exc: BaseException) -> None:
        if isinstance(exc, ParseFailed):
            self._download_failed(key, exc)  # the message itself: downloading it again would not help
            return
        log.warning("Reading a cached message's attachments in the pool failed (%s): downloading them",
                    type(exc).__name__)
        self._cached_attachments(key, None)

    def _cached_attachments(self, key: Key, attachments: list[ParsedAttachment] | None) -> None:
        session = self._session
        if key != self._current or session is None:
            return
        if attachments is not None:
            self._reader.attachments.downloaded(attachments)
            return
        op = session.fetch_body(key[1], key[2])
        op.finished.connect(lambda raw: self._parse_attachments(key, raw))
        op.failed.connect(lambda exc: self._download_failed(key, exc))

    def _parse_attachments(self, key: Key, raw: bytes) -> None:
        if key != self._current:
            return
        work = Operation(lambda _op: _attachments(message_parser().parse(raw, for_reading=True, kept_bytes=None)),
                         name="parse attachments")
        work.finished.connect(lambda attachments: self._reader.attachments.downloaded(attachments)
                              if key == self._current else None)
        work.failed.connect(lambda exc: self._download_failed(key, exc))
        runner().submit(work, key=("attachments", id(self)))

    def _download_failed(self, key: Key, exc: BaseException) -> None:
        if key != self._current:
            return
        self._reader.attachments.download_failed()
        problem = describe_error(exc)
        self._reader.failed.emit(translate("MessageOpener", "The attachment could not be downloaded."),
                                 problem.text)

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


def _attachments(parsed: ParseResult) -> list[ParsedAttachment]:
    """The attachments the reader lists, with every byte (``kept_bytes=None``): what saving or opening one needs."""
    assert parsed.reading is not None
    return parsed.reading.attachments


def _sender_text(summary: MessageSummary) -> str:
    if summary.from_name and summary.from_addr:
        return f'"{summary.from_name}" <{summary.from_addr}>'
    return summary.from_addr or summary.from_name
