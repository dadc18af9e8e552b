"""SEARCH for the loopback Gmail IMAP emulator: RFC 3501 criteria plus Gmail's X-GM-* keys.

Emulated IMAP keys: ALL, ANSWERED/UNANSWERED, DELETED/UNDELETED, DRAFT/UNDRAFT, FLAGGED/UNFLAGGED,
SEEN/UNSEEN, NEW/OLD/RECENT (nothing is ever \\Recent), KEYWORD/UNKEYWORD, FROM, TO, CC, BCC,
SUBJECT, HEADER, BODY, TEXT (case-insensitive substring of the RFC 2047-decoded text), SINCE, BEFORE,
ON (internal date), SENTSINCE/SENTBEFORE/SENTON (Date header), LARGER, SMALLER, UID sets, sequence
sets, NOT, OR, parenthesised groups, ``CHARSET UTF-8``/``US-ASCII``; and, from
https://developers.google.com/gmail/imap/imap-extensions, X-GM-RAW, X-GM-MSGID, X-GM-THRID and
X-GM-LABELS.

X-GM-RAW takes Gmail's web search syntax; this subset is emulated: ``is:unread|read|starred|important``
(``in:`` accepted for those too, as in the doc's own ``in:unread`` example), ``has:attachment``
(a part marked attachment or carrying a file name), ``has:userlabels|nouserlabels``, ``from:``,
``to:``, ``cc:``, ``bcc:`` (``me`` is the account; substring of address or display name),
``subject:`` (words), ``label:`` (case-insensitive, "/" and spaces may be written "-"),
``in:inbox|sent|drafts|important|starred|trash|spam|anywhere``, ``filename:``, ``rfc822msgid:``,
``after:``/``before:`` (YYYY/MM/DD against the internal date), ``larger:``/``smaller:`` (k/M
suffixes), ``"quoted phrases"`` and bare words (whole words, in order, in the sender, recipients,
subject, body text or attachment names), implicit AND, ``-`` negation, ``OR`` and ``{a b}`` (any of),
and ``( )`` groups. Unknown ``op:value`` terms are searched as text, as Gmail does.

Not emulated: stemming, synonyms and the relevance of Gmail's real index, ``older_than:``/
``newer_than:``, ``category:``, ``list:``, ``deliveredto:``, ``size:``, ``AROUND``, and op values in
parentheses (``subject:(a b)``). Gmail matches in Trash/Spam only with in:trash/in:spam/in:anywhere;
here a search only ever sees the selected folder, so that rule has no visible effect.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from tests.servers.gmail_store import (
    DRAFT,
    IMPORTANT,
    INBOX,
    SENT,
    SPAM,
    STARRED,
    SYSTEM_LABELS,
    TRASH,
    GmailMessage,
    Mailbox,
    label_from_wire,
)
from tests.servers.imap_wire import (
    BadCommand,
    CommandFailed,
    Token,
    as_text,
    decode_mutf7,
    is_sequence_set,
    parse_search_date,
    parse_sequence_set,
    resolve_set,
)


@dataclass(frozen=True)
class Candidate:
    seq: int
    uid: int
    msg: GmailMessage


Predicate = Callable[[Candidate], bool]


def run_search(tokens: list[Token], mailbox: Mailbox, view: list[tuple[int, int]]) -> list[Candidate]:
    """Candidates of ``view`` (the session's (uid, msgid) list, in sequence order) that match."""
    if len(tokens) >= 2 and isinstance(tokens[0], str) and tokens[0].upper() == "CHARSET":
        charset = as_text(tokens[1]).upper()
        if charset not in ("UTF-8", "US-ASCII"):
            raise CommandFailed("[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset")
        tokens = tokens[2:]
    if not tokens:
        raise BadCommand("Missing search criteria")
    parser = _Parser(tokens, mailbox, view)
    predicate = parser.parse_all()
    candidates = [
        Candidate(i + 1, uid, mailbox.messages[msgid])
        for i, (uid, msgid) in enumerate(view)
        if msgid in mailbox.messages
    ]
    return [c for c in candidates if predicate(c)]


def _contains(haystack: str, needle: str) -> bool:
    return needle.casefold() in haystack.casefold()


def _header_text(msg: GmailMessage) -> str:
    return "\n".join(f"{name}: {msg.header(name)}" for name in dict.fromkeys(msg.parsed.keys()))


def _flag(name: str, present: bool = True) -> Predicate:
    return lambda c: (name in c.msg.flags) == present


class _Parser:
    def __init__(self, tokens: list[Token], mailbox: Mailbox, view: list[tuple[int, int]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.mailbox = mailbox
        self.view = view

    def parse_all(self) -> Predicate:
        keys: list[Predicate] = []
        while self.pos < len(self.tokens):
            keys.append(self.key())
        return lambda c: all(k(c) for k in keys)

    def next(self, what: str = "search key") -> Token:
        if self.pos >= len(self.tokens):
            raise BadCommand(f"Missing {what}")
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def string(self) -> str:
        return as_text(self.next("search string"))

    def number(self) -> int:
        text = as_text(self.next("number"))
        if not text.isdigit():
            raise BadCommand(f"Expected a number, got {text!r}")
        return int(text)

    def key(self) -> Predicate:
        token = self.next()
        if isinstance(token, list):
            return _Parser(token, self.mailbox, self.view).parse_all()
        if isinstance(token, bytes):
            raise BadCommand("Search key expected")
        word = token.upper()
        simple: dict[str, Predicate] = {
            "ALL": lambda c: True,
            "ANSWERED": _flag("\\Answered"), "UNANSWERED": _flag("\\Answered", False),
            "DELETED": _flag("\\Deleted"), "UNDELETED": _flag("\\Deleted", False),
            "DRAFT": _flag("\\Draft"), "UNDRAFT": _flag("\\Draft", False),
            "FLAGGED": _flag("\\Flagged"), "UNFLAGGED": _flag("\\Flagged", False),
            "SEEN": _flag("\\Seen"), "UNSEEN": _flag("\\Seen", False),
            "NEW": lambda c: False, "RECENT": lambda c: False, "OLD": lambda c: True,
        }
        if word in simple:
            return simple[word]
        if word in ("KEYWORD", "UNKEYWORD"):
            return _flag(self.string(), word == "KEYWORD")
        if word in ("FROM", "TO", "CC", "BCC", "SUBJECT"):
            header, needle = word.capitalize(), self.string()
            return lambda c: _contains(c.msg.header(header), needle)
        if word == "HEADER":
            name, needle = self.string(), self.string()
            return lambda c: name in c.msg.parsed and _contains(c.msg.header(name), needle)
        if word == "BODY":
            needle = self.string()
            return lambda c: _contains(c.msg.body_text(), needle)
        if word == "TEXT":
            needle = self.string()
            return lambda c: _contains(_header_text(c.msg), needle) or _contains(c.msg.body_text(), needle)
        if word in ("SINCE", "BEFORE", "ON", "SENTSINCE", "SENTBEFORE", "SENTON"):
            return self.date_key(word)
        if word in ("LARGER", "SMALLER"):
            size = self.number()
            if word == "LARGER":
                return lambda c: len(c.msg.raw) > size
            return lambda c: len(c.msg.raw) < size
        if word == "UID":
            ranges = parse_sequence_set(as_text(self.next("UID set")))
            uids = set(resolve_set(ranges, [uid for uid, _ in self.view], uid=True))
            return lambda c: c.uid in uids
        if word == "NOT":
            inner = self.key()
            return lambda c: not inner(c)
        if word == "OR":
            left, right = self.key(), self.key()
            return lambda c: left(c) or right(c)
        if word == "X-GM-RAW":
            return compile_raw(self.string(), self.mailbox)
        if word in ("X-GM-MSGID", "X-GM-THRID"):
            value = self.number()
            if word == "X-GM-MSGID":
                return lambda c: c.msg.msgid == value
            return lambda c: c.msg.thrid == value
        if word == "X-GM-LABELS":
            label = _label_argument(self.string())
            return lambda c: label in c.msg.effective_labels()
        if is_sequence_set(token):
            ranges = parse_sequence_set(token)
            seqs = set(resolve_set(ranges, list(range(1, len(self.view) + 1)), uid=True))
            return lambda c: c.seq in seqs
        raise BadCommand(f"Unknown search key {token}")

    def date_key(self, word: str) -> Predicate:
        day = parse_search_date(as_text(self.next("date")))
        sent = word.startswith("SENT")
        op = word.removeprefix("SENT")

        def when(c: Candidate) -> dt.date | None:
            if sent:
                date = c.msg.sent_date()
                return date.date() if date else None
            return c.msg.internal_date.date()

        def check(c: Candidate) -> bool:
            value = when(c)
            if value is None:
                return False
            return {"SINCE": value >= day, "BEFORE": value < day, "ON": value == day}[op]

        return check


def _label_argument(text: str) -> str:
    try:
        text = decode_mutf7(text)
    except ValueError:
        pass  # sent as plain UTF-8 under CHARSET UTF-8
    try:
        return label_from_wire(text)
    except ValueError as exc:
        raise BadCommand(str(exc)) from exc


# --- X-GM-RAW ---

_RAW_TOKEN = re.compile(r'\s*(?:(?P<punct>[(){}])|"(?P<phrase>[^"]*)"?|(?P<word>[^\s(){}"]+(?:"[^"]*"?)?))')
_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _phrase_in(phrase: str, text: str) -> bool:
    wanted, words = _words(phrase), _words(text)
    if not wanted:
        return True
    n = len(wanted)
    return any(words[i : i + n] == wanted for i in range(len(words) - n + 1))


def _norm_label(name: str) -> str:
    return re.sub(r"[\s/]+", "-", name.casefold())


_IN_KEYS = {
    "inbox": INBOX, "sent": SENT, "draft": DRAFT, "drafts": DRAFT, "important": IMPORTANT,
    "starred": STARRED, "trash": TRASH, "spam": SPAM,
}


def compile_raw(query: str, mailbox: Mailbox) -> Predicate:
    tokens: list[str] = []
    pos = 0
    while pos < len(query):
        match = _RAW_TOKEN.match(query, pos)
        if match is None or match.end() == pos:
            break
        pos = match.end()
        if match.group("punct"):
            tokens.append(match.group("punct"))
        elif match.group("phrase") is not None:
            tokens.append('"' + match.group("phrase"))
        elif match.group("word"):
            tokens.append(match.group("word"))
    return _RawParser(tokens, mailbox).sequence(end=None)


class _RawParser:
    def __init__(self, tokens: list[str], mailbox: Mailbox) -> None:
        self.tokens = tokens
        self.pos = 0
        self.mailbox = mailbox

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def sequence(self, end: str | None) -> Predicate:
        """Terms up to ``end``, ANDed (``end`` "}" ORs them instead)."""
        terms: list[Predicate] = []
        while (tok := self.peek()) is not None and tok != end:
            if tok in (")", "}"):
                self.pos += 1  # stray closer: Gmail ignores it
                continue
            terms.append(self.or_expr())
        if end is not None and self.peek() == end:
            self.pos += 1
        if end == "}":
            return lambda c: any(t(c) for t in terms)
        return lambda c: all(t(c) for t in terms)

    def or_expr(self) -> Predicate:
        options = [self.unary()]
        while self.peek() == "OR":
            self.pos += 1
            if self.peek() is None:
                break
            options.append(self.unary())
        if len(options) == 1:
            return options[0]
        return lambda c: any(o(c) for o in options)

    def unary(self) -> Predicate:
        tok = self.tokens[self.pos]
        self.pos += 1
        if tok == "(":
            return self.sequence(end=")")
        if tok == "{":
            return self.sequence(end="}")
        if tok == "-" or tok.upper() == "NOT":
            if self.peek() is None:
                return lambda c: True
            inner = self.unary()
            return lambda c: not inner(c)
        if tok.startswith("-") and len(tok) > 1:
            inner = self.term(tok[1:])
            return lambda c: not inner(c)
        if tok == "AND":
            return lambda c: True
        return self.term(tok)

    def term(self, tok: str) -> Predicate:
        if tok.startswith('"'):
            phrase = tok.strip('"')
            return lambda c: _phrase_in(phrase, _full_text(c.msg))
        op, sep, value = tok.partition(":")
        value = value.strip('"')
        if not sep or not value:
            return lambda c: _phrase_in(tok, _full_text(c.msg))
        op = op.casefold()
        low = value.casefold()
        mailbox = self.mailbox
        if op in ("from", "to", "cc", "bcc"):
            header = {"from": "From", "to": "To", "cc": "Cc", "bcc": "Bcc"}[op]
            needle = mailbox.user if low == "me" else low
            return lambda c: any(
                needle in name.casefold() or needle in addr.casefold() for name, addr in c.msg.addresses(header)
            )
        if op == "subject":
            return lambda c: _phrase_in(value, c.msg.subject())
        if op == "label":
            return self.label_term(value)
        if op in ("is", "in"):
            return self.state_term(op, low, tok)
        if op == "has":
            if low == "attachment":
                return lambda c: c.msg.has_attachment()
            if low in ("userlabels", "nouserlabels"):
                want = low == "userlabels"
                return lambda c: bool(c.msg.labels - set(SYSTEM_LABELS)) == want
        if op == "filename":
            return lambda c: any(low in name.casefold() for name in c.msg.attachment_names())
        if op == "rfc822msgid":
            wanted = value.strip("<>")
            return lambda c: (c.msg.message_id() or "").strip("<>") == wanted
        if op in ("after", "before"):
            day = _raw_date(value)
            if day is not None:
                if op == "after":
                    return lambda c: c.msg.internal_date.date() >= day
                return lambda c: c.msg.internal_date.date() < day
        if op in ("larger", "smaller"):
            size = _raw_size(value)
            if size is not None:
                if op == "larger":
                    return lambda c: len(c.msg.raw) > size
                return lambda c: len(c.msg.raw) < size
        return lambda c: _phrase_in(tok, _full_text(c.msg))

    def label_term(self, value: str) -> Predicate:
        wanted = _norm_label(value)
        mailbox = self.mailbox
        system = _IN_KEYS.get(wanted)

        def check(c: Candidate) -> bool:
            if system is not None:
                return mailbox.contains(system, c.msg)
            return any(
                _norm_label(label) == wanted and mailbox.contains(label, c.msg)
                for label in c.msg.labels
                if label not in SYSTEM_LABELS
            )

        return check

    def state_term(self, op: str, value: str, tok: str) -> Predicate:
        mailbox = self.mailbox
        if value == "unread":
            return lambda c: "\\Seen" not in c.msg.flags
        if value == "read":
            return lambda c: "\\Seen" in c.msg.flags
        if value == "starred":
            return lambda c: "\\Flagged" in c.msg.flags
        if value == "important":
            return lambda c: IMPORTANT in c.msg.labels
        if op == "in" and value in ("anywhere", "all"):
            return lambda c: True
        if op == "in" and value in _IN_KEYS:
            key = _IN_KEYS[value]
            return lambda c: mailbox.contains(key, c.msg)
        if op == "in":
            return self.label_term(value)
        return lambda c: _phrase_in(tok, _full_text(c.msg))


def _full_text(msg: GmailMessage) -> str:
    parts = [msg.header(h) for h in ("From", "To", "Cc", "Subject")]
    parts.append(msg.body_text())
    parts.extend(msg.attachment_names())
    return "\n".join(parts)


def _raw_date(value: str) -> dt.date | None:
    match = re.fullmatch(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", value)
    if match:
        try:
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    if value.isdigit():
        return dt.datetime.fromtimestamp(int(value), dt.UTC).date()
    return None


def _raw_size(value: str) -> int | None:
    match = re.fullmatch(r"(\d+)([kKmM]?)", value)
    if not match:
        return None
    factor = {"": 1, "k": 1024, "m": 1024 * 1024}[match.group(2).lower()]
    return int(match.group(1)) * factor

