"""One draft's writes to the local drafts store, off the GUI thread and in the order they were asked.

A draft with a 25 MB attachment takes a while to hash and write (``synchronous = FULL``), and sending it takes longer
(the message is built, base64 and all): none of it runs on the GUI thread. Each draft has one :class:`DraftWriter`,
owned by the Postbox so that it outlives a composer that closed while its last write runs.

* **In order.** Writes run one at a time in the runner's pool, in the order asked, so an older save never
  overwrites a newer one and a "queued" or "saved" state is never undone by an autosave that was still on its way.
* **Only the newest save.** A save asked while another save waits replaces it (nothing else is skipped).
* **Said when done.** ``then`` callbacks and ``saved`` come once the write is committed: the UI says "saved" only
  when the draft is on disk.
* **Bytes once.** Attachment bytes go to the store once per attachment object (kept by identity, the object held
  so its id() is never reused by another); a save only writes the small JSON part after that.
* **Quitting.** :meth:`flush` (on the GUI thread) waits for the write that runs and does the rest in place, so
  nothing asked is lost when the stores close.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from connectors.messaging.compose import Attachment
from connectors.outbox import Draft, DraftAttachment, DraftStore
from connectors.outbox.drafts import DraftState
from gui.workers.operation import Operation
from gui.workers.runner import INTERACTIVE, runner

log = logging.getLogger(__name__)

Known = dict[int, tuple[Attachment, str]]
"""id(attachment) -> (the attachment, kept alive; the sha256 of its bytes in the drafts store)."""


@dataclass
class _Write:
    """One thing to write: a save of the draft (``draft`` and its ``attachments``), or other ``work``."""

    draft: Draft | None = None
    attachments: tuple[Attachment, ...] = ()
    state: DraftState = "editing"
    work: Callable[[DraftStore, Draft | None], Any] | None = None
    """After the save (if any): more to do in the same step, e.g. queue the message in the Outbox."""
    then: list[Callable[[Any], None]] | None = None
    failed: list[Callable[[BaseException], None]] | None = None

    @property
    def plain_save(self) -> bool:
        return self.draft is not None and self.work is None


def store_attachments(drafts: DraftStore, attachments: Sequence[Attachment],
                      known: Known) -> tuple[tuple[DraftAttachment, ...], Known]:
    """Put the bytes of attachments not stored yet; returns the draft's items and what is known now."""
    items = []
    now: Known = {}
    for attachment in attachments:
        entry = known.get(id(attachment))
        digest = entry[1] if entry is not None and entry[0] is attachment else drafts.put_blob(attachment.data)
        now[id(attachment)] = (attachment, digest)
        items.append(DraftAttachment(attachment.filename, attachment.content_type, digest, len(attachment.data)))
    return tuple(items), now


class DraftWriter(QObject):
    saved = Signal(object)  # the Draft as committed
    failed = Signal(object)  # the exception
    drained = Signal()  # nothing left to write

    def __init__(self, drafts: DraftStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._drafts = drafts
        self._pending: list[_Write] = []
        self._known: Known = {}
        self._running: tuple[_WriteOperation, _Write] | None = None
        self._lock = threading.Lock()
        self._started: set[int] = set()  # id() of operations whose work began (under _lock)
        self._abandoned: set[int] = set()  # id() of operations flush() took back before they began
        self._ended = threading.Event()

    # -- asking (GUI thread) ---------------------------------------------------------------------------------

    def save(self, draft: Draft, attachments: Sequence[Attachment], state: DraftState = "editing", *,
             then: Callable[[Any], None] | None = None,
             failed: Callable[[BaseException], None] | None = None) -> None:
        """Write ``draft`` with ``attachments`` (their bytes stored first, once each) in ``state``."""
        write = _Write(draft, tuple(attachments), state, None, [then] if then else [], [failed] if failed else [])
        last = self._pending[-1] if self._pending else None
        if last is not None and last.plain_save:
            # The newest save is all that matters; whoever waited on the one it replaces hears of this one.
            write.then = [*(last.then or []), *(write.then or [])]
            write.failed = [*(last.failed or []), *(write.failed or [])]
            self._pending[-1] = write
        else:
            self._pending.append(write)
        self._next()

    def run(self, work: Callable[[DraftStore, Draft | None], Any], *, draft: Draft | None = None,
            attachments: Sequence[Attachment] = (), state: DraftState = "editing",
            then: Callable[[Any], None] | None = None,
            failed: Callable[[BaseException], None] | None = None) -> None:
        """After the writes asked before: save ``draft`` if given, then ``work(drafts, saved_draft)``, in one step;
        ``then`` receives what ``work`` returned."""
        self._pending.append(_Write(draft, tuple(attachments), state, work, [then] if then else [],
                                    [failed] if failed else []))
        self._next()

    def know(self, attachment: Attachment, digest: str) -> None:
        """``attachment``'s bytes are in the store already, as ``digest`` (a draft reopened)."""
        self._known[id(attachment)] = (attachment, digest)

    def busy(self) -> bool:
        return self._running is not None or bool(self._pending)

    # -- running ---------------------------------------------------------------------------------------------

    def _execute(self, write: _Write, known: Known) -> tuple[Any, Draft | None, Known]:
        saved: Draft | None = None
        if write.draft is not None:
            items, known = store_attachments(self._drafts, write.attachments, known)
            saved = self._drafts.save(replace(write.draft, attachments=items), state=write.state)
        result = write.work(self._drafts, saved) if write.work is not None else saved
        return result, saved, known

    def _next(self) -> None:
        if self._running is not None or not self._pending:
            return
        write = self._pending.pop(0)
        op = _WriteOperation(self, write, dict(self._known))
        self._running = (op, write)
        self._ended.clear()
        # Bound slots, never lambdas holding the write: an operation's connections must not keep its attachments'
        # bytes alive after it ended.
        op.finished.connect(self._op_finished)
        op.failed.connect(self._op_failed)
        op.cancelled.connect(self._op_cancelled)
        runner().submit(op, priority=INTERACTIVE)

    def _ended_op(self) -> tuple[_WriteOperation, _Write] | None:
        op = self.sender()
        if not isinstance(op, _WriteOperation) or op.write is None:
            return None
        write, op.write = op.write, None
        return op, write

    @Slot(object)
    def _op_finished(self, outcome: tuple[Any, Draft | None, Known]) -> None:
        ended = self._ended_op()
        if ended is not None:
            self._done(*ended, outcome)

    @Slot(object)
    def _op_failed(self, exc: BaseException) -> None:
        ended = self._ended_op()
        if ended is not None:
            self._failed(*ended, exc)

    @Slot()
    def _op_cancelled(self) -> None:
        ended = self._ended_op()
        if ended is not None:
            self._dropped(*ended)

    def _begin(self, op: _WriteOperation) -> bool:
        """In the pool: may this write begin? (False once flush() took it back.)"""
        with self._lock:
            if id(op) in self._abandoned:
                return False
            self._started.add(id(op))
            return True

    def _finish(self, op: _WriteOperation) -> bool:
        """The operation ended; False if flush() already dealt with it."""
        with self._lock:
            abandoned = id(op) in self._abandoned
            self._abandoned.discard(id(op))
            self._started.discard(id(op))
        if self._running is not None and self._running[0] is op:
            self._running = None
        return not abandoned

    def _done(self, op: _WriteOperation, write: _Write, outcome: tuple[Any, Draft | None, Known]) -> None:
        if not self._finish(op):
            return
        self._delivered(write, outcome)
        self._after()

    def _delivered(self, write: _Write, outcome: tuple[Any, Draft | None, Known]) -> None:
        result, saved, known = outcome
        if write.draft is not None:
            self._known = known
        if saved is not None:
            self.saved.emit(saved)
        for then in write.then or []:
            try:
                then(result)
            except RuntimeError as exc:  # the composer that asked was closed meanwhile (quitting)
                log.debug("A draft write's caller is gone: %s", exc)

    def _failed(self, op: _WriteOperation, write: _Write, exc: BaseException) -> None:
        if not self._finish(op):
            return
        self._report(write, exc)
        self._after()

    def _report(self, write: _Write, exc: BaseException) -> None:
        log.warning("A draft could not be written: %s", exc)
        self.failed.emit(exc)
        for failed in write.failed or []:
            try:
                failed(exc)
            except RuntimeError as gone:  # the composer that asked was closed meanwhile
                log.debug("A draft write's caller is gone: %s", gone)

    def _dropped(self, op: _WriteOperation, write: _Write) -> None:
        """The runner dropped it before it ran (it is stopping): kept first in line for flush() or the next write,
        never lost, never submitted again to a runner that is stopping."""
        if not self._finish(op):
            return
        self._pending.insert(0, write)

    def _after(self) -> None:
        if self._pending:
            self._next()
        else:
            self.drained.emit()

    # -- quitting (GUI thread) -------------------------------------------------------------------------------

    def flush(self) -> None:
        """Write everything asked, now: wait for the write that runs, then do the rest in place."""
        if self._running is not None:
            op, write = self._running
            with self._lock:
                started = id(op) in self._started
                if not started:
                    self._abandoned.add(id(op))
            if started:
                self._ended.wait()  # its outcome is delivered later, by the event loop
            else:
                self._pending.insert(0, write)
                self._running = None
                runner().cancel(op)
        while self._pending:
            write = self._pending.pop(0)
            try:
                outcome = self._execute(write, dict(self._known))
            except Exception as exc:  # noqa: BLE001 - one failed write must not stop the others being written
                self._report(write, exc)
            else:
                self._delivered(write, outcome)


class _WriteOperation(Operation):
    """A write in the pool. Once begun it always ends with finished or failed, even if cancelled meanwhile (quitting
    cancels what runs): its outcome must be known, so that nothing is written twice."""

    def __init__(self, writer: DraftWriter, write: _Write, known: Known) -> None:
        super().__init__(name="write draft")
        self._writer = writer
        self.write: _Write | None = write
        """Taken by the writer when the outcome arrives (so the attachments are let go)."""
        self._known = known

    def run(self) -> None:
        write = self.write
        if write is None or not self._writer._begin(self):  # noqa: SLF001 - the writer's own operation
            self.say("cancelled")
            self.say("done")
            return
        known, self._known = self._known, {}
        try:
            outcome = self._writer._execute(write, known)  # noqa: SLF001
        except Exception as exc:  # noqa: BLE001 - every failure must reach the GUI as a signal
            self._writer._ended.set()  # noqa: SLF001
            self.say("failed", exc)
        else:
            self._writer._ended.set()  # noqa: SLF001
            self.say("finished", outcome)
        self.say("done")
