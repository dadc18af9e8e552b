"""A real Dovecot's header sync read by the fast FETCH path gives the very store the IMAPClient path gives.

The folder holds ordinary mail and what hostile or careless senders write in headers (raw 8-bit, encoded words,
quotes and backslashes, groups, folded and very long lines, hundreds of recipients, FETCH-like text, no Date),
with assorted flags and keywords. It is synced twice into fresh stores: through ``fetch_stream`` (the fast path
must really have read most answers) and with the fast path switched off (imaplib + IMAPClient's parser).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from connectors.messaging import fetch_stream
from connectors.messaging import imap as imap_module
from connectors.store import MailStore, MessageSummary
from connectors.sync import SyncEngine
from tests.conftest import ALICE
from tests.connectors.sync.connections import connector_to
from tests.servers.dovecot import DovecotServer

BOX = "Rapide"

ODD_HEADERS = [
    b"Subject: caf\xc3\xa9 cr\xc3\xa8me \xe9t\xe9 (raw 8-bit, half of it not UTF-8)",
    b"Subject: =?utf-8?q?Re=3A_r=C3=A9union?= =?iso-8859-1?b?6XTp?=",
    b'From: "Doe, \\"Johnny\\" \\\\ Jr" <john@example.test>',
    b"From: =?utf-8?q?Martin=2C_Zo=C3=A9?= <zoe@example.test>",
    b"To: undisclosed-recipients:;",
    b'Cc: team: a@example.test, "b, c" <b@example.test>;, d@example.test',
    b"Subject: folded\r\n across\r\n\tthree lines",
    b"Subject: " + b"long " * 1200,
    b"To: " + b", ".join(b"Person %d <p%d@example.test>" % (i, i) for i in range(250)),
    b"Subject: {42}\r\nX-Note: )\r\n* 7 FETCH (UID 7 FLAGS (\\Deleted))",
    b"Subject: A001 OK fake completion \"quoted\" \\ backslash",
    b"Date: not a date at all",
    b"Date: Thu, 29 Feb 2024 23:59:60 +0000",
    b"Date: 3 Mar 2024 10:00:00 -0830 (PST)",
    b"Message-ID: <only@id>\r\nReferences: <a@x> <b@x>\r\n <c@x>",
    b"Content-Type: multipart/mixed; boundary=x",
]
FLAG_SETS = [(), ("\\Seen",), ("\\Seen", "\\Flagged"), ("\\Answered", "$Forwarded", "Junk"), ("$Label1", "$MDNSent")]


def _message(rng: random.Random, n: int) -> bytes:
    headers = [b"From: Sender %d <sender%d@example.test>" % (n % 17, n % 17), b"To: " + ALICE.encode(),
               b"Subject: Message %d" % n, b"Date: Mon, %d Jan 2024 08:%02d:00 +0100" % (1 + n % 28, n % 60),
               b"Message-ID: <%d@example.test>" % n]
    for odd in rng.sample(ODD_HEADERS, rng.choice([0, 0, 1, 2, 3])):
        name = odd.split(b":", 1)[0].lower() + b":"
        headers = [h for h in headers if not h.lower().startswith(name)] + [odd]
    if rng.random() < 0.05:
        headers = [h for h in headers if not h.lower().startswith(b"date:")]  # dated by INTERNALDATE
    return b"\r\n".join(headers) + b"\r\nMIME-Version: 1.0\r\n\r\nBody %d\r\n" % n


@pytest.fixture
def folder(dovecot: DovecotServer, accounts: dict[str, str]) -> int:
    rng = random.Random(1301)
    total = 0
    for flags in FLAG_SETS:
        batch = [_message(rng, total + i) for i in range(240)]
        dovecot.seed(ALICE, BOX, batch, flags=flags)
        total += len(batch)
    return total


def _sync(imap_config: dict[str, Any], path: Path) -> list[MessageSummary]:
    with MailStore(path) as store:
        engine = SyncEngine(store, connector_to(imap_config), header_batch=300)
        try:
            result = engine.sync_folder(BOX)
        finally:
            engine.close()
        summaries = store.summaries(BOX, limit=10_000)
        assert result.added == len(summaries)
        return sorted(summaries, key=lambda s: s.uid)


def test_fast_and_imapclient_paths_store_the_same_summaries(folder: int, imap_config: dict[str, Any],
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast_reads = refused = 0
    read, parse = imap_module.read_fetch_answer, fetch_stream.parse_fetch_response

    def reading(*args: Any, **kwargs: Any) -> Any:
        nonlocal fast_reads
        fast_reads += 1
        return read(*args, **kwargs)

    def refusing(*args: Any, **kwargs: Any) -> Any:  # IMAPClient's parse of an answer the fast reader refused
        nonlocal refused
        refused += 1
        return parse(*args, **kwargs)

    monkeypatch.setattr(imap_module, "read_fetch_answer", reading)
    monkeypatch.setattr(fetch_stream, "parse_fetch_response", refusing)
    fast = _sync(imap_config, tmp_path / "fast.sqlite3")
    assert fast_reads and refused <= folder * 0.1  # the fast path read (nearly) every answer

    monkeypatch.setattr(imap_module, "fast_items", lambda items: False)
    fast_reads = 0
    slow = _sync(imap_config, tmp_path / "slow.sqlite3")
    assert fast_reads == 0

    assert len(fast) == len(slow) == folder
    assert fast == slow
    subjects = {s.subject for s in fast}
    assert "Re: réunionété" in subjects and "{42}" in subjects  # adjacent encoded words join without a space
    assert any(s.from_name == "Martin, Zoé" and s.from_addr == "zoe@example.test" for s in fast)
    assert any(s.flags == frozenset({"\\Answered", "$Forwarded", "Junk"}) for s in fast)
