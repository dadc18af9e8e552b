"""The data model behind the loopback Gmail IMAP emulator: one account's messages, labels and folders.

Emulated, following https://developers.google.com/gmail/imap/imap-extensions and Gmail's help on
IMAP: a single store of messages per account, each with an X-GM-MSGID (a 64-bit number that grows
with time, like Gmail's), an X-GM-THRID (the X-GM-MSGID of the thread's first message; threads are
joined through References/In-Reply-To, or by subject when the subject carries a reply prefix), a set
of labels and a set of flags. IMAP folders are views of labels:

==========================  ====================  ==========================================
folder                      special-use (LIST)    holds the messages...
==========================  ====================  ==========================================
INBOX                       (none)                labelled \\Inbox
[Gmail]                     \\Noselect            (a parent only)
[Gmail]/All Mail            \\All                 not in Trash or Spam
[Gmail]/Drafts              \\Drafts              labelled \\Draft
[Gmail]/Important           \\Important           labelled \\Important
[Gmail]/Sent Mail           \\Sent                labelled \\Sent
[Gmail]/Spam                \\Junk                labelled \\Spam
[Gmail]/Starred             \\Flagged             flagged \\Flagged (shown as the \\Starred label)
[Gmail]/Trash               \\Trash               labelled \\Trash
<user label, "/" nests>     (none)                carrying that label
==========================  ====================  ==========================================

A message in Trash or Spam shows in no other folder but keeps its other labels, so taking it out of
Trash brings it back where it was. Each folder has its own UIDVALIDITY and UID space; UIDs are given
in order of arrival into that folder, and a message that leaves a folder and comes back gets a new
UID there (as in Gmail). APPEND of a message whose Message-ID is already in the account adds the
folder's label to the existing message instead of storing a copy (Gmail's de-duplication).

Not emulated: the "[Google Mail]" spelling some locales get, labels hidden from IMAP in Gmail's
settings, the per-folder size limits, category tabs (\\Category labels), muted threads, and the
participant checks Gmail applies when threading by subject.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html
import itertools
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

INBOX = "\\Inbox"
SENT = "\\Sent"
DRAFT = "\\Draft"
IMPORTANT = "\\Important"
STARRED = "\\Starred"
TRASH = "\\Trash"
SPAM = "\\Spam"
ALL_MAIL = "\\AllMail"  # a folder key only: All Mail is not a label
SYSTEM_LABELS = (INBOX, SENT, DRAFT, IMPORTANT, STARRED, TRASH, SPAM)
GMAIL_PARENT = "[Gmail]"
HIDDEN_BY = frozenset({TRASH, SPAM})


@dataclass(frozen=True)
class SystemFolder:
    name: str
    key: str
    special_use: str | None  # RFC 6154 / RFC 8457 attribute
    xlist: str  # the attribute Gmail's older XLIST command gives


SYSTEM_FOLDERS = (
    SystemFolder("INBOX", INBOX, None, "\\Inbox"),
    SystemFolder("[Gmail]/All Mail", ALL_MAIL, "\\All", "\\AllMail"),
    SystemFolder("[Gmail]/Drafts", DRAFT, "\\Drafts", "\\Drafts"),
    SystemFolder("[Gmail]/Important", IMPORTANT, "\\Important", "\\Important"),
    SystemFolder("[Gmail]/Sent Mail", SENT, "\\Sent", "\\Sent"),
    SystemFolder("[Gmail]/Spam", SPAM, "\\Junk", "\\Spam"),
    SystemFolder("[Gmail]/Starred", STARRED, "\\Flagged", "\\Starred"),
    SystemFolder("[Gmail]/Trash", TRASH, "\\Trash", "\\Trash"),
)
_SYSTEM_BY_KEY = {f.key: f for f in SYSTEM_FOLDERS}
_SYSTEM_LABEL_NAMES = {
    "\\inbox": INBOX, "\\sent": SENT, "\\draft": DRAFT, "\\drafts": DRAFT, "\\important": IMPORTANT,
    "\\starred": STARRED, "\\trash": TRASH, "\\spam": SPAM,
}


def label_from_wire(text: str) -> str:
    """A label as a client names it (``\\Inbox``, ``INBOX``, ``[Gmail]/Sent Mail`` or a user label)."""
    if text.startswith("\\"):
        try:
            return _SYSTEM_LABEL_NAMES[text.lower()]
        except KeyError:
            raise ValueError(f"unknown system label {text}") from None
    if text.upper() == "INBOX":
        return INBOX
    for folder in SYSTEM_FOLDERS:
        if text == folder.name and folder.key != ALL_MAIL:
            return folder.key
    if not text or text.startswith(GMAIL_PARENT) or text.endswith("/"):
        raise ValueError(f"invalid label name {text!r}")
    return text


_msgid_lock = threading.Lock()
_last_msgid = 0


def new_msgid() -> int:
    """Like Gmail's X-GM-MSGID: milliseconds since the epoch shifted left 20 bits, so ~1.8e18."""
    global _last_msgid
    with _msgid_lock:
        _last_msgid = max(_last_msgid + 1, int(time.time() * 1000) << 20)
        return _last_msgid


_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|tr|aw|wg)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


@dataclass(eq=False)
class GmailMessage:
    msgid: int
    thrid: int
    raw: bytes
    internal_date: dt.datetime
    labels: set[str]
    flags: set[str]
    _parsed: EmailMessage | None = field(default=None, repr=False)
    _text: str | None = field(default=None, repr=False)

    @property
    def parsed(self) -> EmailMessage:
        if self._parsed is None:
            parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            self._parsed = parsed
        return self._parsed

    def effective_labels(self) -> set[str]:
        """Labels as Gmail shows them: \\Starred follows the \\Flagged flag."""
        labels = set(self.labels)
        if "\\Flagged" in self.flags:
            labels.add(STARRED)
        return labels

    def header(self, name: str) -> str:
        """All values of a header, decoded (RFC 2047), joined by ", "."""
        values: list[str] = []
        for value in self.parsed.get_all(name, []):
            try:
                values.append(str(value))
            except Exception:  # a malformed header must not break a search
                values.append("")
        return ", ".join(values)

    def addresses(self, name: str) -> list[tuple[str, str]]:
        return [(n, a) for n, a in getaddresses([self.header(name)]) if n or a]

    def message_id(self) -> str | None:
        value = self.header("Message-ID").strip()
        return value or None

    def referenced_ids(self) -> list[str]:
        text = self.header("References") + " " + self.header("In-Reply-To")
        return re.findall(r"<[^<>\s]+>", text)

    def subject(self) -> str:
        return self.header("Subject")

    def sent_date(self) -> dt.datetime | None:
        try:
            return parsedate_to_datetime(self.header("Date"))
        except (TypeError, ValueError, IndexError):
            return None

    def body_text(self) -> str:
        """Text of the body parts (HTML reduced to text), for TEXT/BODY search and bare words."""
        if self._text is None:
            chunks: list[str] = []
            for part in self.parsed.walk():
                if part.is_multipart() or part.get_content_maintype() != "text" or is_attachment(part):
                    continue
                try:
                    content = part.get_content()
                except Exception:  # undecodable charset: fall back to bytes decoded leniently
                    payload = part.get_payload(decode=True)
                    content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
                if part.get_content_subtype() == "html":
                    content = html.unescape(re.sub(r"<[^>]*>", " ", content))
                chunks.append(content)
            self._text = "\n".join(chunks)
        return self._text

    def attachment_names(self) -> list[str]:
        return [part.get_filename() or "" for part in self.parsed.walk() if is_attachment(part)]

    def has_attachment(self) -> bool:
        return any(is_attachment(part) for part in self.parsed.walk())


def is_attachment(part: email.message.Message) -> bool:
    """Gmail's has:attachment: a part marked as attachment or carrying a file name."""
    if part.is_multipart():
        return False
    return part.get_content_disposition() == "attachment" or part.get_filename() is not None


@dataclass
class FolderState:
    uidvalidity: int
    next_uid: int = 1
    uids: dict[int, int] = field(default_factory=dict)  # msgid -> uid, kept in UID order

    def entries(self) -> list[tuple[int, int]]:
        return [(uid, msgid) for msgid, uid in self.uids.items()]

    def update(self, members: Iterable[int]) -> None:
        member_list = list(members)
        keep = set(member_list)
        for msgid in [m for m in self.uids if m not in keep]:
            del self.uids[msgid]
        for msgid in member_list:
            if msgid not in self.uids:
                self.uids[msgid] = self.next_uid
                self.next_uid += 1


class Mailbox:
    """One Gmail account. Callers hold the emulator's lock; every mutation ends with ``commit()``."""

    def __init__(self, user: str, on_change: Callable[[], None]) -> None:
        self.user = user
        self._on_change = on_change
        self.messages: dict[int, GmailMessage] = {}
        self.user_labels: set[str] = set()
        self._uidvalidity = itertools.count(1)
        self.folders: dict[str, FolderState] = {
            f.key: FolderState(next(self._uidvalidity)) for f in SYSTEM_FOLDERS
        }

    # --- folders ---

    def folder_key(self, name: str) -> str | None:
        """The key of a selectable folder by its (decoded) name, or None."""
        if name.upper() == "INBOX":
            return INBOX
        for folder in SYSTEM_FOLDERS:
            if folder.name == name:
                return folder.key
        return name if name in self.user_labels else None

    def folder_name(self, key: str) -> str:
        system = _SYSTEM_BY_KEY.get(key)
        return system.name if system else key

    def is_system(self, key: str) -> bool:
        return key in _SYSTEM_BY_KEY

    def listing(self) -> list[tuple[str, list[str], str | None]]:
        """(name, LIST attributes, XLIST attribute) of every folder, in Gmail's order."""
        names = sorted(self.user_labels, key=str.casefold)
        out: list[tuple[str, list[str], str | None]] = []

        def children(name: str) -> str:
            prefix = name + "/"
            return "\\HasChildren" if any(n.startswith(prefix) for n in names) else "\\HasNoChildren"

        out.append(("INBOX", ["\\HasNoChildren"], "\\Inbox"))
        out.extend((n, [children(n)], None) for n in names)
        out.append((GMAIL_PARENT, ["\\Noselect", "\\HasChildren"], None))
        for folder in SYSTEM_FOLDERS[1:]:
            assert folder.special_use is not None
            out.append((folder.name, ["\\HasNoChildren", folder.special_use], folder.xlist))
        return out

    def contains(self, key: str, msg: GmailMessage) -> bool:
        labels = msg.effective_labels()
        hidden = bool(labels & HIDDEN_BY)
        if key == ALL_MAIL:
            return not hidden
        if key in HIDDEN_BY:
            return key in labels
        return key in labels and not hidden

    def members(self, key: str) -> list[int]:
        """msgids in a folder, in UID order."""
        state = self.folders.get(key)
        return list(state.uids) if state else []

    def commit(self) -> None:
        """Bring every folder's UID map up to date and tell the open sessions."""
        for key, state in self.folders.items():
            state.update(m.msgid for m in self.messages.values() if self.contains(key, m))
        self._on_change()

    # --- labels ---

    def create_label(self, name: str) -> None:
        if name in self.user_labels or self.folder_key(name) is not None:
            raise ValueError("exists")
        self._ensure_label_path(name)
        self.commit()

    def _ensure_label_path(self, name: str) -> None:
        """The label and its parents: Gmail nests "a/b" under an "a" it creates if needed."""
        parts = name.split("/")
        for i in range(1, len(parts) + 1):
            self._ensure_label("/".join(parts[:i]))

    def _ensure_label(self, name: str) -> None:
        if name not in self.user_labels:
            self.user_labels.add(name)
            self.folders[name] = FolderState(next(self._uidvalidity))

    def delete_label(self, name: str) -> None:
        self.user_labels.discard(name)
        self.folders.pop(name, None)
        for msg in self.messages.values():
            msg.labels.discard(name)
        self.commit()

    def rename_label(self, old: str, new: str) -> None:
        renames = {n: new + n[len(old):] for n in self.user_labels if n == old or n.startswith(old + "/")}
        if "/" in new:
            self._ensure_label_path(new.rsplit("/", 1)[0])
        for before, after in renames.items():
            self.user_labels.discard(before)
            self.user_labels.add(after)
            self.folders[after] = self.folders.pop(before)
            for msg in self.messages.values():
                if before in msg.labels:
                    msg.labels.discard(before)
                    msg.labels.add(after)
        self.commit()

    def add_label(self, msg: GmailMessage, label: str) -> None:
        """Give a message a label as STORE +X-GM-LABELS does (creating user labels on the fly)."""
        if label == STARRED:
            msg.flags.add("\\Flagged")
            return
        if label not in SYSTEM_LABELS:
            self._ensure_label_path(label)
        msg.labels.add(label)

    def remove_label(self, msg: GmailMessage, label: str) -> None:
        if label == STARRED:
            msg.flags.discard("\\Flagged")
        msg.labels.discard(label)

    # --- folder operations, as Gmail maps them onto labels ---

    def copy_into(self, msg: GmailMessage, key: str) -> None:
        if key == ALL_MAIL:
            msg.labels -= HIDDEN_BY  # All Mail holds what is not trashed: copying there restores
        else:
            self.add_label(msg, key)

    def move_out_of(self, msg: GmailMessage, key: str) -> None:
        if key != ALL_MAIL:  # nothing leaves All Mail except by going to Trash or Spam
            self.remove_label(msg, key)

    def expunge_from(self, msg: GmailMessage, key: str) -> None:
        """Gmail's defaults ("archive" when expunged from a label, delete for good from Trash/Spam)."""
        msg.flags.discard("\\Deleted")
        if key in HIDDEN_BY:
            del self.messages[msg.msgid]
        elif key == ALL_MAIL:
            msg.labels.add(TRASH)
        else:
            self.remove_label(msg, key)

    # --- messages ---

    def new_message(
        self, raw: bytes, flags: Iterable[str], thread_id: int | None, internal_date: dt.datetime | None
    ) -> GmailMessage:
        """A message not yet stored; line endings become CRLF as Gmail stores them."""
        raw = re.sub(rb"\r?\n", b"\r\n", raw)
        msgid = new_msgid()
        msg = GmailMessage(
            msgid=msgid, thrid=msgid, raw=raw,
            internal_date=internal_date or dt.datetime.now(dt.UTC).replace(microsecond=0),
            labels=set(), flags=set(flags),
        )
        msg.thrid = thread_id if thread_id is not None else self._thread_for(msg)
        return msg

    def add_message(
        self,
        raw: bytes,
        labels: Iterable[str],
        flags: Iterable[str],
        thread_id: int | None,
        internal_date: dt.datetime | None,
    ) -> GmailMessage:
        msg = self.new_message(raw, flags, thread_id, internal_date)
        for label in labels:
            self.add_label(msg, label_from_wire(label))
        self.messages[msg.msgid] = msg
        self.commit()
        return msg

    def append(
        self, raw: bytes, key: str, flags: Iterable[str], internal_date: dt.datetime | None
    ) -> GmailMessage:
        """APPEND into a folder; a Message-ID already in the account only gains the folder's label."""
        msg = self.new_message(raw, flags, None, internal_date)
        message_id = msg.message_id()
        existing = self.find_by_message_id(message_id) if message_id else None
        if existing is not None:
            existing.flags |= msg.flags
            msg = existing
        else:
            self.messages[msg.msgid] = msg
        self.copy_into(msg, key)
        self.commit()
        return msg

    def find_by_message_id(self, message_id: str) -> GmailMessage | None:
        for msg in self.messages.values():
            if msg.message_id() == message_id:
                return msg
        return None

    def _thread_for(self, msg: GmailMessage) -> int:
        refs = set(msg.referenced_ids())
        if refs:
            for other in self.messages.values():
                if other.message_id() in refs:
                    return other.thrid
        subject = msg.subject()
        if _REPLY_PREFIX.match(subject):
            base = _REPLY_PREFIX.sub("", subject).strip().casefold()
            for other in self.messages.values():
                if _REPLY_PREFIX.sub("", other.subject()).strip().casefold() == base:
                    return other.thrid
        return msg.msgid
