"""Undoing what the person did to messages: a flag change, a move, a move to the Trash.

A command the server has not seen yet (offline, or still queued) is taken back from the queue and its optimistic
change reversed in the store: nothing reaches the server. A command already carried out is answered by its
inverse, queued and replayed like any other command:

* flags: each message gets back exactly the flags the command changed (a message that was already read before
  "Mark as Read" stays read); Gmail labels likewise;
* a move (or a move to the Trash): the messages are found in the folder they went to by Message-ID (their UIDs
  there were never known) and moved back. Until that is done the store shows them where they were, under their
  old UIDs; afterwards those rows are replaced by the messages' new UIDs. Messages without a Message-ID cannot be
  found again and are reported, never guessed.

Permanent deletes are not undoable.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from ..exceptions import ConnectionError, MessageError
from ..store import Command, MailStore

if TYPE_CHECKING:
    from ..messaging.imap import IMAPConnector

log = logging.getLogger(__name__)

FetchHeaders = Callable[["IMAPConnector", str, Sequence[int]], None]
"""Stores the summaries of some UIDs of a folder (the engine's batched header fetch)."""

FLAGS = "flags"
MOVE = "move"
DELETE = "delete"
LABELS = "labels"
"""Gmail: args {"add": [...], "remove": [...]} X-GM-LABELS values, on All Mail (a move between labels' views, an
archive). \\Starred stands for the \\Flagged flag."""
RESTORE = "restore"
"""folder: where the messages are now; args: {"destination": where they go back, "message_ids": [...],
"stand_ins": [UIDs shown meanwhile in the destination]}. Queued only by an undo."""

UNDOABLE = (FLAGS, MOVE, DELETE, LABELS)


class NotUndoable(MessageError):
    """This command cannot be undone (a permanent delete, or messages the server can no longer be asked about)."""


def _lower(flags: Iterable[str]) -> set[str]:
    return {flag.lower() for flag in flags}


def inverse_flags(command: Command) -> list[tuple[list[int], list[str], list[str]]]:
    """(uids, add, remove) groups that give each message of ``command`` back the flags it changed."""
    add = [str(flag) for flag in command.args.get("add", ())]
    remove = [str(flag) for flag in command.args.get("remove", ())]
    before = {summary.uid: _lower(summary.flags) for summary in command.previous}
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[int]] = {}
    for uid in command.uids:
        had = before.get(uid)
        if had is None:  # never known to the store: undo what was asked
            back_add, back_remove = remove, add
        else:
            back_remove = [flag for flag in add if flag.lower() not in had]
            back_add = [flag for flag in remove if flag.lower() in had]
        if back_add or back_remove:
            groups.setdefault((tuple(back_add), tuple(back_remove)), []).append(uid)
    return [(uids, list(back_add), list(back_remove)) for (back_add, back_remove), uids in groups.items()]


def inverse_labels(command: Command) -> list[tuple[list[int], list[str], list[str]]]:
    """(uids, add, remove) groups that give each message of a labels command back the labels it changed."""
    add = [str(label) for label in command.args.get("add", ())]
    remove = [str(label) for label in command.args.get("remove", ())]
    before = {summary.uid: set(summary.gm_labels) | ({"\\Starred"} if "\\flagged" in _lower(summary.flags) else set())
              for summary in command.previous}
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[int]] = {}
    for uid in command.uids:
        had = before.get(uid)
        if had is None:
            back_add, back_remove = remove, add
        else:
            back_remove = [label for label in add if label not in had]
            back_add = [label for label in remove if label in had]
        if back_add or back_remove:
            groups.setdefault((tuple(back_add), tuple(back_remove)), []).append(uid)
    return [(uids, list(back_add), list(back_remove)) for (back_add, back_remove), uids in groups.items()]


def destination_of(command: Command) -> str:
    """Where a move or a move to the Trash took the messages."""
    if command.kind == MOVE:
        return str(command.args["destination"])
    trash = command.args.get("trash")
    if command.kind != DELETE or not trash:
        raise NotUndoable(f"A {command.kind!r} command cannot be undone")
    return str(trash)


def take_back(store: MailStore, command: Command) -> None:
    """``command`` is still queued: forget it and reverse its optimistic change in the store."""
    if command.kind == FLAGS:
        with store.batch():
            store.discard(command.id)
            for uids, add, remove in inverse_flags(command):
                store.change_flags(command.folder, uids, add=add, remove=remove)
    else:
        store.rollback(command.id)  # stores the moved summaries again


def current_uids(store: MailStore, command: Command) -> dict[int, int]:
    """The UID each message of ``command`` has now in its folder: the same, or, for a message moved away and back
    since (an undone move), the new one found by its Message-ID."""
    present = {summary.uid for summary in store.summaries_for(command.folder, list(command.uids))}
    now = {uid: uid for uid in command.uids if uid in present}
    lost = {uid: command.message_ids[uid] for uid in command.uids if uid not in present and uid in command.message_ids}
    if lost and store.folder(command.folder) is not None:
        found = store.uids_with_message_ids(command.folder, list(lost.values()))
        now.update({uid: found[message_id] for uid, message_id in lost.items() if message_id in found})
    return now


def queue_inverse(store: MailStore, command: Command) -> None:
    """``command`` was carried out: queue what reverses it, and show its effect in the store at once."""
    if command.kind in (FLAGS, LABELS):
        now = current_uids(store, command)
        inverse = inverse_flags(command) if command.kind == FLAGS else inverse_labels(command)
        for old_uids, add, remove in inverse:
            uids = [now[uid] for uid in old_uids if uid in now]
            if not uids:
                continue
            store.enqueue(command.kind, command.folder, uids, {"add": add, "remove": remove})
            if command.kind == FLAGS:
                store.change_flags(command.folder, uids, add=add, remove=remove)
            else:
                store.change_labels(command.folder, uids, add=add, remove=remove)
        return
    where = destination_of(command)
    message_ids = sorted({mid for mid in command.message_ids.values() if mid})
    if not message_ids:
        raise NotUndoable(f"The messages moved to {where!r} have no Message-ID, so they cannot be found there again")
    stand_ins = [summary for summary in command.previous if summary.message_id]
    with store.batch():
        store.enqueue(RESTORE, where, [], {"destination": command.folder, "message_ids": message_ids,
                                           "stand_ins": [summary.uid for summary in stand_ins]})
        if store.folder(command.folder) is not None:
            store.add_messages(command.folder, stand_ins)


def execute_restore(imap: IMAPConnector, store: MailStore, command: Command,
                    fetch_headers: FetchHeaders) -> None:
    """Move the messages of a queued restore back, then show them under their new UIDs in place of the
    stand-ins."""
    destination = str(command.args["destination"])
    wanted = [str(mid) for mid in command.args.get("message_ids", ())]
    found = imap.find_by_message_id(wanted, mailbox=command.folder)
    if not found:
        raise MessageError(f"The messages to move back are no longer in {command.folder!r}")
    uids = sorted(found.values())
    imap.move_messages(uids, destination, mailbox=command.folder)
    try:
        if store.folder(command.folder) is not None:
            store.remove_messages(command.folder, uids)
        if store.folder(destination) is None:
            return
        back = imap.find_by_message_id(found, mailbox=destination)
        with store.batch():  # one change for the list: the stand-ins give way to the messages themselves
            store.remove_messages(destination, [int(uid) for uid in command.args.get("stand_ins", ())])
            fetch_headers(imap, destination, sorted(back.values(), reverse=True))
    except ConnectionError as exc:
        # The move itself is done (the command must not run again); the folders' next sync shows the rest.
        log.info("Moved back, but the link broke before the store was updated: %s", exc)

def undo(store: MailStore, command: Command) -> None:
    """Undo ``command`` (as it was read right after being queued) in the store and the queue; the caller replays
    the queue. Raises NotUndoable for what cannot be undone."""
    if command.kind not in UNDOABLE:
        raise NotUndoable(f"A {command.kind!r} command cannot be undone")
    queued = store.command(command.id)
    if queued is not None:
        take_back(store, queued)
    else:
        queue_inverse(store, command)

