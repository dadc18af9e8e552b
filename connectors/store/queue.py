"""The durable offline command queue: user actions waiting to be replayed on the server.

The worker applies a user action to the store at once (optimistic), enqueues it, replays it when online, then
``complete()``s it; if the server refuses, ``rollback()`` puts the affected summaries back as they were when the
command was enqueued. Commands come back from ``pending()`` in enqueue order; whether a failed command blocks the
ones after it is the worker's policy (same-folder commands usually must not overtake each other).

UIDs mean something only under their folder's UIDVALIDITY, so each command records the UIDVALIDITY the store
knew when it was queued and the Message-IDs of its messages: a replay that finds another UIDVALIDITY on the
server finds the messages again by Message-ID (``retarget``) or gives the command up (``discard``), and never
applies it to whatever messages carry those UIDs now.
"""

# SQL in this module is assembled only from its own constants and "?" placeholders; every value a caller
# or user supplies is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import StoreError
from .messages import MessageWrites
from .models import MessageSummary

# Suggested kinds; the queue stores any non-empty string.
FLAGS = "flags"  # args: {"add": [...], "remove": [...]}
MOVE = "move"  # args: {"destination": "Archive"}
DELETE = "delete"  # args: {"trash": "Trash"}: a move to the Trash found when the person deleted
EXPUNGE = "expunge"  # args: {}: \\Deleted + UID EXPUNGE, for good; only ever queued after the person confirmed

_COLUMNS = "id, kind, folder, uids, args, snapshot, created_at, attempts, last_error, uidvalidity, message_ids"


@dataclass(frozen=True, slots=True)
class Command:
    id: int
    kind: str
    folder: str
    uids: tuple[int, ...]
    args: Mapping[str, Any] = field(hash=False)
    previous: tuple[MessageSummary, ...] = field(repr=False)
    """The summaries of ``uids`` as they were when the command was enqueued (what ``rollback`` restores)."""
    created_at: float
    attempts: int
    last_error: str | None
    uidvalidity: int | None = None
    """The folder's UIDVALIDITY when the command was queued (None: the folder had never been synchronised)."""
    message_ids: Mapping[int, str] = field(default_factory=dict, hash=False)
    """Message-ID of each UID the store knew it for, to find the messages again after a UIDVALIDITY change."""


def _summary_json(summary: MessageSummary) -> dict[str, Any]:
    data = asdict(summary)
    data["flags"] = sorted(summary.flags)
    data["gm_labels"] = list(summary.gm_labels)
    return data


def _summary_from_json(data: dict[str, Any]) -> MessageSummary:
    data = dict(data)
    data["flags"] = frozenset(data.get("flags", ()))
    data["gm_labels"] = tuple(data.get("gm_labels", ()))
    return MessageSummary(**data)


def _command_from_row(row: tuple[Any, ...]) -> Command:
    command_id, kind, folder, uids, args, snapshot, created_at, attempts, last_error, uidvalidity, message_ids = row
    return Command(
        id=command_id,
        kind=kind,
        folder=folder,
        uids=tuple(json.loads(uids)),
        args=json.loads(args),
        previous=tuple(_summary_from_json(item) for item in json.loads(snapshot)),
        created_at=created_at,
        attempts=attempts,
        last_error=last_error,
        uidvalidity=uidvalidity,
        message_ids={int(uid): str(message_id) for uid, message_id in json.loads(message_ids).items()},
    )


class CommandQueue(MessageWrites):
    def enqueue(
        self, kind: str, folder: str, uids: Iterable[int], args: Mapping[str, Any] | None = None
    ) -> int:
        """Queue a command; call it *before* applying the optimistic change. Returns the command id.

        ``args`` must be JSON-serialisable. The current summaries of ``uids`` are saved with the command, and
        with them the folder's UIDVALIDITY and the messages' Message-IDs.
        """
        if not kind:
            raise ValueError("A queued command needs a kind")
        uid_list = [int(uid) for uid in uids]
        try:
            args_json = json.dumps(dict(args or {}), sort_keys=True)
        except (TypeError, ValueError) as error:
            raise ValueError(f"Arguments of a queued {kind!r} command must be JSON values: {error}") from None
        with self._write():
            known = self.folder(folder)
            previous = self.summaries_for(folder, uid_list) if known is not None else []
            message_ids = {str(s.uid): s.message_id for s in previous if s.message_id}
            cursor = self._conn.execute(
                "INSERT INTO commands (kind, folder, uids, args, snapshot, created_at, uidvalidity, message_ids) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    kind,
                    folder,
                    json.dumps(uid_list),
                    args_json,
                    json.dumps([_summary_json(summary) for summary in previous]),
                    time.time(),
                    None if known is None else known.uidvalidity,
                    json.dumps(message_ids),
                ),
            )
            command_id = cursor.lastrowid
        assert command_id is not None
        return command_id

    def requeue(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Queue again commands read from a damaged store's ``commands`` table (rows as dicts of its columns), in
        their order, keeping the UIDVALIDITY and Message-IDs they were made under. Rows too damaged to be a command
        are skipped. Returns how many were queued."""
        kept = 0
        with self._write():
            for row in rows:
                # Without a UIDVALIDITY (an older store) the replay cannot aim it: it is reported dropped, never
                # run blind.
                defaults = {"args": "{}", "snapshot": "[]", "message_ids": "{}", "attempts": 0}
                try:
                    command = _command_from_row(tuple(row.get(name, defaults.get(name)) or defaults.get(name)
                                                      for name in _COLUMNS.split(", ")))
                except (TypeError, ValueError, KeyError, AttributeError):
                    continue
                if not command.kind or not command.folder:
                    continue
                self._conn.execute(
                    "INSERT INTO commands (kind, folder, uids, args, snapshot, created_at, attempts, last_error, "
                    "uidvalidity, message_ids) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (command.kind, command.folder, json.dumps(list(command.uids)), json.dumps(dict(command.args)),
                     json.dumps([_summary_json(summary) for summary in command.previous]),
                     float(command.created_at or time.time()), int(command.attempts or 0), command.last_error,
                     command.uidvalidity,
                     json.dumps({str(uid): mid for uid, mid in command.message_ids.items()})),
                )
                kept += 1
        return kept

    def pending(self) -> list[Command]:
        """Every command not yet completed or rolled back, oldest first (failed ones included)."""
        with self._reading() as conn:
            rows = conn.execute(f"SELECT {_COLUMNS} FROM commands ORDER BY id").fetchall()
        return [_command_from_row(row) for row in rows]

    def command(self, command_id: int) -> Command | None:
        with self._reading() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM commands WHERE id = ?", (command_id,)).fetchone()
        return None if row is None else _command_from_row(row)

    def complete(self, command_id: int) -> None:
        """The server carried the command out: forget it."""
        with self._write():
            if self._conn.execute("DELETE FROM commands WHERE id = ?", (command_id,)).rowcount == 0:
                raise StoreError(f"There is no queued command {command_id}")

    def fail(self, command_id: int, error: str) -> None:
        """An attempt failed; the command stays queued with its attempt count and the last error."""
        with self._write():
            cursor = self._conn.execute(
                "UPDATE commands SET attempts = attempts + 1, last_error = ? WHERE id = ?", (error, command_id)
            )
            if cursor.rowcount == 0:
                raise StoreError(f"There is no queued command {command_id}")

    def retarget(self, command_id: int, found: Mapping[int, int], uidvalidity: int) -> Command:
        """The command's messages were found again under a new UIDVALIDITY (``found`` maps each old UID to its new
        one; messages not found are left out): from now on it means those UIDs. Returns the updated command.

        Its snapshot is dropped: it describes the messages' old life, so a later rollback restores nothing and the
        folder's next sync shows the server's state."""
        with self._write():
            command = self.command(command_id)
            if command is None:
                raise StoreError(f"There is no queued command {command_id}")
            uids = [found[uid] for uid in command.uids if uid in found]
            message_ids = {str(found[uid]): command.message_ids[uid] for uid in command.uids
                           if uid in found and uid in command.message_ids}
            self._conn.execute(
                "UPDATE commands SET uids = ?, uidvalidity = ?, message_ids = ?, snapshot = '[]' WHERE id = ?",
                (json.dumps(uids), uidvalidity, json.dumps(message_ids), command_id),
            )
            updated = self.command(command_id)
        assert updated is not None
        return updated

    def discard(self, command_id: int) -> None:
        """Give a command up without restoring anything (its UIDs no longer name its messages): the next sync
        of its folder shows the server's state."""
        with self._write():
            if self._conn.execute("DELETE FROM commands WHERE id = ?", (command_id,)).rowcount == 0:
                raise StoreError(f"There is no queued command {command_id}")

    def rollback(self, command_id: int) -> None:
        """The server refused the command: restore the saved summaries and forget the command.

        Messages still present get their saved flags and labels back (MessagesChanged); messages the
        optimistic update removed are stored again (MessagesAdded, without their cached bodies).
        """
        with self._write():
            command = self.command(command_id)
            if command is None:
                raise StoreError(f"There is no queued command {command_id}")
            self._conn.execute("DELETE FROM commands WHERE id = ?", (command_id,))
            folder = self.folder(command.folder)
            stale = folder is not None and None not in (folder.uidvalidity, command.uidvalidity) \
                and folder.uidvalidity != command.uidvalidity
            # After a UIDVALIDITY change the saved UIDs name other messages: putting them back would mix lives.
            if command.previous and folder is not None and not stale:
                saved_uids = [summary.uid for summary in command.previous]
                present_uids = {summary.uid for summary in self.summaries_for(command.folder, saved_uids)}
                self.update_flags(command.folder, {s.uid: s.flags for s in command.previous if s.uid in present_uids})
                self.update_labels(
                    command.folder, {s.uid: s.gm_labels for s in command.previous if s.uid in present_uids}
                )
                self.add_messages(command.folder, [s for s in command.previous if s.uid not in present_uids])
