"""Authenticated-state IMAP commands of the loopback Gmail emulator: the folders that Gmail's labels become.

Emulated: NAMESPACE (one personal namespace, "/" separator), LIST/LSUB/XLIST with ``*`` and ``%``
patterns, a reference name, the special-use attributes on every LIST response (Gmail needs no
``RETURN (SPECIAL-USE)``; LIST-EXTENDED selection and return options are accepted and ignored),
\\HasChildren/\\HasNoChildren and Gmail's XLIST attributes (\\Inbox, \\AllMail, \\Starred...),
STATUS (MESSAGES, RECENT, UIDNEXT, UIDVALIDITY, UNSEEN), SELECT/EXAMINE in Gmail's words, CREATE
(nested names create their parents, as Gmail does), DELETE and RENAME of user labels (system folders
answer NO [CANNOT]), SUBSCRIBE/UNSUBSCRIBE as no-ops, and APPEND (see Mailbox.append). Mailbox names
travel in modified UTF-7; anything else is refused with BAD.

Not emulated: LIST-STATUS, the \\Subscribed attribute, and the "[Gmail]" parent's localisation.
"""

from __future__ import annotations

import datetime as dt
import re

from tests.servers.gmail_store import GMAIL_PARENT, Mailbox, label_from_wire
from tests.servers.imap_wire import (
    BadCommand,
    CommandFailed,
    Token,
    as_atom,
    as_list,
    as_text,
    decode_mutf7,
    encode_mutf7,
    parse_internaldate,
    quoted,
)

SYSTEM_FLAGS = ("\\Answered", "\\Flagged", "\\Draft", "\\Deleted", "\\Seen")
GMAIL_KEYWORDS = ("$NotPhishing", "$Phishing")


class FolderCommands:
    """Mixed into the IMAP session, which provides the attributes declared here."""

    selected: str | None
    readonly: bool
    view: list[tuple[int, int]]

    @property
    def mailbox(self) -> Mailbox:
        raise NotImplementedError

    def send(self, line: bytes | str) -> None:
        raise NotImplementedError

    def cmd_namespace(self, args: list[Token], uid: bool) -> str:
        self.send('* NAMESPACE (("" "/")) NIL NIL')
        return "Success"

    def folder_arg(self, token: Token) -> str:
        try:
            name = decode_mutf7(as_text(token, "mailbox name"))
        except ValueError as exc:
            raise BadCommand(f"Mailbox name is not modified UTF-7: {exc}") from exc
        return "INBOX" if name.upper() == "INBOX" else name

    def existing_folder(self, token: Token) -> str:
        name = self.folder_arg(token)
        key = self.mailbox.folder_key(name)
        if key is None:
            raise CommandFailed(f"[NONEXISTENT] Unknown Mailbox: {name} (Failure)")
        return key

    def cmd_list(self, args: list[Token], uid: bool, command: str = "LIST") -> str:
        if args and isinstance(args[0], list):
            args = args[1:]  # LIST-EXTENDED selection options: special-use is always returned
        if len(args) >= 4 and isinstance(args[2], str) and args[2].upper() == "RETURN":
            args = args[:2]
        if len(args) != 2:
            raise BadCommand(f"{command} takes a reference and a pattern")
        reference, pattern = self.folder_arg(args[0]), self.folder_arg(args[1])
        if pattern == "":
            self.send(f'* {command} (\\Noselect) "/" ""')
            return "Success"
        regex = re.compile(
            "".join(".*" if ch == "*" else "[^/]*" if ch == "%" else re.escape(ch) for ch in reference + pattern)
        )
        for name, attrs, xlist in self.mailbox.listing():
            # INBOX is case-insensitive, so "inbox" or "In%" patterns must still find it.
            matched = regex.fullmatch(name) or (name == "INBOX" and re.fullmatch(regex.pattern, name, re.I))
            if not matched:
                continue
            if command == "XLIST":
                attrs = [a for a in attrs if a in ("\\Noselect", "\\HasChildren", "\\HasNoChildren")]
                attrs += [xlist] if xlist else []
            self.send(f'* {command} ({" ".join(attrs)}) "/" '.encode() + quoted(encode_mutf7(name)))
        return "Success"

    def cmd_lsub(self, args: list[Token], uid: bool) -> str:
        return self.cmd_list(args, uid, "LSUB")

    def cmd_xlist(self, args: list[Token], uid: bool) -> str:
        return self.cmd_list(args, uid, "XLIST")

    def cmd_subscribe(self, args: list[Token], uid: bool) -> str:
        self.existing_folder(args[0] if args else b"")
        return "Success"

    cmd_unsubscribe = cmd_subscribe

    def cmd_status(self, args: list[Token], uid: bool) -> str:
        if len(args) != 2:
            raise BadCommand("STATUS takes a mailbox and a list of items")
        name = self.folder_arg(args[0])
        key = self.existing_folder(args[0])
        state = self.mailbox.folders[key]
        msgs = [self.mailbox.messages[m] for m in self.mailbox.members(key)]
        values = {
            "MESSAGES": len(msgs), "RECENT": 0, "UIDNEXT": state.next_uid, "UIDVALIDITY": state.uidvalidity,
            "UNSEEN": sum("\\Seen" not in m.flags for m in msgs),
        }
        out: list[str] = []
        for item in as_list(args[1]):
            word = as_atom(item).upper()
            if word not in values:
                raise BadCommand(f"Unsupported STATUS item {word}")
            out.append(f"{word} {values[word]}")
        self.send(b"* STATUS " + quoted(encode_mutf7(name)) + b" (" + " ".join(out).encode() + b")")
        return "Success"

    def cmd_select(self, args: list[Token], uid: bool, readonly: bool = False) -> str:
        if len(args) != 1:
            raise BadCommand("SELECT takes a mailbox")
        self.selected, self.view = None, []
        name = self.folder_arg(args[0])
        if name == GMAIL_PARENT:
            raise CommandFailed(f"[NONEXISTENT] Unknown Mailbox: {name} (now in authenticated state) (Failure)")
        key = self.existing_folder(args[0])
        mailbox = self.mailbox
        state = mailbox.folders[key]
        self.selected, self.readonly, self.view = key, readonly, state.entries()
        keywords = sorted({f for m in mailbox.messages.values() for f in m.flags if not f.startswith("\\")})
        flags = " ".join(dict.fromkeys([*SYSTEM_FLAGS, *GMAIL_KEYWORDS, *keywords]))
        self.send(f"* FLAGS ({flags})")
        permanent = "" if readonly else f"{flags} \\*"
        self.send(f"* OK [PERMANENTFLAGS ({permanent})] Flags permitted.")
        self.send(f"* OK [UIDVALIDITY {state.uidvalidity}] UIDs valid.")
        self.send(f"* {len(self.view)} EXISTS")
        self.send("* 0 RECENT")
        self.send(f"* OK [UIDNEXT {state.next_uid}] Predicted next UID.")
        mode = "READ-ONLY" if readonly else "READ-WRITE"
        return f"[{mode}] {name} selected. (Success)"

    def cmd_examine(self, args: list[Token], uid: bool) -> str:
        return self.cmd_select(args, uid, readonly=True)

    def cmd_create(self, args: list[Token], uid: bool) -> str:
        if len(args) != 1:
            raise BadCommand("CREATE takes a mailbox")
        name = self.folder_arg(args[0]).rstrip("/")
        if self.mailbox.folder_key(name) is not None or name == GMAIL_PARENT:
            raise CommandFailed("[ALREADYEXISTS] Folder name conflicts with existing folder name. (Failure)")
        try:
            label_from_wire(name)
            self.mailbox.create_label(name)
        except ValueError as exc:
            raise CommandFailed(f"[CANNOT] Invalid folder name: {exc} (Failure)") from exc
        return "Success"

    def user_label(self, token: Token) -> str:
        key = self.existing_folder(token)
        if self.mailbox.is_system(key):
            raise CommandFailed("[CANNOT] System folders cannot be changed (Failure)")
        return key

    def cmd_delete(self, args: list[Token], uid: bool) -> str:
        if len(args) != 1:
            raise BadCommand("DELETE takes a mailbox")
        self.mailbox.delete_label(self.user_label(args[0]))
        return "Success"

    def cmd_rename(self, args: list[Token], uid: bool) -> str:
        if len(args) != 2:
            raise BadCommand("RENAME takes two mailboxes")
        old = self.user_label(args[0])
        new = self.folder_arg(args[1]).rstrip("/")
        if self.mailbox.folder_key(new) is not None:
            raise CommandFailed("[ALREADYEXISTS] Folder name conflicts with existing folder name. (Failure)")
        try:
            label_from_wire(new)
        except ValueError as exc:
            raise CommandFailed(f"[CANNOT] Invalid folder name: {exc} (Failure)") from exc
        self.mailbox.rename_label(old, new)
        if self.selected == old:
            self.selected = new
        return "Success"

    def cmd_append(self, args: list[Token], uid: bool) -> str:
        if len(args) < 2 or not isinstance(args[-1], bytes):
            raise BadCommand("APPEND takes a mailbox, optional flags and date, and a literal")
        name = self.folder_arg(args[0])
        key = self.mailbox.folder_key(name)
        if key is None:
            raise CommandFailed(f"[TRYCREATE] Folder doesn't exist: {name} (Failure)")
        flags: set[str] = set()
        when: dt.datetime | None = None
        for extra in args[1:-1]:
            if isinstance(extra, list):
                flags = {flag_arg(f) for f in extra}
            else:
                when = parse_internaldate(as_text(extra))
        mailbox = self.mailbox
        message = mailbox.append(args[-1], key, flags, when)
        state = mailbox.folders[key]
        return f"[APPENDUID {state.uidvalidity} {state.uids[message.msgid]}] (Success)"


def flag_arg(token: Token) -> str:
    flag = as_atom(token, "flag")
    if flag.startswith("\\"):
        canonical = {f.lower(): f for f in SYSTEM_FLAGS}.get(flag.lower())
        if canonical is None:
            raise BadCommand(f"Invalid system flag {flag}")
        return canonical
    return flag
