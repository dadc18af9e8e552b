"""Header sync over a link that keeps breaking (real Dovecot behind a fault-injecting proxy): it still completes,
keeps what arrived before each cut, resumes exactly and never stores a message twice."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from connectors.exceptions import ConnectionError
from connectors.store import MailStore
from connectors.sync import SyncEngine
from tests.conftest import ALICE, make_message
from tests.connectors.sync.connections import connector_to as _connector
from tests.servers.dovecot import DovecotServer
from tests.servers.proxy import CommandFaultProxy, FaultyProxy

BOX = "Flaky"


def _messages(count: int) -> list[bytes]:
    return [make_message(f"Flaky {i}", body=f"Body {i}",
                         date=f"Tue, 24 Nov 2026 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} +0000")
            for i in range(count)]




def _assert_exact(store: MailStore, count: int) -> None:
    assert store.uids(BOX) == list(range(1, count + 1))
    assert store.count(BOX) == count
    summaries = store.summaries_for(BOX, range(1, count + 1))
    assert [s.subject for s in summaries] == [f"Flaky {i}" for i in range(count)], "each once, with its own headers"


def test_a_link_cut_every_400_kB_still_completes_a_sync(dovecot: DovecotServer, store: MailStore,
                                                        imap_config: dict[str, Any]) -> None:
    dovecot.seed(ALICE, BOX, _messages(3000))
    with FaultyProxy(dovecot.imaps_port) as proxy:
        proxy.cut_after_bytes = 400_000  # every connection, the default 2,000-header batch (~750 kB) cannot fit
        engine = SyncEngine(store, _connector(imap_config, proxy.port))
        done: list[int] = []
        result = engine.sync_folder(BOX, progress=lambda d, _total: done.append(d))
        engine.close()
        assert proxy.connections > 1, "the link did break"
    assert result.added == 3000
    assert done == sorted(done) and done[-1] == 3000
    _assert_exact(store, 3000)


def test_what_arrived_before_the_link_died_is_kept(dovecot: DovecotServer, store: MailStore,
                                                   imap_config: dict[str, Any]) -> None:
    dovecot.seed(ALICE, BOX, _messages(3000))
    with CommandFaultProxy(dovecot.imaps_port) as proxy:
        # The first connection breaks in the middle of the first batch; after that the server is unreachable.
        proxy.cut_offsets = itertools.chain([400_000], itertools.repeat(0))
        engine = SyncEngine(store, _connector(imap_config, proxy.port))
        with pytest.raises(ConnectionError):
            engine.sync_folder(BOX)
        kept = store.uids(BOX)
        # The first batch (the newest 500, ~190 kB) got through whole; the cut fell in the next one (2,000).
        assert set(range(2501, 3001)) <= set(kept), "the newest 500 were committed"
        assert 500 < len(kept) < 2500, "and the part of the next batch that arrived whole"
        assert set(kept) <= set(range(501, 3001)), "from those two batches only"
        assert store.pending_index() == 0, "what was kept is searchable too"
        assert all(s.subject == f"Flaky {s.uid - 1}" for s in store.summaries_for(BOX, kept))
        proxy.cut_offsets = None  # the link is back
        engine.sync_folder(BOX)
        engine.close()
    _assert_exact(store, 3000)


def _server_view(dovecot: DovecotServer) -> dict[int, tuple[str, frozenset[str]]]:
    """What the server holds in BOX, read with a client of its own: UID → (subject, flags)."""
    client = dovecot.client(ALICE)
    try:
        client.select_folder(BOX, readonly=True)
        fetched = client.fetch(client.search(["ALL"]), ["FLAGS", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
    finally:
        client.logout()
    return {uid: (data[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().split(":", 1)[1].strip(),
                  frozenset(flag.decode() for flag in data[b"FLAGS"]))
            for uid, data in fetched.items()}


def test_random_cuts_during_a_10k_sync_resume_exactly(dovecot: DovecotServer, store: MailStore,
                                                      imap_config: dict[str, Any]) -> None:
    count = 10_000
    messages = _messages(count)
    dovecot.seed(ALICE, BOX, messages[:count // 2], flags=("\\Seen",))  # flags must come through exactly too
    dovecot.seed(ALICE, BOX, messages[count // 2:])
    dice = random.Random(11)  # noqa: S311 - reproducible offsets, not security
    # Most cuts land inside a header batch (the engine keeps what arrived and goes on over a new connection);
    # some land in the TLS handshake, LOGIN, SELECT or UID SEARCH, which fail the whole attempt: the next attempt
    # resumes from what the store holds, as the account worker's retry does.
    offsets = [dice.randrange(0, 6_000) if dice.random() < 0.5 else dice.randrange(6_000, 400_000)
               for _ in range(60)]
    with CommandFaultProxy(dovecot.imaps_port) as proxy:
        proxy.cut_offsets = iter(offsets)
        engine = SyncEngine(store, _connector(imap_config, proxy.port))
        failures = 0
        for _attempt in range(len(offsets) + 1):  # what the account worker does: try again after each failure
            try:
                engine.sync_folder(BOX)
                break
            except ConnectionError:
                failures += 1
                held = store.uids(BOX)
                assert store.count(BOX) == len(held) == len(set(held)), "never a message twice"
        else:
            pytest.fail("the sync never completed")
        engine.close()
        assert proxy.connections > 20, "the link did break, again and again"
    assert failures > 3, f"attempts failed as a whole too, and were resumed ({failures}, {proxy.connections})"
    _assert_exact(store, count)
    on_server = _server_view(dovecot)
    summaries = store.summaries_for(BOX, range(1, count + 1))
    assert {s.uid: (s.subject, s.flags) for s in summaries} == on_server


def test_batches_shrink_after_cuts_and_grow_back(dovecot: DovecotServer, store: MailStore,
                                                  imap_config: dict[str, Any]) -> None:
    dovecot.seed(ALICE, BOX, _messages(2500))
    with CommandFaultProxy(dovecot.imaps_port) as proxy:
        proxy.cut_offsets = iter([60_000, 60_000, 60_000])  # three short-lived connections, then a good one
        engine = SyncEngine(store, _connector(imap_config, proxy.port), header_batch=1000)
        done: list[int] = []
        engine.sync_folder(BOX, progress=lambda d, _total: done.append(d))
        engine.close()
        assert proxy.connections == 4
    _assert_exact(store, 2500)
    stored = [after - before for before, after in itertools.pairwise(done)]
    first_small = next(i for i, n in enumerate(stored) if n < 500)
    assert 1000 in stored[first_small:], f"batches grow back to 1,000 once the link holds: {stored}"


def test_a_link_cut_during_the_flags_resync_still_brings_every_change(dovecot: DovecotServer, store: MailStore,
                                                                      imap_config: dict[str, Any]) -> None:
    """The resync re-reads flags (every changed message's) before the new headers: that answer too is kept in part,
    in smaller batches, on a link that breaks before one whole 5,000-message FLAGS answer can get through."""
    count = 6000
    dovecot.seed(ALICE, BOX, _messages(count))
    first = SyncEngine(store, _connector(imap_config))
    first.sync_folder(BOX)
    first.close()
    client = dovecot.client(ALICE)
    try:
        client.select_folder(BOX)
        client.add_flags(client.search(["ALL"]), [b"\\Flagged"])
    finally:
        client.logout()
    dovecot.seed(ALICE, BOX, [make_message("Flaky after", body="new")])
    with FaultyProxy(dovecot.imaps_port) as proxy:
        proxy.cut_after_bytes = 120_000  # every connection: a whole FLAGS batch (~270 kB) never fits
        engine = SyncEngine(store, _connector(imap_config, proxy.port))
        result = engine.sync_folder(BOX)
        engine.close()
        assert proxy.connections > 2, "the link did break, more than once"
    assert (result.added, result.changed) == (1, count)
    summaries = store.summaries_for(BOX, range(1, count + 2))
    assert len(summaries) == count + 1 and summaries[-1].subject == "Flaky after"
    assert all("\\Flagged" in s.flags for s in summaries[:count])
