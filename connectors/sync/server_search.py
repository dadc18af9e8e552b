"""The search box's language as an IMAP SEARCH, for finding on the server what the local store does not hold
(bodies never downloaded, messages not synchronised yet).

On Gmail the words, people, subject, attachments and dates go to Gmail's own search (``X-GM-RAW``, RFC-less but
documented at developers.google.com/gmail/imap/imap-extensions); flags are IMAP keys either way, ANDed with it.
"""

from __future__ import annotations

from typing import Any

from ..store.search import QueryTerm, query_date, query_terms

__all__ = ["server_criteria"]

_FLAG_KEYS = {
    "unread": "UNSEEN",
    "read": "SEEN",
    "seen": "SEEN",
    "flagged": "FLAGGED",
    "starred": "FLAGGED",
    "answered": "ANSWERED",
    "replied": "ANSWERED",
    "draft": "DRAFT",
    "deleted": "DELETED",
}
_HEADER_KEYS = {"from": ["FROM"], "to": ["TO", "CC"], "cc": ["TO", "CC"], "subject": ["SUBJECT"], "body": ["BODY"]}


def _imap_key(term: QueryTerm) -> list[Any]:
    """One term as IMAP SEARCH keys (RFC 3501 6.4.4); [] for a term the server cannot test."""
    operator, value = term.operator, term.value.strip()
    if not value:
        return []
    if operator is None:
        return ["TEXT", value]
    if operator in _HEADER_KEYS:
        names = _HEADER_KEYS[operator]
        return [names[0], value] if len(names) == 1 else ["OR", names[0], value, names[1], value]
    if operator == "is":
        return [_FLAG_KEYS[value.lower()]]
    if operator == "has":
        # IMAP cannot see attachments; multipart/mixed is the sign the message list goes by too.
        return ["HEADER", "Content-Type", "multipart/mixed"]
    if operator == "after":
        return ["SENTSINCE", query_date(value, "after")]
    if operator == "before":
        return ["SENTBEFORE", query_date(value, "before")]
    return []  # in: — the server search runs in the folder shown


def _gmail_words(term: QueryTerm) -> str:
    """One term in Gmail's search syntax; "" for a flag (sent as an IMAP key) or a folder."""
    operator, value = term.operator, term.value.strip()
    if not value or operator in ("is", "in"):
        return ""
    if operator in ("after", "before"):
        text = f"{operator}:{query_date(value, operator):%Y/%m/%d}"
    else:
        if term.quoted or any(char.isspace() for char in value):
            value = '"' + value.replace('"', " ") + '"'
        if operator in ("to", "cc"):
            text = f"{{to:{value} cc:{value}}}"  # as the local search: to: and cc: both look in To and Cc
        elif operator in ("from", "subject", "has"):
            text = f"{operator}:{value}"
        else:  # a bare word or phrase, or body: (Gmail looks in the body for every word)
            text = value
    return "-" + text if term.negated else text


def server_criteria(query: str, *, gmail: bool) -> list[Any]:
    """IMAP SEARCH criteria for ``query`` (the search box's language); [] when nothing in it can be searched on
    the server. Raises SearchQueryError for a query the person must fix, as the local search does."""
    criteria: list[Any] = []
    words: list[str] = []
    for term in query_terms(query):
        if gmail and term.operator != "is":
            word = _gmail_words(term)
            if word:
                words.append(word)
            continue
        key = _imap_key(term)
        if key:
            criteria += ["NOT", *key] if term.negated else key
    if words:
        criteria = ["X-GM-RAW", " ".join(words), *criteria]
    return criteria
