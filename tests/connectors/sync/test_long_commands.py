"""Long message sets against a server that limits command length (issue 11 point 7).

A proxy in front of the real Dovecot closes the connection when the client sends a line over 8 KB, as Courier does
at 16 KB. The folder holds only odd UIDs, so ranges alone cannot shorten its sets: commands must be split.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors import create_connector
from connectors.exceptions import ConnectionError
from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore
from connectors.sync import SyncEngine
from tests.conftest import ALICE, make_message
from tests.servers.dovecot import DovecotServer
from tests.servers.proxy import FaultyProxy

BOX = "Longues listes"
LINE_LIMIT = 8192
COUNT = 6000  # 3,000 odd UIDs of four digits: ~15 KB as a comma list


def _connector(imap_config: dict[str, Any], port: int) -> Callable[[], IMAPConnector]:
    # Clear text on loopback, so that the proxy sees command lines rather than TLS records.
    config = {**imap_config, "port": port, "use_ssl": False, "use_tls": False, "allow_insecure_auth": True}

    def connect() -> IMAPConnector:
        imap: IMAPConnector = create_connector("imap", config)
        imap.connect()
        return imap

    return connect


@pytest.fixture
def odd_uids(dovecot: DovecotServer, imap_config: dict[str, Any]) -> list[int]:
    dovecot.seed(ALICE, BOX, [make_message(f"Message {i}", body=f"Body {i}") for i in range(COUNT)])
    client = dovecot.client(ALICE)  # directly, not through the proxy: Dovecot's own limit is higher
    client.select_folder(BOX)
    client.delete_messages(list(range(2, COUNT + 1, 2)))
    client.expunge()
    client.logout()
    return list(range(1, COUNT + 1, 2))


@pytest.fixture
def proxy(dovecot: DovecotServer) -> Iterator[FaultyProxy]:
    with FaultyProxy(dovecot.imap_port) as limited:
        limited.max_client_line = LINE_LIMIT
        yield limited


def _server_state(dovecot: DovecotServer, folder: str, criterion: str) -> list[int]:
    client = dovecot.client(ALICE)
    try:
        client.select_folder(folder, readonly=True)
        return sorted(client.search([criterion]))
    finally:
        client.logout()


def test_the_proxy_really_closes_on_a_long_line(odd_uids: list[int], proxy: FaultyProxy,
                                                imap_config: dict[str, Any]) -> None:
    imap = _connector(imap_config, proxy.port)()
    imap.select_mailbox(BOX)
    with pytest.raises(ConnectionError), imap.session("STORE") as client:
        client.add_flags(odd_uids, ["\\Seen"], silent=True)  # IMAPClient alone: one ~15 KB line
    assert proxy.closed_for_long_line == 1


def test_sync_and_bulk_changes_keep_every_line_short(dovecot: DovecotServer, odd_uids: list[int],
                                                     proxy: FaultyProxy, imap_config: dict[str, Any],
                                                     tmp_path: Path) -> None:
    with MailStore(tmp_path / "store.sqlite3") as store:
        engine = SyncEngine(store, _connector(imap_config, proxy.port), header_batch=2500)
        engine.sync_folder(BOX)
        assert store.uids(BOX) == odd_uids

        # Every flag changes on the server: the resync reads the flags of all 3,000 messages back.
        other = dovecot.client(ALICE)
        other.select_folder(BOX)
        other.add_flags(odd_uids, ["\\Answered"])
        other.logout()
        assert engine.sync_folder(BOX).changed == len(odd_uids)
        assert all(s.answered for s in store.summaries(BOX, limit=COUNT))

        # Bulk mark-as-read and a bulk flag change, each one queued command over the whole folder.
        assert engine.set_flags(BOX, odd_uids, add=["\\Seen"]) == []
        assert engine.set_flags(BOX, odd_uids[::3], add=["\\Flagged"]) == []
        assert store.pending() == []
        assert _server_state(dovecot, BOX, "SEEN") == odd_uids
        assert _server_state(dovecot, BOX, "FLAGGED") == odd_uids[::3]
        assert store.count(BOX, unread_only=True) == 0

        # A resync with nothing changed, then bodies for offline use, then moves and deletes of long sets.
        assert engine.sync_folder(BOX).changed == 0
        assert engine.prefetch_bodies(BOX, odd_uids[:1500], batch=1500) == 1500
        moved = odd_uids[:1000:2]
        assert engine.move_messages(BOX, moved, "Archive") == []
        deleted = odd_uids[1000:2000:2]
        assert engine.delete_permanently(BOX, deleted) == []
        assert store.pending() == []
        engine.close()

    imap = _connector(imap_config, proxy.port)()
    imap.select_mailbox(BOX)
    imap.copy_messages(odd_uids[2000::2], "Junk")
    imap.disconnect()

    assert proxy.closed_for_long_line == 0
    assert 1000 < proxy.longest_client_line <= LINE_LIMIT  # long commands were sent, split under the limit
    remaining = sorted(set(odd_uids) - set(moved) - set(deleted))
    assert _server_state(dovecot, BOX, "ALL") == remaining
    assert len(_server_state(dovecot, "Archive", "ALL")) == len(moved)
    assert len(_server_state(dovecot, "Junk", "ALL")) == len(odd_uids[2000::2])
