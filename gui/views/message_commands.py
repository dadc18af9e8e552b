"""What the person does to messages — read, star, move, archive, delete — shown at once, done by the worker.

Each command first changes what the lists show (an overlay in the models), then queues the operation on the
account's worker, which changes the store and the server. When the operation ends the overlay is dropped and the
store decides; if the server refused, the engine has rolled the store back, the rows come back, and a notice says
what happened.

Deleting moves to the Trash. Where that cannot be (no Trash, or the messages are in it) the person is asked first,
and only a confirmed "Delete Permanently" sends the distinct permanent-delete command.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from connectors.sync import CommandRefused

from ..errors import describe_error
from ..workers.account_session import PUSH, AccountSession, UndoStep
from ..workers.operation import Operation
from .undo import UndoGroup

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate

SEEN = "\\Seen"
FLAGGED = "\\Flagged"


def _count(count: int) -> str:
    return translate("MessageCommands", "%n message(s)", None, count)


class OptimisticModel(Protocol):
    @property
    def account_id(self) -> str: ...

    @property
    def folder(self) -> str: ...

    def hide(self, uids: Sequence[int]) -> None: ...

    def overlay_flags(self, uids: Sequence[int], add: Sequence[str] = (), remove: Sequence[str] = ()) -> None: ...

    def settle(self, uids: Sequence[int]) -> None: ...


Notify = Callable[[str, str, str], None]  # kind, title, text
ConfirmPermanent = Callable[[int, str, bool], bool]
"""(message count, folder, True if the account has no Trash / False if the messages are in it) → go ahead?"""


def confirm_permanent_delete(parent: QWidget | None, count: int, folder: str, no_trash: bool) -> bool:
    """Ask before deleting for good; Cancel is the default button. ``folder`` empty: messages of several folders
    (a view across accounts)."""
    if not folder:
        text = translate("MessageCommands", "%1 in several folders would be deleted for good. This cannot be undone.")
    elif no_trash:
        text = translate("MessageCommands", "This account has no Trash folder, so %1 in %2 would be deleted for "
                                            "good. This cannot be undone.")
    else:
        text = translate("MessageCommands", "%1 in %2 would be deleted for good. This cannot be undone.")
    box = QMessageBox(QMessageBox.Icon.Warning, translate("MessageCommands", "Delete Permanently?"),
                      text.replace("%1", _count(count)).replace("%2", folder), QMessageBox.StandardButton.NoButton,
                      parent)
    box.setObjectName("permanentDeleteDialog")
    delete = box.addButton(translate("MessageCommands", "Delete Permanently"), QMessageBox.ButtonRole.DestructiveRole)
    delete.setObjectName("deletePermanently")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is delete


class MessageCommands(QObject):
    messagesLeaving = Signal(str, str, list)
    """Messages are being moved or deleted out of a folder (account, folder, uids): the reader lets go of them."""
    undoable = Signal(object)
    """An UndoStep: the person did something that Edit → Undo can take back."""
    undone = Signal(object)
    """An UndoStep was taken back (its messages are where they were again, in the store)."""

    def __init__(self, session_of: Callable[[str], AccountSession | None], models: Sequence[OptimisticModel],
                 notify: Notify, parent: QObject | None = None, *, confirm: ConfirmPermanent | None = None) -> None:
        super().__init__(parent)
        self._session_of = session_of
        self._models = list(models)
        self._notify = notify
        dialog_parent = parent if isinstance(parent, QWidget) else None
        self._confirm = confirm or (lambda count, folder, no_trash:
                                    confirm_permanent_delete(dialog_parent, count, folder, no_trash))
        self.running: list[Operation] = []
        self._gathered: list[UndoStep] | None = None

    @contextmanager
    def one_step(self) -> Iterator[None]:
        """What is done inside is one step to undo: a view across accounts acts once per account and folder, and
        the person, who did one thing, takes it back at once."""
        if self._gathered is not None:  # already inside one
            yield
            return
        self._gathered = []
        try:
            yield
        finally:
            steps, self._gathered = self._gathered, None
            if len(steps) == 1:
                self.undoable.emit(steps[0])
            elif steps:
                first = steps[0]
                name, text = self._words(first.kind, sum(step.count for step in steps), first.detail)
                self.undoable.emit(UndoGroup(steps, name, text))

    @staticmethod
    def _words(kind: str, count: int, detail: str = "") -> tuple[str, str]:
        """What Edit → Undo and the notice say about ``count`` messages read, starred, moved (to ``detail``)..."""
        if kind == "read":
            name = translate("MessageCommands", "Mark as Read")
            text = translate("MessageCommands", "%n message(s) marked as read", None, count)
        elif kind == "unread":
            name = translate("MessageCommands", "Mark as Unread")
            text = translate("MessageCommands", "%n message(s) marked as unread", None, count)
        elif kind == "star":
            name = translate("MessageCommands", "Star")
            text = translate("MessageCommands", "%n message(s) starred", None, count)
        elif kind == "unstar":
            name = translate("MessageCommands", "Remove Star")
            text = translate("MessageCommands", "Star removed from %n message(s)", None, count)
        elif kind == "archive":
            name = translate("MessageCommands", "Archive")
            text = translate("MessageCommands", "%n message(s) archived", None, count)
        elif kind == "delete":
            name = translate("MessageCommands", "Delete")
            text = translate("MessageCommands", "%n message(s) moved to the Trash", None, count)
        else:
            name = translate("MessageCommands", "Move")
            text = translate("MessageCommands", "%n message(s) moved to %1", None, count).replace("%1", detail)
        return name, text

    def _step(self, kind: str, account_id: str, folder: str, count: int, detail: str = "") -> UndoStep:
        name, text = self._words(kind, count, detail)
        return UndoStep(account_id, folder, name, text, kind=kind, count=count, detail=detail)

    def _showing(self, account_id: str, folder: str) -> list[OptimisticModel]:
        """The lists showing messages of this folder: a folder's own, or its part of a view across accounts."""
        found: list[OptimisticModel] = []
        for model in self._models:
            part = getattr(model, "part", None)
            if part is not None:
                shown = part(account_id, folder)
                if shown is not None:
                    found.append(shown)
            elif model.account_id == account_id and model.folder == folder:
                found.append(model)
        return found

    def _track(self, op: Operation, account_id: str, folder: str, uids: list[int], what: str) -> Operation:
        self.running.append(op)

        def done() -> None:
            for model in self._showing(account_id, folder):
                model.settle(uids)
            if op in self.running:
                self.running.remove(op)

        def failed(exc: BaseException) -> None:
            problem = describe_error(exc)
            self._notify("error", translate("MessageCommands", "Could not %1").replace("%1", what), problem.text)

        op.failed.connect(failed)
        op.done.connect(done)
        return op

    def set_flags(self, account_id: str, folder: str, uids: Sequence[int], add: Sequence[str] = (),
                  remove: Sequence[str] = (), *, step: UndoStep | None = None) -> Operation | None:
        session = self._session_of(account_id)
        uid_list = list(uids)
        if session is None or not uid_list:
            return None
        for model in self._showing(account_id, folder):
            model.overlay_flags(uid_list, add, remove)
        op = session.set_flags(folder, uid_list, add, remove, undo=step)
        what = translate("MessageCommands", "change %1").replace("%1", _count(len(uid_list)))
        return self._tracked(op, account_id, folder, uid_list, what, step)

    def _tracked(self, op: Operation, account_id: str, folder: str, uids: list[int], what: str,
                 step: UndoStep | None) -> Operation:
        if step is not None:
            if self._gathered is not None:
                self._gathered.append(step)
            else:
                self.undoable.emit(step)
        return self._track(op, account_id, folder, uids, what)

    def mark_read(self, account_id: str, folder: str, uids: Sequence[int], read: bool = True, *,
                  undoable: bool = True) -> Operation | None:
        """Mark as read (or unread); ``undoable`` False for what the reader does by itself on opening."""
        step = self._step("read" if read else "unread", account_id, folder, len(uids))
        return self.set_flags(account_id, folder, uids, add=[SEEN] if read else [], remove=[] if read else [SEEN],
                              step=step if undoable else None)

    def set_starred(self, account_id: str, folder: str, uids: Sequence[int], starred: bool) -> Operation | None:
        step = self._step("star" if starred else "unstar", account_id, folder, len(uids))
        return self.set_flags(account_id, folder, uids, add=[FLAGGED] if starred else [],
                              remove=[] if starred else [FLAGGED], step=step)

    def move(self, account_id: str, folder: str, uids: Sequence[int], destination: str, *,
             step: UndoStep | None = None) -> Operation | None:
        session = self._session_of(account_id)
        uid_list = list(uids)
        if session is None or not uid_list or destination == folder:
            return None
        if step is None:
            step = self._step("move", account_id, folder, len(uid_list), destination)
        self._leave(account_id, folder, uid_list)
        op = session.move(folder, uid_list, destination, undo=step)
        what = translate("MessageCommands", "move %1 to %2").replace("%1", _count(len(uid_list)))
        return self._tracked(op, account_id, folder, uid_list, what.replace("%2", destination), step)

    def delete(self, account_id: str, folder: str, uids: Sequence[int], *, permanent: bool = False
               ) -> Operation | None:
        """Move to the Trash; where there is none (or the messages are in it), or with ``permanent``, ask, then
        delete for good."""
        return self._delete(account_id, folder, uids, permanent=permanent, asked=False)

    def delete_all(self, groups: Sequence[tuple[str, str, Sequence[int]]], *, permanent: bool = False,
                   before: Callable[[], None] | None = None) -> bool:
        """Delete messages of several accounts and folders as one thing: the person is asked once, for all those
        that would go for good, and the rest is one step to undo. ``before`` runs once it is decided, before the
        rows go. Returns False if the person said no (nothing was done)."""
        plan: list[tuple[str, str, list[int], bool, bool]] = []  # account, folder, uids, for good, no Trash
        for account_id, folder, uids in groups:
            session = self._session_of(account_id)
            if session is not None and uids:
                trash = session.trash_folder()
                plan.append((account_id, folder, list(uids), permanent or trash is None or trash == folder,
                             trash is None))
        forever = [part for part in plan if part[3]]
        if forever:
            folders = {part[1] for part in forever}
            if not self._confirm(sum(len(part[2]) for part in forever), folders.pop() if len(folders) == 1 else "",
                                 all(part[4] for part in forever)):
                return False
        if before is not None:
            before()
        with self.one_step():
            for account_id, folder, uids, for_good, _no_trash in plan:
                self._delete(account_id, folder, uids, permanent=for_good, asked=True)
        return True

    def _delete(self, account_id: str, folder: str, uids: Sequence[int], *, permanent: bool, asked: bool
                ) -> Operation | None:
        session = self._session_of(account_id)
        uid_list = list(uids)
        if session is None or not uid_list:
            return None
        trash = session.trash_folder()
        permanent = permanent or trash is None or trash == folder
        if permanent and not asked and not self._confirm(len(uid_list), folder, trash is None):
            return None
        self._leave(account_id, folder, uid_list)
        what = translate("MessageCommands", "delete %1").replace("%1", _count(len(uid_list)))
        if permanent:
            return self._track(session.delete_permanently(folder, uid_list), account_id, folder, uid_list, what)
        step = self._step("delete", account_id, folder, len(uid_list))
        return self._tracked(session.delete(folder, uid_list, undo=step), account_id, folder, uid_list, what, step)

    def delete_permanently(self, account_id: str, folder: str, uids: Sequence[int]) -> Operation | None:
        """Delete for good, whether or not there is a Trash: always after asking."""
        return self.delete(account_id, folder, uids, permanent=True)

    def archive(self, account_id: str, folder: str, uids: Sequence[int]) -> Operation | None:
        session = self._session_of(account_id)
        if session is None:
            return None
        folders = session.reader.folders()
        archive = next((f.name for f in folders if f.special_use == "archive"), None)
        if archive is None and any(f.name == folder and f.gmail_label is not None for f in folders):
            # Gmail: archiving takes the label away (the inbox's, or the one shown); the message stays in All Mail.
            archive = next((f.name for f in folders if f.special_use == "all"), None)
        if archive is None:
            self._notify("warning", translate("MessageCommands", "No Archive folder"),
                         translate("MessageCommands", "%1 has no folder marked for archiving. Move the messages to "
                                                      "a folder instead.")
                         .replace("%1", session.account.label))
            return None
        if archive == folder:
            return None
        step = self._step("archive", account_id, folder, len(uids), archive)
        return self.move(account_id, folder, uids, archive, step=step)

    def undo(self, step: UndoStep) -> Operation | None:
        """Take ``step`` back: the account's worker cancels or reverses it (after it, if it is still running)."""
        session = self._session_of(step.account_id)
        if session is None:
            return None
        op = session.undo(step)

        def failed(exc: BaseException) -> None:
            self._notify("error", translate("MessageCommands", "Could not undo %1").replace("%1", step.name),
                         describe_error(exc).text)

        op.finished.connect(lambda _result: self.undone.emit(step))

        def done() -> None:
            if op in self.running:
                self.running.remove(op)
            command = step.command
            if command is not None and command.kind != "flags":
                # The restored messages' rows show at once; a sync settles what the server did with them.
                session.sync_folder(step.folder, PUSH)

        self.running.append(op)
        op.failed.connect(failed)
        op.done.connect(done)
        return op

    def _leave(self, account_id: str, folder: str, uids: list[int]) -> None:
        self.messagesLeaving.emit(account_id, folder, uids)
        for model in self._showing(account_id, folder):
            model.hide(uids)

    def report_refused(self, account_id: str, refused: list[CommandRefused]) -> None:
        """The server refused queued commands; the engine already put the store back. Say so."""
        session = self._session_of(account_id)
        label = session.account.label if session is not None else account_id
        for command in refused:
            count = _count(len(command.uids))
            if command.dropped:
                title = translate("MessageCommands", "%1: %2 in %3 left unchanged") \
                    .replace("%1", label).replace("%2", count).replace("%3", command.folder)
                text = translate("MessageCommands", "The folder was rebuilt on the server since you changed them "
                                                    "offline, and these messages could not be found again. Check "
                                                    "them and do it again if needed.")
                self._notify("warning", title, text)
                continue
            what = {
                "flags": translate("MessageCommands", "change %1 in %2"),
                "move": translate("MessageCommands", "move %1 out of %2"),
                "delete": translate("MessageCommands", "delete %1 from %2"),
                "expunge": translate("MessageCommands", "delete %1 from %2"),
                "restore": translate("MessageCommands", "move %1 back out of %2"),
            }.get(command.kind, translate("MessageCommands", "change %1 in %2"))
            what = what.replace("%1", count).replace("%2", command.folder)
            title = translate("MessageCommands", "%1 refused to %2").replace("%1", label).replace("%2", what)
            text = describe_error(command.error).text + " " + translate("MessageCommands", "Nothing was changed.")
            self._notify("error", title, text)
