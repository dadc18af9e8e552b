"""The people an account writes to and hears from, for address completion.

Each message counts for some addresses: a message in Sent for its To and Cc recipients ("written to"), any other
message the person keeps (INBOX, Archive, their own folders) for its sender ("heard from"). Copies and throw-aways
count for nobody: Drafts, Junk, Trash, and Gmail's All Mail / Starred / Important, which repeat other folders.
Where Gmail's labels are views of All Mail (connectors.store.gmail), a message is counted once, on its All Mail row,
by its labels (\\Sent: its recipients; \\Draft: nobody; anything else, archived mail included: its sender), and
the views' rows count for nobody: a message with three labels is still one message exchanged.
The links live in ``address_links`` and the counts in ``addresses`` follow them by triggers (schema step 5), so a
message moved, expunged or dropped with its folder stops counting, and one seen twice is counted once.

``known_addresses(prefix)`` is one range scan of the ``address_words`` index (an address, its domain and each word
of the name, folded to lower case without accents) ranked by how often and how recently the person wrote to the
address (sent mail weighs three times a received one) and heard from it.
"""

# SQL in this module is assembled only from its own constants and "?" placeholders; every value a caller
# or user supplies is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.utils import getaddresses
from functools import lru_cache
from typing import Any, Literal

from ..messaging.imap_support import choose_special_folder
from .rows import INSERT_COLUMNS, clean_text

Role = Literal["sent", "received", "labels"] | None
"""Whom a folder's messages count for; "labels": each message by its Gmail labels (All Mail with views)."""

SENT_WEIGHT = 3
"""A message written to someone counts as much as this many messages received from them."""
_MONTH_S = 30 * 24 * 3600
# Folders whose messages repeat others' or were never the person's correspondence.
_UNCOUNTED_USES = frozenset({"drafts", "junk", "trash", "all", "flagged", "important"})
_POSITIONS = {column: INSERT_COLUMNS.split(", ").index(column)
              for column in ("id", "date", "from_name", "from_addr", "to_addrs", "cc_addrs", "gm_labels")}
_SENT_LABEL = "\\Sent"
_UNCOUNTED_LABELS = frozenset({"\\Draft", "\\Spam", "\\Trash"})
_LABEL_SEPARATOR = "\n"
_UNUSABLE = frozenset('<>,;"')
_TOP = "\U0010ffff"  # sorts after every character: prefix ≤ word < prefix + _TOP is "starts with prefix"

# The score of one address row (a = addresses): its weighted count, shrinking with the months since it was last
# used (``?`` is now, in epoch seconds). Writing to someone once (even before the Sent copy is synced) is a start.
SCORE = (f"({SENT_WEIGHT}.0 * a.sent + a.received + (a.last_sent > 0) * 2.0) "
         f"/ (1.0 + max(0, ? - max(a.last_sent, a.last_received)) / {_MONTH_S}.0)")


@dataclass(frozen=True, slots=True)
class KnownAddress:
    """One person the account knows, as ``known_addresses`` ranks them."""

    address: str
    name: str
    sent: int
    """Messages in Sent written to them."""
    received: int
    """Messages kept from them."""
    last_used: int
    """Epoch seconds of the latest message to or from them."""
    score: float


def fold(text: str) -> str:
    """Lower case without accents: how words are indexed and prefixes compared ("Dupré" is found by "dupre")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words_of(address: str, name: str) -> set[str]:
    """The words ``address`` is found by."""
    found = {fold(address)}
    domain = address.rpartition("@")[2]
    if domain:
        found.add(fold(domain))
    folded_name = fold(name).strip()
    if folded_name:
        found.add(folded_name)
        for word in folded_name.replace(",", " ").replace("(", " ").replace(")", " ").replace('"', " ").split():
            found.add(word.strip("'.<>"))
    return {word for word in found if word}


def usable_address(address: str) -> str | None:
    """The address in lower case, or None if it is not one an e-mail can be written to."""
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or not _UNUSABLE.isdisjoint(address) or len(address.split()) != 1:
        return None
    return clean_text(address.lower())


def folder_role(conn: sqlite3.Connection, folder_id: int) -> Role:
    """Whom a folder's messages count for: their recipients (Sent), their sender, nobody, or each by its labels
    (Gmail's All Mail when labels are views of it; the views themselves count for nobody)."""
    row = conn.execute("SELECT name, special_use, view_of FROM folders WHERE id = ?", (folder_id,)).fetchone()
    if row is None:
        return None
    name, use, view_of = row
    if view_of is not None:
        return None
    if conn.execute("SELECT 1 FROM folders WHERE view_of = ? LIMIT 1", (folder_id,)).fetchone() is not None:
        return "labels"
    if use == "sent":
        return "sent"
    if use in _UNCOUNTED_USES:
        return None
    folders = conn.execute("SELECT name, special_use, 1 FROM folders").fetchall()
    if use is None:  # a server without SPECIAL-USE: the usual names tell
        for role in ("sent", "drafts", "junk", "trash"):
            if choose_special_folder(role, folders) == name:
                return "sent" if role == "sent" else None
    return "received"


@lru_cache(maxsize=4096)
def _recipients(to: str, cc: str) -> tuple[tuple[str, str], ...]:
    """The (name, address) pairs of a Sent message's recipients. Parsing address lists is slow in pure Python, and
    people write to the same few again and again: the lists already parsed are remembered."""
    return tuple((name, address) for name, address in getaddresses([to, cc]) if address)


@lru_cache(maxsize=16384)
def _person(raw_name: str, raw_address: str) -> tuple[str, str] | None:
    """(address, name) as a link counts them, or None for an address nobody can write to. The same few
    correspondents come back message after message: their cleaning is remembered."""
    address = usable_address(raw_address)
    if address is None:
        return None
    name = clean_text(raw_name.strip().strip('"'))
    if name and fold(name) == fold(address):
        name = ""  # "bob@example.com <bob@example.com>" names nobody
    return address, name


def _role_by_labels(row: Sequence[Any]) -> Role:
    """Whom one All Mail message counts for, by its Gmail labels."""
    text = row[_POSITIONS["gm_labels"]]
    labels = set(text.split(_LABEL_SEPARATOR)) if text else set()
    if _SENT_LABEL in labels:
        return "sent"
    return None if labels & _UNCOUNTED_LABELS else "received"


def _links_of(role: Role, row: Sequence[Any]) -> Sequence[tuple[str, str]]:
    """(name, address) pairs one message (an INSERT_COLUMNS row) counts for."""
    if role == "sent":
        return _recipients(row[_POSITIONS["to_addrs"]], row[_POSITIONS["cc_addrs"]])
    if role == "received":
        return [(row[_POSITIONS["from_name"]], row[_POSITIONS["from_addr"]])]
    return []


def _ids(conn: sqlite3.Connection, addresses: Sequence[str]) -> dict[str, tuple[int, str]]:
    """The stored (id, name) of each of ``addresses`` that has a row."""
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(addresses), 500):
        chunk = addresses[start:start + 500]
        for address, address_id, name in conn.execute(
                f"SELECT address, id, name FROM addresses WHERE address IN ({', '.join('?' * len(chunk))})", chunk):
            found[address] = (address_id, name)
    return found


def _upsert(conn: sqlite3.Connection, people: dict[str, str], *, last_sent: int = 0) -> dict[str, int]:
    """Make sure every address of ``people`` (address → name) has a row (a name only fills an empty one) and
    is found by its words; return their ids. Most addresses of a sync batch are known already: they cost one
    lookup, and only new or newly named ones are written."""
    known = _ids(conn, list(people))
    fresh = [address for address in people if address not in known]
    conn.executemany("INSERT INTO addresses (address, name, last_sent) VALUES (?, ?, ?)",
                     [(address, people[address], last_sent) for address in fresh])
    named = [address for address, name in people.items() if address in known and name and not known[address][1]]
    conn.executemany("UPDATE addresses SET name = ? WHERE id = ?",
                     [(people[address], known[address][0]) for address in named])
    if last_sent:
        conn.executemany("UPDATE addresses SET last_sent = max(last_sent, ?) WHERE id = ?",
                         [(last_sent, address_id) for address_id, _name in known.values()])
    ids = {address: address_id for address, (address_id, _name) in known.items()}
    ids.update((address, address_id) for address, (address_id, _name) in _ids(conn, fresh).items())
    conn.executemany(
        "INSERT OR IGNORE INTO address_words (word, address_id) VALUES (?, ?)",
        [(word, ids[address]) for address in (*fresh, *named) for word in words_of(address, people[address])],
    )
    return ids


def index_messages(conn: sqlite3.Connection, role: Role, rows: Iterable[Sequence[Any]]) -> None:
    """Count messages not counted yet (INSERT_COLUMNS rows of one folder whose role is ``role``), inside the
    caller's transaction."""
    if role is None:
        return
    if role == "labels":
        by_role: dict[Role, list[Sequence[Any]]] = {"sent": [], "received": []}
        for row in rows:
            own = _role_by_labels(row)
            if own is not None:
                by_role[own].append(row)
        for own, own_rows in by_role.items():
            index_messages(conn, own, own_rows)
        return
    sent = int(role == "sent")
    people: dict[str, str] = {}
    links: dict[tuple[int, str], int] = {}  # (message, address) → the message's date
    for row in rows:
        for raw_name, raw_address in _links_of(role, row):
            person = _person(raw_name, raw_address)
            if person is None:
                continue
            address, name = person
            if not people.get(address):
                people[address] = name
            links[(row[_POSITIONS["id"]], address)] = row[_POSITIONS["date"]] or 0
    if not links:
        return
    ids = _upsert(conn, people)
    conn.executemany("INSERT INTO address_links (message, address_id, sent) VALUES (?, ?, ?)",
                     [(message, ids[address], sent) for message, address in links])
    counts: dict[str, list[int]] = {}  # address → [messages, latest date]
    for (_message, address), date in links.items():
        count = counts.setdefault(address, [0, 0])
        count[0] += 1
        count[1] = max(count[1], date)
    column = "sent" if sent else "received"
    conn.executemany(f"UPDATE addresses SET {column} = {column} + ?, last_{column} = max(last_{column}, ?) "
                     "WHERE id = ?", [(number, latest, ids[address]) for address, (number, latest) in counts.items()])


def note_written_to(conn: sqlite3.Connection, people: Iterable[tuple[str, str]], when: float) -> None:
    """The person just sent mail to these (name, address) pairs: offer them at once. They are counted once the
    copy in Sent is synced (that message is what counts)."""
    wanted: dict[str, str] = {}
    for name, raw_address in people:
        address = usable_address(raw_address)
        if address is not None and not wanted.get(address):
            wanted[address] = clean_text(name.strip().strip('"'))
    if wanted:
        _upsert(conn, wanted, last_sent=int(when))


_STORED = "SELECT id, folder_id, date, from_name, from_addr, to_addrs, cc_addrs, gm_labels FROM messages AS m"
_NOT_LINKED = "NOT EXISTS (SELECT 1 FROM address_links AS l WHERE l.message = m.id)"


def _insert_rows(found: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """INSERT_COLUMNS-shaped rows (what index_messages reads) from _STORED rows."""
    width = len(INSERT_COLUMNS.split(", "))
    rows = []
    for rowid, _folder_id, date, from_name, from_addr, to, cc, labels in found:
        values: list[Any] = [None] * width
        values[_POSITIONS["id"]], values[_POSITIONS["date"]] = rowid, date
        values[_POSITIONS["from_name"]] = from_name
        values[_POSITIONS["from_addr"]], values[_POSITIONS["to_addrs"]] = from_addr, to
        values[_POSITIONS["cc_addrs"]], values[_POSITIONS["gm_labels"]] = cc, labels
        rows.append(values)
    return rows


def index_stored(conn: sqlite3.Connection, ids: str) -> None:
    """Count the stored messages whose ids the query ``ids`` (this package's own SQL) selects, those not counted
    yet, inside the caller's transaction."""
    found = conn.execute(f"{_STORED} WHERE id IN ({ids}) AND {_NOT_LINKED} ORDER BY id").fetchall()
    by_folder: dict[int, list[Sequence[Any]]] = {}
    for row in found:
        by_folder.setdefault(row[1], []).append(row)
    for folder_id, rows in by_folder.items():
        index_messages(conn, folder_role(conn, folder_id), _insert_rows(rows))


def backfill_slice(conn: sqlite3.Connection, limit: int) -> bool:
    """Count up to ``limit`` messages of a store made before addresses were indexed; True while more are left."""
    row = conn.execute("SELECT folder_id, next_id FROM address_backfill ORDER BY folder_id LIMIT 1").fetchone()
    if row is None:
        return False
    folder_id, next_id = row
    high = (folder_id << 32) | 0xFFFFFFFF
    # A message synced since the store was migrated is counted already.
    found = conn.execute(f"{_STORED} WHERE id > ? AND id <= ? AND {_NOT_LINKED} ORDER BY id LIMIT ?",
                         (next_id, high, limit)).fetchall()
    index_messages(conn, folder_role(conn, folder_id), _insert_rows(found))
    if len(found) < limit:
        conn.execute("DELETE FROM address_backfill WHERE folder_id = ?", (folder_id,))
    else:
        conn.execute("UPDATE address_backfill SET next_id = ? WHERE folder_id = ?", (found[-1][0], folder_id))
    return conn.execute("SELECT 1 FROM address_backfill LIMIT 1").fetchone() is not None


def known_addresses(conn: sqlite3.Connection, prefix: str, limit: int, now: float | None = None
                    ) -> list[KnownAddress]:
    """Addresses one of whose words starts with ``prefix``, best ranked first (an empty prefix finds nothing)."""
    needle = fold(prefix.strip())
    if not needle or limit <= 0:
        return []
    moment = time.time() if now is None else now
    rows = conn.execute(
        f"SELECT a.address, a.name, a.sent, a.received, max(a.last_sent, a.last_received), {SCORE} AS score "
        "FROM addresses AS a WHERE a.id IN (SELECT address_id FROM address_words WHERE word >= ? AND word < ?) "
        "AND (a.sent > 0 OR a.received > 0 OR a.last_sent > 0) "
        "ORDER BY score DESC, a.address LIMIT ?",
        (moment, needle, needle + _TOP, limit),
    ).fetchall()
    return [KnownAddress(address, name, sent, received, last_used, score)
            for address, name, sent, received, last_used, score in rows]
