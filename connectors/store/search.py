"""The search box language, parsed into an FTS5 MATCH expression plus SQL conditions.

    alice invoice            both words anywhere (sender, recipients, subject, cached body)
    invo                     the last bare word also matches as a prefix (typing "invo" finds "invoice")
    "quarterly report"       the exact phrase
    from:alice to:bob cc:x   in the sender / recipients (to: and cc: both search To and Cc)
    subject:"status update"  in the subject;  body:word  in the cached body text
    has:attachment           is:unread is:read is:flagged is:answered is:draft
    after:2024-01-31 before:2024-03  (UTC days; YYYY, YYYY-MM or YYYY-MM-DD, "-" or "/")
    in:inbox                 a folder by name or by special use (on Gmail, a label's folder: the label)
    -word -from:bob -is:read negation of any term

Terms combine with AND. Every user value reaches FTS5 as a double-quoted string and SQL as a bound parameter,
so no input can produce a syntax error: words without any letter or digit are dropped, and a query that ends
up with no criteria matches nothing. Unknown ``is:``/``has:`` values and bad dates raise SearchQueryError
(a ValueError) with a message for the person typing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from .errors import SearchQueryError
from .flags import ANSWERED, DELETED, DRAFT, FLAGGED, SEEN

MAX_QUERY_CHARS = 1000
MAX_TERMS = 64  # FTS5 limits expression depth (256); AND chains nest
PREFIX_MIN_CHARS = 2

_COLUMNS = {"from": "sender", "to": "recipients", "cc": "recipients", "subject": "subject", "body": "body"}
_IS = {
    "unread": f"(m.flags & {SEEN}) = 0",
    "read": f"(m.flags & {SEEN}) != 0",
    "seen": f"(m.flags & {SEEN}) != 0",
    "flagged": f"(m.flags & {FLAGGED}) != 0",
    "starred": f"(m.flags & {FLAGGED}) != 0",
    "answered": f"(m.flags & {ANSWERED}) != 0",
    "replied": f"(m.flags & {ANSWERED}) != 0",
    "draft": f"(m.flags & {DRAFT}) != 0",
    "deleted": f"(m.flags & {DELETED}) != 0",
}
_HAS = {"attachment": "m.has_attachments != 0", "attachments": "m.has_attachments != 0"}
# Criteria that usually match few messages, and the partial index (schema steps 4 and 9) holding just those,
# newest first per folder. The SQL must be spelled as in the index's WHERE for SQLite to use it. Rarest first in
# most mailboxes: a search with several walks the index of the first (sparse_index).
SPARSE_INDEXES = {
    _IS["deleted"]: "messages_deleted",
    _IS["draft"]: "messages_draft",
    _IS["flagged"]: "messages_flagged",
    _IS["answered"]: "messages_answered",
    _HAS["attachment"]: "messages_with_attachments",
    _IS["unread"]: "messages_unread",
}
# A negated operator that is another operator: spelled as that one, so that its index serves it (-is:read).
_NEGATED = {_IS["read"]: _IS["unread"], _IS["unread"]: _IS["read"]}
# in:NAME — a folder by name or special use. A Gmail label's folder is a view of All Mail (connectors.store.gmail):
# the All Mail row that the view repeats is in it too, since a search across folders or in a view reads that row.
# The first test names the folders whose rows can match (All Mail for a view), so the folder index serves it.
IN_FOLDER = (
    "(m.folder_id IN (SELECT coalesce(view_of, id) FROM folders WHERE name = ? COLLATE NOCASE OR special_use = ?) "
    "AND (m.folder_id IN (SELECT id FROM folders WHERE (name = ? COLLATE NOCASE OR special_use = ?) "
    "AND view_of IS NULL) "
    "OR EXISTS (SELECT 1 FROM folders AS vf WHERE vf.view_of = m.folder_id "
    "AND (vf.name = ? COLLATE NOCASE OR vf.special_use = ?) "
    "AND EXISTS (SELECT 1 FROM messages AS vm WHERE vm.id = ((vf.id << 32) | (m.id & 4294967295))))))"
)
_OPERATORS = frozenset(_COLUMNS) | {"is", "has", "after", "before", "in"}
_OPERATOR = re.compile(r"([A-Za-z]+):")
_DATE = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?")


@dataclass(frozen=True, slots=True)
class Condition:
    """A SQL boolean over the messages table (aliased ``m``) with its bound parameters."""

    sql: str
    params: tuple[object, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A parsed search.

    ``match``: FTS5 expression the message must match (None: no full-text criterion).
    ``exclude``: FTS5 expression the message must not match, used only when there is no ``match`` to attach
    the negation to (FTS5's NOT is binary).
    """

    match: str | None
    exclude: str | None
    conditions: tuple[Condition, ...]

    @property
    def matches_nothing(self) -> bool:
        """True when the query held no usable criterion (blank, or only punctuation)."""
        return self.match is None and self.exclude is None and not self.conditions


@dataclass(frozen=True, slots=True)
class QueryTerm:
    """One term as typed: ``operator`` None for a bare word or phrase; ``-`` makes it ``negated``."""

    operator: str | None
    value: str
    negated: bool
    quoted: bool


def _tokens(text: str) -> list[QueryTerm]:
    tokens: list[QueryTerm] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        if negated:
            i += 1
        operator = None
        match = _OPERATOR.match(text, i)
        if match and match.group(1).lower() in _OPERATORS:
            operator = match.group(1).lower()
            i = match.end()
        quoted = i < n and text[i] == '"'
        if quoted:
            end = text.find('"', i + 1)
            if end == -1:  # unbalanced quote: the phrase runs to the end
                end = n
            value, i = text[i + 1:end], end + 1
        else:
            end = i
            while end < n and not text[end].isspace():
                end += 1
            value, i = text[i:end], end
        tokens.append(QueryTerm(operator, value, negated, quoted))
    return tokens


def _searchable(value: str) -> bool:
    """Whether the FTS tokenizer will find at least one word in ``value``."""
    return any(char.isalnum() for char in value)


def _fts_string(value: str, prefix: bool = False) -> str:
    return '"' + " ".join(value.replace('"', '""').split()) + '"' + ("*" if prefix else "")


def _day_start(value: str, operator: str) -> int:
    match = _DATE.fullmatch(value.strip())
    if not match:
        raise SearchQueryError(f"{operator}: needs a date like 2024-01-31, 2024-01 or 2024 (got {value!r})")
    year, month, day = (int(group) if group else 1 for group in match.groups())
    try:
        return int(datetime(year, month, day, tzinfo=UTC).timestamp())
    except ValueError as error:
        raise SearchQueryError(f"{operator}:{value} is not a valid date ({error})") from None


def _condition(token: QueryTerm) -> Condition:
    operator, value = token.operator, token.value.strip()
    if operator == "is":
        sql = _IS.get(value.lower())
        if sql is None:
            raise SearchQueryError(f"Unknown is:{value}; use one of {', '.join(sorted(_IS))}")
        return Condition(sql)
    if operator == "has":
        sql = _HAS.get(value.lower())
        if sql is None:
            raise SearchQueryError(f"Unknown has:{value}; use has:attachment")
        return Condition(sql)
    if operator == "after":
        return Condition("m.date >= ?", (_day_start(value, "after"),))
    if operator == "before":
        return Condition("m.date < ?", (_day_start(value, "before"),))
    if operator == "in":
        return Condition(IN_FOLDER, (value, value.lower()) * 3)
    raise AssertionError(f"not a condition operator: {operator}")


def sparse_index(conditions: Iterable[Condition]) -> str | None:
    """The partial index of the rarest sparse criterion among ``conditions`` (None if there is none)."""
    present = {condition.sql for condition in conditions}
    return next((index for sql, index in SPARSE_INDEXES.items() if sql in present), None)


def parse_query(text: str) -> ParsedQuery:
    """Parse the search box text; see the module docstring for the language."""
    if len(text) > MAX_QUERY_CHARS:
        raise SearchQueryError(f"The search is too long ({len(text)} characters; at most {MAX_QUERY_CHARS})")
    tokens = _tokens(text)
    if len(tokens) > MAX_TERMS:
        raise SearchQueryError(f"The search has too many terms ({len(tokens)}; at most {MAX_TERMS})")
    positive: list[str] = []
    negative: list[str] = []
    conditions: list[Condition] = []
    for index, token in enumerate(tokens):
        if token.operator is not None and token.operator not in _COLUMNS:
            if not token.value.strip():
                continue  # "is:" typed but not finished yet
            condition = _condition(token)
            if token.negated:
                opposite = _NEGATED.get(condition.sql)
                condition = Condition(opposite) if opposite else Condition(f"NOT ({condition.sql})", condition.params)
            conditions.append(condition)
            continue
        if not _searchable(token.value):
            continue
        # Only a bare word still being typed (last, no trailing space) matches as a prefix.
        prefix = (
            index == len(tokens) - 1
            and token.operator is None
            and not token.quoted
            and not token.negated
            and not text[-1:].isspace()
            and sum(char.isalnum() for char in token.value) >= PREFIX_MIN_CHARS
        )
        phrase = _fts_string(token.value, prefix)
        if token.operator is not None:
            phrase = f"{_COLUMNS[token.operator]} : {phrase}"
        (negative if token.negated else positive).append(phrase)
    match = " AND ".join(positive) or None
    exclude = " OR ".join(negative) or None
    if match is not None and exclude is not None:
        match, exclude = f"({match}) NOT ({exclude})", None
    return ParsedQuery(match, exclude, tuple(conditions))



def query_date(value: str, operator: str) -> date:
    """The UTC day an ``after:``/``before:`` value names (SearchQueryError if it is not a date)."""
    return datetime.fromtimestamp(_day_start(value, operator), UTC).date()


def query_terms(text: str) -> list[QueryTerm]:
    """The terms of a search as :func:`parse_query` reads them, for a search that runs elsewhere (on the IMAP
    server). Raises SearchQueryError where parse_query would."""
    parse_query(text)
    return _tokens(text)
