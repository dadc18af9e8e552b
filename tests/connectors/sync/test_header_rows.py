"""The header sync's fast path: rows made straight from FETCH data are exactly the rows the summaries made.

``row_from_fetch`` replaces ``summary_row(folder_id, summary_from_fetch(uid, data))`` in the header sync; both are
compared here on a varied corpus (generated mail, encoded words, undated and misdated messages, huge and folded
References, raw 8-bit and undecodable headers, repeated and missing fields, keywords, Gmail items), and a store filled
either way must hold the same rows, counts and conversations.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bench.mailgen import header_corpus, messages
from connectors.store import MailStore
from connectors.store.rows import rekey_row, summary_row
from connectors.sync.summaries import (
    HEADER_FIELDS,
    HEADER_ITEM,
    row_from_fetch,
    summary_from_fetch,
    with_internal_date,
)

KEY = HEADER_ITEM.replace(".PEEK", "").encode()
_WANTED = {field.lower().encode() for field in HEADER_FIELDS}

ODD_HEADERS = [
    b"",
    b"\r\n",
    b" folded first\r\nSubject: after a stray continuation\r\n",
    b"garbage without colon\r\nSubject: kept\r\n",
    b"Subject: =?utf-8?q?R=C3=A9union?= =?iso-8859-1?q?_d=E9j=E0?=\r\nFrom: =?utf-8?b?Wm/DqQ==?= <zoe@x.test>\r\n",
    b"Subject: =?unknown-charset?q?caf=E9?=\r\nFrom: \"Doe, John\" <john@x.test>\r\n",
    b"Subject: =?utf-8?q?broken\r\nFrom: =?utf-8?q?Doe=2C_John?= <john@x.test>\r\n"
    b"To: =?utf-8?q?A=2C_B?= <ab@x.test>\r\n",
    b"Subject: raw \xe9t\xe9 latin-1\r\nFrom: Ren\xe9e <renee@x.test>\r\n",
    b"Subject: caf\xc3\xa9 en UTF-8 \xf0\x9f\x93\xa7\r\nFrom: Zo\xc3\xa9 <zoe@x.test>\r\n",
    b"Subject: lone \xed\xa0\x80 surrogate bytes \xff\xfe\r\nCc: \xc0\xaf@x.test\r\n",
    b"Date: yesterday\r\nSubject: unreadable date\r\n",
    b"Date: Tue, 31 Feb 2026 10:00:00 +0100\r\nSubject: no such day\r\n",
    b"Date: 24 Nov 2026 10:00:00 GMT\r\nSubject: obsolete zone\r\n",
    b"Date: Tue, 24 Nov 2026 10:00:00 +0100 (CET)\r\nSubject: with a comment\r\n",
    b"Date: Tue,  24 Nov 26 10:00 -0000\r\nSubject: two-digit year\r\n",
    b"Subject: first\r\nSubject: second\r\n continuation of the second\r\nDATE: Mon, 1 Jan 2024 08:01:00 +0000\r\n",
    b"Subject: folded\r\n\tover\r\n   three lines\r\nContent-Type: Multipart/Mixed;\r\n boundary=x\r\n",
    b"References: " + b"\r\n ".join(b"<ref%d@x.test>" % n for n in range(400))
    + b"\r\nIn-Reply-To: <ref399@x.test>\r\n",
    b"References: not an id at all\r\nIn-Reply-To: <parent@x.test> (comment)\r\nMessage-ID:   <own@x.test>  \r\n",
    b"Message-ID: <" + b"m" * 3000 + b"@x.test>\r\nSubject: " + b"s" * 100_000 + b"\r\n",
    b"From: Team: a@x.test, b@x.test;\r\nTo: undisclosed-recipients:;\r\n",
    b"From: boss@bank.test <evil@x.test>\r\nSubject: Re: Fwd: AW: prefixes\r\n",
    b"From: a@x.test, =?utf-8?q?Doe=2C_John?= <john@x.test>\r\nSubject: RE[2]: numbered\r\n",
    b"From: \"Quoted \\\"nick\\\" name\" <q@x.test>\r\nSubject: \t tabs\tinside \r\n",
    b"subject: lower-case names\r\nfrom: lower@x.test\r\nmessage-id: <lower@x.test>\r\n",
    b"Subject: \x00nul and \x1b escape\r\nFrom: <only@x.test>\r\n",
    b"Subject: line\rwith a lone CR\r\nFrom: cr@x.test\r\n",
    b"Subject: trailing CRs\r\r\r\nFrom: crs@x.test\n",
    b"Subject: =?utf-8?q?=E2=80=8F_bidi?=\xc2\xa0nbsp\xe2\x80\x83\r\n",
]

FLAG_SETS: list[tuple[Any, ...]] = [
    (), (b"\\Seen",), (b"\\Seen", b"\\Answered"), (b"\\Flagged", b"$Forwarded", b"$Label1"),
    (b"\\Recent",), (b"\\seen", b"\\DRAFT", b"\\Deleted"), (b"Caf\xc3\xa9", b"\xff"), ("\\Seen", "str-keyword"),
    (b"\\Seen", b"$Junk", b"$NotJunk", b"zeta", b"alpha"),
]


def _header_fields(raw: bytes) -> bytes:
    """What a server answers to the engine's BODY.PEEK[HEADER.FIELDS (...)]: those fields of the header, folded
    lines included, and the blank line."""
    head = raw.split(b"\r\n\r\n", 1)[0]
    kept: list[bytes] = []
    keep = False
    for line in head.split(b"\r\n"):
        if line[:1] in (b" ", b"\t"):
            if keep:
                kept.append(line)
            continue
        keep = line.split(b":", 1)[0].strip().lower() in _WANTED
        if keep:
            kept.append(line)
    return b"".join(line + b"\r\n" for line in kept) + b"\r\n"


@cache
def corpus() -> list[tuple[int, dict[bytes, Any]]]:
    """(uid, FETCH data) for generated mail and odd headers, with varied flags, sizes and items."""
    return list(_corpus())


def _corpus() -> Iterator[tuple[int, dict[bytes, Any]]]:
    rng = random.Random(5)
    blocks = [_header_fields(raw) for raw in header_corpus(300)]
    blocks += [_header_fields(raw) for raw in messages(200)]
    blocks += ODD_HEADERS
    for uid, block in enumerate(blocks, 1):
        data: dict[bytes, Any] = {b"UID": uid, b"FLAGS": rng.choice(FLAG_SETS),
                                  b"RFC822.SIZE": rng.choice([0, None, 1, 4096, 2**40]), KEY: block}
        if uid % 7 == 0:
            data[b"INTERNALDATE"] = dt.datetime(2026, 11, 24, 10, uid % 60, tzinfo=dt.timezone(dt.timedelta(hours=2)))
        if uid % 11 == 0:
            data[b"INTERNALDATE"] = dt.datetime(2026, 1, 2, 3, 4)  # naive: UTC
        if uid % 13 == 0:
            data[b"INTERNALDATE"] = b"not a datetime"
        if uid % 5 == 0:  # Gmail's items
            data[b"X-GM-THRID"] = rng.choice([1, 2**63 + 5, 2**64 - 1])
            data[b"X-GM-MSGID"] = rng.randrange(2**64)
            data[b"X-GM-LABELS"] = rng.choice([(), (b"\\Inbox",), (b"\\Important", b"Caf&AOk-", "str label", b"")])
        if uid % 17 == 0:  # the section echoed with other spacing: found by its prefix
            data[b"BODY[HEADER.FIELDS (FROM TO)]"] = data.pop(KEY)
        yield uid, data


def old_row(folder_id: int, uid: int, data: dict[bytes, Any]) -> tuple[Any, ...]:
    return summary_row(folder_id, summary_from_fetch(uid, data))


def test_rows_equal_the_summaries_rows() -> None:
    compared = undated = 0
    for uid, data in corpus():
        for folder_id in (1, 7):
            row, dated = row_from_fetch(folder_id, uid, data)
            assert row == old_row(folder_id, uid, data), (uid, data.get(KEY, b"")[:200])
            assert dated == bool(summary_from_fetch(uid, data).date)
            compared += 1
            if not dated:  # the engine's second FETCH: INTERNALDATE stands for the date
                undated += 1
                when = dt.datetime(2025, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
                summary = summary_from_fetch(uid, data)
                expected = summary_row(folder_id, replace(summary, internal_date=int(when.timestamp())))
                assert with_internal_date(row, when) == expected
                assert with_internal_date(row, None)[2:4] == (0, 0)
    assert compared > 1000 and undated >= 10


def test_rekeyed_rows_equal_rows_made_for_that_folder() -> None:
    for uid, data in corpus():
        assert rekey_row(row_from_fetch(3, uid, data)[0], 9) == row_from_fetch(9, uid, data)[0]


@pytest.mark.parametrize("fresh_first", [True, False])
def test_a_store_filled_from_rows_equals_one_filled_from_summaries(tmp_path: Path, fresh_first: bool) -> None:
    """Both write paths, in batches as the sync writes them (newest first), overwriting some rows afterwards: the
    same rows, folder counts, conversations and search results."""
    items = corpus()[::-1]
    dumps = []
    for way in ("summaries", "rows"):
        with MailStore(tmp_path / f"{way}-{fresh_first}.sqlite3") as store:
            store.upsert_folders([((b"\\HasNoChildren",), "/", "INBOX")])
            folder_id = store.folder_key("INBOX")
            for start in range(0, len(items), 97):
                chunk = items[start:start + 97]
                if way == "summaries":
                    store.add_messages("INBOX", [summary_from_fetch(uid, data) for uid, data in chunk],
                                       defer_index=fresh_first)
                else:
                    store.add_rows("INBOX", [row_from_fetch(folder_id, uid, data)[0] for uid, data in chunk],
                                   defer_index=fresh_first)
            again = items[::9]  # known UIDs: overwritten, as a resync or a cached body's correction does
            if way == "summaries":
                store.add_messages("INBOX", [summary_from_fetch(uid, data) for uid, data in again])
            else:
                store.add_rows("INBOX", [row_from_fetch(folder_id, uid, data)[0] for uid, data in again])
            store.index_pending()
            conn = store._conn  # noqa: SLF001 - the rows themselves are what is compared
            folder = store.folder("INBOX")
            assert folder is not None
            dumps.append((
                conn.execute("SELECT * FROM messages ORDER BY id").fetchall(),
                conn.execute("SELECT * FROM threads ORDER BY folder_id, thread_key").fetchall(),
                (folder.total, folder.unread),
                [s.uid for s in store.search("subject:re", limit=1000)],
                [s.uid for s in store.search("from:zoe", limit=1000)],
            ))
    assert dumps[0] == dumps[1]
    assert len(dumps[0][0]) == len(items)
