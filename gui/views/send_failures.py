"""A message that could not be sent is never silent: a bar in the main window names it and says why, with Retry and
Edit (or, when it may have gone out, Send Again and It Was Sent), and a desktop notification tells a person who is
elsewhere. The bar stays until the message is resolved — sent, retried, taken back to edit, deleted — then goes.

Messages that had failed before Facteur was started get their bar at start (without a desktop notification).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from connectors.outbox import OutboxEntry

from .notifications import Action, NotificationArea

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

Announce = Callable[[str, str], None]  # title, text: a desktop notification


def _key(entry_id: str) -> str:
    return f"send:{entry_id}"


class SendFailures(QObject):
    def __init__(self, postbox: Any, notices: NotificationArea, announce: Announce,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._postbox = postbox
        self._notices = notices
        self._announce = announce
        worker = postbox.worker
        worker.failed.connect(self._failed)
        worker.stateChanged.connect(self._state_changed)

    def show_waiting(self) -> None:
        """The messages that failed before this start (the Outbox is durable): one bar each."""
        for entry in self._postbox.outbox.entries(with_raw=False):
            if entry.state == "failed":
                self._show(entry)

    def _failed(self, entry_id: str, _text: str) -> None:
        if self._postbox.closed:
            return  # announced just before quitting: the next start shows it
        entry = self._postbox.outbox.get(entry_id)
        if entry is None or entry.state != "failed":
            return
        title = self._show(entry)
        self._announce(title, entry.last_error or translate("SendFailures", "Open the Outbox to retry or edit it."))

    def _show(self, entry: OutboxEntry) -> str:
        subject = entry.subject or translate("SendFailures", "(no subject)")
        worker = self._postbox.worker
        entry_id = entry.id
        if entry.error_kind == "interrupted":
            title = translate("SendFailures", "“%1” may have been sent").replace("%1", subject)
            actions = [Action(translate("SendFailures", "Send Again"), lambda: worker.send_now(entry_id)),
                       Action(translate("SendFailures", "It Was Sent"), lambda: worker.mark_as_sent(entry_id))]
            self._notices.show_keyed(_key(entry_id), "warning", title, entry.last_error, actions)
            return title
        title = translate("SendFailures", "“%1” could not be sent").replace("%1", subject)
        actions = [Action(translate("SendFailures", "Retry"), lambda: worker.send_now(entry_id)),
                   Action(translate("SendFailures", "Edit"), lambda: self._postbox.edit_entry(entry_id))]
        self._notices.show_keyed(_key(entry_id), "error", title, entry.last_error, actions)
        return title

    def _state_changed(self, entry_id: str, state: str) -> None:
        if state != "failed":
            self._notices.clear_keyed(_key(entry_id))  # retried, sent, taken back or deleted
