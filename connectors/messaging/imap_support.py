"""Small pieces the IMAP connector is built from: ids, flags, folder descriptions, fetched-message dicts."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from imapclient import imap_utf7

from ..exceptions import MessageError
from .mime import parse_message

SEEN, FLAGGED, DELETED, ANSWERED, DRAFT = "\\Seen", "\\Flagged", "\\Deleted", "\\Answered", "\\Draft"

#: RFC 6154 special-use attributes, plus Gmail's, mapped to short role names.
SPECIAL_USES = {
    "\\inbox": "inbox",
    "\\drafts": "drafts",
    "\\sent": "sent",
    "\\trash": "trash",
    "\\junk": "junk",
    "\\archive": "archive",
    "\\all": "all",
    "\\flagged": "flagged",
    "\\important": "important",
}
#: When the server has no SPECIAL-USE (nor XLIST), the names people and other clients use. Trash matters most: a
#: missed Trash would make deleting permanent, so its list covers the languages servers and clients name it in.
FALLBACK_NAMES = {
    "sent": ("Sent", "Sent Items", "Sent Messages", "Sent Mail", "Envoyés", "Éléments envoyés"),
    "trash": (
        "Trash", "Deleted Items", "Deleted Messages", "Deleted", "Bin",
        "Corbeille", "Éléments supprimés",  # French
        "Papierkorb", "Gelöschte Elemente", "Gelöschte Objekte",  # German
        "Papelera", "Elementos eliminados",  # Spanish
        "Cestino", "Posta eliminata", "Elementi eliminati",  # Italian
        "Корзина", "Удаленные", "Удалённые",  # Russian
        "Prullenbak", "Verwijderde items",  # Dutch
        "Lixeira", "Lixo", "Itens excluídos", "Itens eliminados",  # Portuguese
        "Kosz", "Elementy usunięte",  # Polish
        "Koš", "Odstraněná pošta",  # Czech
        "Papperskorgen", "Borttagna objekt",  # Swedish
        "Papirkurv", "Slettede elementer", "Slettet post",  # Danish, Norwegian
        "Roskakori", "Poistetut",  # Finnish
        "Çöp Kutusu", "Silinmiş Öğeler",  # Turkish
        "Κάδος απορριμμάτων",  # Greek
        "Kuka",  # Hungarian
        "回收站", "已删除", "已删除邮件", "已刪除", "垃圾桶",  # Chinese
        "ゴミ箱", "削除済みアイテム",  # Japanese
        "휴지통",  # Korean
    ),
    "drafts": ("Drafts", "Brouillons"),
    "junk": ("Junk", "Spam", "Junk E-mail", "Indésirables"),
    "archive": ("Archive", "Archives"),
}
# Where servers put the default folders when they are not at the top: Courier/Cyrus under INBOX, Gmail's.
_FOLDER_PARENTS = ("", "inbox.", "inbox/", "[gmail]/", "[google mail]/")


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def choose_special_folder(role: str, folders: Iterable[tuple[str, str | None, bool]]) -> str | None:
    """The folder for ``role`` ("trash", "sent"...) among ``(name, special_use, selectable)`` entries: the one the
    server marked (RFC 6154 SPECIAL-USE, or XLIST's attributes), else the first name of ``FALLBACK_NAMES``, at the
    top or below INBOX or Gmail's folder, in any case."""
    entries = list(folders)
    for name, special_use, _selectable in entries:
        if special_use == role:
            return name
    names = {_fold(name): name for name, _use, selectable in entries if selectable}
    for candidate in FALLBACK_NAMES.get(role, ()):
        for parent in _FOLDER_PARENTS:
            found = names.get(_fold(parent + candidate))
            if found is not None:
                return found
    return None


@dataclass(frozen=True)
class FolderInfo:
    """One mailbox as the server lists it; ``special_use`` is a role name ("sent", "trash"...) or None."""

    name: str
    delimiter: str | None
    flags: tuple[str, ...]
    special_use: str | None

    @property
    def selectable(self) -> bool:
        return not any(f.lower() in ("\\noselect", "\\nonexistent") for f in self.flags)


def folder_from_listing(flags: Iterable[Any], delimiter: Any, name: str) -> FolderInfo:
    texts = tuple(_text(f) for f in flags)
    role = next((SPECIAL_USES[f.lower()] for f in texts if f.lower() in SPECIAL_USES), None)
    if name.upper() == "INBOX":
        role = "inbox"
    delim = _text(delimiter) if delimiter else None
    return FolderInfo(name=name, delimiter=delim, flags=texts, special_use=role)


def parse_ids(ids: Iterable[Any] | str | int) -> list[int]:
    """UIDs from the guide's string ids (``["123", "124"]``), ints, or one id."""
    items: Iterable[Any] = [ids] if isinstance(ids, str | int) else ids
    uids: list[int] = []
    for item in items:
        try:
            uid = int(str(item).strip())
        except ValueError:
            raise MessageError(f"{item!r} is not a message id (ids are IMAP UIDs such as '123')") from None
        if uid <= 0:
            raise MessageError(f"{item!r} is not a message id (UIDs are positive)")
        uids.append(uid)
    return list(dict.fromkeys(uids))


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def decode_labels(raw: Iterable[Any]) -> list[str]:
    """X-GM-LABELS as text: system labels keep their backslash, user labels are decoded from modified UTF-7."""
    labels = []
    for label in raw or ():
        if isinstance(label, bytes):
            labels.append(label.decode("ascii", "replace") if label.startswith(b"\\") else imap_utf7.decode(label))
        else:
            labels.append(str(label))
    return labels


def message_dict(uid: int, mailbox: str | None, data: Mapping[bytes, Any]) -> dict[str, Any]:
    """The guide's message dict, from one FETCH response holding BODY[] (or RFC822), FLAGS and RFC822.SIZE."""
    raw = data.get(b"BODY[]") or data.get(b"RFC822") or b""
    parsed = parse_message(raw if isinstance(raw, bytes) else bytes(raw))
    flags = [_text(f) for f in data.get(b"FLAGS", ())]
    out = parsed.as_dict()
    internal = data.get(b"INTERNALDATE")
    out.update(
        {
            "id": str(uid),
            "uid": uid,
            "mailbox": mailbox,
            "flags": flags,
            "unread": SEEN not in flags,
            "flagged": FLAGGED in flags,
            "size": int(data.get(b"RFC822.SIZE") or len(raw)),
            "internal_date": internal if isinstance(internal, dt.datetime) else None,
        }
    )
    if b"X-GM-LABELS" in data:
        out["labels"] = decode_labels(data[b"X-GM-LABELS"])
    if b"X-GM-THRID" in data:
        out["thread_id"] = str(data[b"X-GM-THRID"])
    if b"X-GM-MSGID" in data:
        out["gmail_message_id"] = str(data[b"X-GM-MSGID"])
    return out
