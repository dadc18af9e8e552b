"""How a MessageSummary maps to a ``messages`` row and to its full-text index entry."""

from __future__ import annotations

from typing import Any

from .flags import decode_flags, encode_flags
from .models import MessageSummary
from .schema import message_rowid, uid_of
from .threads import from_signed64, subject_skip, thread_key, to_signed64

# Column order shared by every query that builds summaries; ``m`` is messages, ``f`` its folder.
SUMMARY_COLUMNS = (
    "m.id, f.name, m.date, m.internal_date, m.flags, m.keywords, m.size, m.has_attachments, m.thread_key, "
    "m.subject, m.from_name, m.from_addr, m.to_addrs, m.cc_addrs, m.message_id, m.in_reply_to, m.refs, "
    "m.gm_msgid, m.gm_thrid, m.gm_labels"
)
SUMMARY_FROM = "messages AS m JOIN folders AS f ON f.id = m.folder_id"

INSERT_COLUMNS = (
    "id, folder_id, date, internal_date, flags, keywords, size, has_attachments, thread_key, subject, "
    "subject_skip, from_name, from_addr, to_addrs, cc_addrs, message_id, in_reply_to, refs, gm_msgid, "
    "gm_thrid, gm_labels"
)
INSERT_PLACEHOLDERS = ", ".join("?" * len(INSERT_COLUMNS.split(", ")))

# Gmail labels cannot contain a newline, so it separates them.
_LABEL_SEPARATOR = "\n"


def clean_text(value: str) -> str:
    """``value`` without lone surrogates (from undecodable headers), which SQLite cannot store as UTF-8."""
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def summary_row(folder_id: int, summary: MessageSummary) -> tuple[Any, ...]:
    """The INSERT_COLUMNS values for ``summary`` stored in folder ``folder_id``."""
    rowid = message_rowid(folder_id, summary.uid)
    bits, keywords = encode_flags(summary.flags)
    subject = clean_text(summary.subject)
    message_id = clean_text(summary.message_id.strip())
    in_reply_to = clean_text(summary.in_reply_to.strip())
    references = clean_text(" ".join(summary.references.split()))
    key = thread_key(message_id, in_reply_to, references, summary.gm_thrid, fallback=str(rowid))
    return (
        rowid,
        folder_id,
        summary.date or summary.internal_date,
        summary.internal_date,
        bits,
        clean_text(keywords),
        summary.size,
        int(summary.has_attachments),
        key,
        subject,
        subject_skip(subject),
        clean_text(summary.from_name),
        clean_text(summary.from_addr),
        clean_text(summary.to),
        clean_text(summary.cc),
        message_id,
        in_reply_to,
        references,
        None if summary.gm_msgid is None else to_signed64(summary.gm_msgid),
        None if summary.gm_thrid is None else to_signed64(summary.gm_thrid),
        encode_labels(summary.gm_labels),
    )


def rekey_row(row: tuple[Any, ...], folder_id: int) -> tuple[Any, ...]:
    """An INSERT_COLUMNS row made for another folder id, made for ``folder_id``: its id, and its thread key when
    that came from the id (a message without any Message-ID)."""
    rowid = message_rowid(folder_id, uid_of(row[0]))
    gm_thrid = row[19]
    key = thread_key(row[15], row[16], row[17], None if gm_thrid is None else from_signed64(gm_thrid),
                     fallback=str(rowid))
    return (rowid, folder_id, *row[2:8], key, *row[9:])


def encode_labels(labels: tuple[str, ...] | list[str]) -> str:
    return clean_text(_LABEL_SEPARATOR.join(label for label in labels if label))


def summary_from_row(row: tuple[Any, ...]) -> MessageSummary:
    """A summary from the SUMMARY_COLUMNS of one row."""
    (rowid, folder, date, internal_date, bits, keywords, size, has_attachments, key, subject, from_name,
     from_addr, to, cc, message_id, in_reply_to, references, gm_msgid, gm_thrid, labels) = row
    return MessageSummary(
        uid=uid_of(rowid),
        subject=subject,
        from_name=from_name,
        from_addr=from_addr,
        to=to,
        cc=cc,
        date=date,
        internal_date=internal_date,
        flags=decode_flags(bits, keywords),
        size=size,
        has_attachments=bool(has_attachments),
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        gm_labels=tuple(labels.split(_LABEL_SEPARATOR)) if labels else (),
        gm_thrid=None if gm_thrid is None else from_signed64(gm_thrid),
        gm_msgid=None if gm_msgid is None else from_signed64(gm_msgid),
        thread_key=key,
        folder=folder,
    )


# The full-text entry of a message. Contentless FTS5 can only delete an entry when given exactly the values it
# indexed, so these two functions are the single definition used both to add and to remove entries.
FTS_SOURCE_COLUMNS = "m.id, m.from_name, m.from_addr, m.to_addrs, m.cc_addrs, m.subject"


def fts_values(row: tuple[Any, ...], body_text: str) -> tuple[int, str, str, str, str]:
    """(rowid, sender, recipients, subject, body) from a FTS_SOURCE_COLUMNS row."""
    rowid, from_name, from_addr, to, cc, subject = row
    return rowid, f"{from_name} {from_addr}", f"{to} {cc}", subject, body_text


_FTS_SOURCE_POSITIONS = tuple(
    INSERT_COLUMNS.split(", ").index(column.removeprefix("m.")) for column in FTS_SOURCE_COLUMNS.split(", ")
)


def fts_values_for_insert(row: tuple[Any, ...]) -> tuple[int, str, str, str, str]:
    """The same entry built from an INSERT_COLUMNS row (no body yet)."""
    return fts_values(tuple(row[position] for position in _FTS_SOURCE_POSITIONS), "")
