"""Message summaries from a lean header FETCH: what the message list needs, without bodies.

Fetching a handful of header fields as one literal (``BODY.PEEK[HEADER.FIELDS (...)]``) costs far less to parse
than ENVELOPE, which is what makes a 100k-message first sync fit in seconds.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from email.headerregistry import HeaderRegistry
from email.utils import parsedate_to_datetime
from typing import Any

from ..messaging.charsets import decode_text
from ..messaging.imap_support import decode_labels
from ..messaging.mime import decode_header_value
from ..store import MessageSummary
from ..store.flags import encode_flags
from ..store.rows import clean_text, encode_labels
from ..store.schema import message_rowid
from ..store.threads import subject_skip, thread_key, to_signed64

HEADER_FIELDS = (
    "FROM", "TO", "CC", "SUBJECT", "DATE", "MESSAGE-ID", "IN-REPLY-TO", "REFERENCES", "CONTENT-TYPE",
)
HEADER_ITEM = f"BODY.PEEK[HEADER.FIELDS ({' '.join(HEADER_FIELDS)})]"
# IMAPClient reports the section as the server echoes it, without .PEEK.
_HEADER_KEY = f"BODY[HEADER.FIELDS ({' '.join(HEADER_FIELDS)})]".encode()
# INTERNALDATE is left out: parsing it costs a quarter of the whole FETCH. Messages with no usable Date header
# (rare) get it in a second, small FETCH (see SyncEngine._fetch_headers).
SUMMARY_ITEMS = ["UID", "FLAGS", "RFC822.SIZE", HEADER_ITEM]
GMAIL_ITEMS = ["X-GM-LABELS", "X-GM-THRID", "X-GM-MSGID"]

_MAX_TEXT = 2000  # a hostile header must not bloat the store


def _text(value: str | None) -> str:
    """Header text as the list shows it (``decode_header_value``), capped. Plain text with no encoded word and
    no line break or tab, by far the most common, needs nothing but stripping, which is all that would do."""
    if value is None:
        return ""
    if "=?" not in value and "\t" not in value and "\r" not in value and "\n" not in value:
        return value.strip()[:_MAX_TEXT]
    return decode_header_value(value)[:_MAX_TEXT]


# The Date shape nearly every mailer writes (RFC 5322 3.3 without comment or obsolete zone):
# "Mon, 1 Jan 2024 08:01:00 +0000". Anything else is left to the email package.
_MONTHS = {name: number for number, name in enumerate(calendar.month_abbr) if name}
_MONTH_DAYS = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_MONTH_STARTS: dict[tuple[int, int], int] = {}  # (year, month) -> days from the epoch; at most 12 per year 1900-9999
_PLAIN_DATE = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?([0-9]{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) ([+-])([0-9]{2})([0-9]{2})")


def date_epoch(value: str | None) -> int:
    """Epoch seconds of a Date header, 0 when it cannot be read: ``epoch(parsedate_to_datetime(value))``, with the
    usual shape computed directly (it is checked against the email package in the tests)."""
    if not value:
        return 0
    match = _PLAIN_DATE.fullmatch(value)
    if match is not None:
        day, month_name, year, hour, minute, second, sign, zone_hours, zone_minutes = match.groups()
        d, y, h, mi, sec, zh, zm = (int(day), int(year), int(hour), int(minute), int(second), int(zone_hours),
                                    int(zone_minutes))
        month = _MONTHS[month_name]
        if (y >= 1900 and 1 <= d <= _MONTH_DAYS[month] and (d < 29 or month != 2 or calendar.isleap(y))
                and h < 24 and mi < 60 and sec < 60 and zh < 24 and zm < 60):
            offset = zh * 3600 + zm * 60
            start = _MONTH_STARTS.get((y, month))
            if start is None:  # days from the epoch to the month's first day, as calendar.timegm counts them
                start = _MONTH_STARTS[(y, month)] = dt.date(y, month, 1).toordinal() - _EPOCH_ORDINAL
            seconds = ((start + d - 1) * 24 + h) * 3600 + mi * 60 + sec
            return seconds - (offset if sign == "+" else -offset)
    try:
        return epoch(parsedate_to_datetime(value))
    except (TypeError, ValueError, IndexError):
        return 0


def epoch(value: object) -> int:
    """Epoch seconds of a datetime (naive means UTC); 0 for anything else."""
    if not isinstance(value, dt.datetime):
        return 0
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return int(value.timestamp())


# The common From shapes, on the raw (undecoded) value: ``Name <addr>`` and a bare ``addr``, with no quote, comma,
# group or comment anywhere. Encoded words in the name are decoded only after the address has been found.
_SIMPLE_FROM = re.compile(
    r'^\s*([^"<>,:;()\\@]*?)\s*<([^<>\s",:;()\\]+@[^<>\s",:;()\\]+)>\s*$|^\s*([^<>\s",:;()\\]+@[^<>\s",:;()\\]+)\s*$')
# ``"Last, First" <addr>``, frequent enough to deserve its own fast shape.
_QUOTED_FROM = re.compile(r'^\s*"((?:[^"\\\r\n]|\\.)*)"\s*<([^<>\s",:;()\\]+@[^<>\s",:;()\\]+)>\s*$')
_QUOTED_PAIR = re.compile(r"\\(.)")
_HEADERS = HeaderRegistry()
_LINE_BREAKS = re.compile(r"[\r\n\t]+")


def _parsed(name: str, raw: str) -> Any:
    """The email package's structured header for a raw address field, or None when it cannot read it at all."""
    try:
        return _HEADERS(name, raw)
    except Exception:  # noqa: BLE001 - junk from a hostile sender: the caller falls back to plain text
        return None


def _sender(raw: str) -> tuple[str, str]:
    """(name, address) of a raw From header, its structure read before any encoded word is decoded.

    Like the reader's sender check (``mime.verified_sender``), only one plain address counts: two addresses, a
    group, a defect (``boss@bank.test <me@x.test>``) or an unreadable value give no address, and the decoded
    header text as the name, for the list to show all of it.
    """
    match = _SIMPLE_FROM.match(raw)
    if match:
        addr = match.group(2) or match.group(3)
        return _text(match.group(1) or ""), addr
    match = _QUOTED_FROM.match(raw)
    if match and "=?" not in match.group(1):  # encoded words inside quotes: a defect the parser must see
        return _clean(_QUOTED_PAIR.sub(r"\1", match.group(1))), match.group(2)
    header = _parsed("from", raw) if raw else None
    if header is None:
        return _text(raw), ""
    addresses = header.addresses
    grouped = any(group.display_name is not None for group in header.groups)
    if header.defects:  # what the parser kept may hide what the header says: show all of it
        return _text(raw), ""
    if len(addresses) != 1 or grouped:
        return _clean(str(header)) or _text(raw), ""
    address = addresses[0]
    name = _clean(address.display_name or "")
    if address.username and address.domain:
        return name, _clean(address.addr_spec)
    return name or _clean(address.addr_spec), ""


def _clean(text: str) -> str:
    """Already decoded header text: line breaks and tabs become spaces, capped like every stored text."""
    return _LINE_BREAKS.sub(" ", text).strip()[:_MAX_TEXT]


def _recipients(raw: str | None) -> str:
    """A To/Cc value as text. Encoded words can decode to commas, quotes or brackets: then the address list is read
    on the raw value first and written back with such names quoted, so the list still splits where the header did."""
    if not raw:
        return ""
    if "=?" in raw:
        header = _parsed("to", raw)
        if header is not None and header.addresses:
            return _clean(str(header))
    return _text(raw)


def _split_headers(raw: bytes) -> dict[str, str]:
    """The few header fields of a HEADER.FIELDS answer, unfolded (RFC 5322 2.2.3); the first of each wins.

    A full parser is not needed for a dozen known fields, and this is the hot loop of a 100k-message sync.
    """
    try:
        text = raw.decode("utf-8")  # what decode_text does first, without its charset lookup
    except UnicodeDecodeError:
        text = decode_text(raw, "utf-8")  # raw 8-bit headers: UTF-8, else windows-1252 as the reader decodes them
    fields: dict[str, str] = {}
    name = None
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if not line:
            continue
        if line[0] in " \t":
            if name is not None:
                fields[name] += " " + line.strip()
            continue
        key, colon, value = line.partition(":")
        if not colon:
            name = None
            continue
        key = key.strip().lower()
        if key in fields:
            name = None  # a repeated field: keep the first, ignore this one's continuation lines too
            continue
        name = key
        fields[key] = value.strip()
    return fields


def _header_bytes(data: Mapping[bytes, Any]) -> bytes:
    raw = data.get(_HEADER_KEY)
    if raw is None:  # some servers echo the section with different spacing or case
        raw = next((v for k, v in data.items() if k.startswith(b"BODY[HEADER")), b"")
    return bytes(raw or b"")


def summary_from_fetch(uid: int, data: Mapping[bytes, Any]) -> MessageSummary:
    """A MessageSummary from one FETCH response of SUMMARY_ITEMS (+ GMAIL_ITEMS on Gmail). Never raises on junk."""
    headers = _split_headers(_header_bytes(data))
    from_name, from_addr = _sender(headers.get("from", ""))
    internal = data.get(b"INTERNALDATE")
    content_type = headers.get("content-type", "").lower()
    labels = data.get(b"X-GM-LABELS")
    thrid, msgid = data.get(b"X-GM-THRID"), data.get(b"X-GM-MSGID")
    return MessageSummary(
        uid=uid,
        subject=_text(headers.get("subject")),
        from_name=from_name[:_MAX_TEXT],
        from_addr=from_addr[:_MAX_TEXT],
        to=_recipients(headers.get("to")),
        cc=_recipients(headers.get("cc")),
        date=date_epoch(headers.get("date")),
        internal_date=epoch(internal if isinstance(internal, dt.datetime) else None),
        flags=frozenset([f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f)
                         for f in data.get(b"FLAGS", ())]),
        size=int(data.get(b"RFC822.SIZE") or 0),
        # Without BODYSTRUCTURE, multipart/mixed is the sign of attachments (Thunderbird's heuristic too);
        # the flag is corrected when the body is opened.
        has_attachments=content_type.startswith("multipart/mixed"),
        message_id=_text(headers.get("message-id"))[:500],
        in_reply_to=_text(headers.get("in-reply-to"))[:500],
        references=" ".join(_text(headers.get("references")).split()[-20:]),
        gm_labels=tuple(decode_labels(labels)) if labels is not None else (),
        gm_thrid=int(thrid) if thrid is not None else None,
        gm_msgid=int(msgid) if msgid is not None else None,
    )


# -- the header sync's fast path: store rows straight from the FETCH data ---------------------------------------

_FLAG_CODES: dict[tuple[Any, ...], tuple[int, str]] = {}  # FLAGS item -> (bits, keywords): few distinct sets


def _flag_code(flags: Any) -> tuple[int, str]:
    """``encode_flags`` of a FLAGS item as the summary decodes it, remembered per distinct set (a folder holds a
    handful: (), (\\Seen), (\\Seen \\Answered)...)."""
    key = tuple(flags)
    try:
        return _FLAG_CODES[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable item: never from IMAPClient or the fast parser, still not a reason to fail
        return encode_flags([f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f) for f in key])
    code = encode_flags([f.decode("utf-8", "replace") if isinstance(f, bytes) else str(f) for f in key])
    code = (code[0], clean_text(code[1]))
    if len(_FLAG_CODES) > 4096:
        _FLAG_CODES.clear()
    _FLAG_CODES[key] = code
    return code


def row_from_fetch(folder_id: int, uid: int, data: Mapping[bytes, Any]) -> tuple[tuple[Any, ...], bool]:
    """The store's row (``connectors.store.rows.INSERT_COLUMNS``) for one FETCH response of SUMMARY_ITEMS (+
    GMAIL_ITEMS), and whether its Date header gave a date (if not, the row's date waits for INTERNALDATE: see
    :func:`with_internal_date`).

    The row is exactly ``summary_row(folder_id, summary_from_fetch(uid, data))`` (the tests compare both on a
    varied corpus), built without the frozen MessageSummary in between and without cleaning text twice: a first
    sync spent about a third of its CPU time building summaries and turning them into rows. Never raises on junk.
    """
    headers = _split_headers(_header_bytes(data))
    get = headers.get
    from_name, from_addr = _sender(get("from", ""))
    internal = data.get(b"INTERNALDATE")
    internal_date = epoch(internal) if isinstance(internal, dt.datetime) else 0
    date = date_epoch(get("date"))
    bits, keywords = _flag_code(data.get(b"FLAGS", ()))
    labels, thrid, msgid = data.get(b"X-GM-LABELS"), data.get(b"X-GM-THRID"), data.get(b"X-GM-MSGID")
    gm_thrid = int(thrid) if thrid is not None else None
    gm_msgid = int(msgid) if msgid is not None else None
    rowid = message_rowid(folder_id, uid)
    subject = clean_text(_text(get("subject")))
    message_id = clean_text(_text(get("message-id"))[:500].strip())
    in_reply_to = clean_text(_text(get("in-reply-to"))[:500].strip())
    references = clean_text(" ".join(_text(get("references")).split()[-20:]))
    return (
        rowid,
        folder_id,
        date or internal_date,
        internal_date,
        bits,
        keywords,
        int(data.get(b"RFC822.SIZE") or 0),
        # Without BODYSTRUCTURE, multipart/mixed is the sign of attachments (see summary_from_fetch).
        int(get("content-type", "").lower().startswith("multipart/mixed")),
        thread_key(message_id, in_reply_to, references, gm_thrid, fallback=str(rowid)),
        subject,
        subject_skip(subject),
        clean_text(from_name[:_MAX_TEXT]),
        clean_text(from_addr[:_MAX_TEXT]),
        clean_text(_recipients(get("to"))),
        clean_text(_recipients(get("cc"))),
        message_id,
        in_reply_to,
        references,
        None if gm_msgid is None else to_signed64(gm_msgid),
        None if gm_thrid is None else to_signed64(gm_thrid),
        encode_labels(decode_labels(labels)) if labels is not None else "",
    ), bool(date)


def with_internal_date(row: tuple[Any, ...], internal: object) -> tuple[Any, ...]:
    """An undated row (no usable Date header) with the message's INTERNALDATE as its date."""
    internal_date = epoch(internal)
    return (*row[:2], internal_date, internal_date, *row[4:])
