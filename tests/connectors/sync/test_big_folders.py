"""Folders whose UID list does not fit in one IMAP line (issue 13 point 5), scaled down.

imaplib refuses a line over ``_MAXLINE`` (1,000,000 bytes, a ~145k-message ``UID SEARCH ALL``). Here the limit is
lowered to a few kilobytes and the search windows shrink with it, so a few thousand messages stand for a million:
the same commands must keep working, with ESEARCH (Dovecot offers it) and without it.
"""

from __future__ import annotations

import imaplib
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

from connectors.config import ServerConfig
from connectors.messaging import imap as imap_module
from connectors.messaging.imap import IMAPConnector, default_client_factory
from connectors.store import MailStore
from connectors.sync import SyncEngine
from tests.conftest import ALICE, make_message
from tests.servers.dovecot import DovecotServer

BOX = "Très grand"
COUNT = 3000
LINE_LIMIT = 4000  # bytes: a plain SEARCH answer of 3,000 UIDs is ~14 KB


class _WithoutESEARCH(IMAPClient):
    """A server that does not offer ESEARCH (the real Dovecot, with the capability hidden)."""

    def capabilities(self) -> tuple[bytes, ...]:
        return tuple(c for c in super().capabilities() if c.upper() != b"ESEARCH")


def _without_esearch(config: ServerConfig, context: ssl.SSLContext | None) -> IMAPClient:
    return _WithoutESEARCH(config.host, port=config.port, use_uid=True, ssl=config.use_ssl, ssl_context=context,
                           timeout=config.timeout)


@pytest.fixture(params=["esearch", "plain"])
def connect(request: pytest.FixtureRequest, imap_config: dict[str, Any]) -> Callable[[], IMAPConnector]:
    factory = default_client_factory if request.param == "esearch" else _without_esearch

    def make() -> IMAPConnector:
        imap = IMAPConnector(imap_config, client_factory=factory)
        imap.connect()
        return imap

    make.__name__ = f"with_{request.param}"
    return make


@pytest.fixture
def short_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imaplib, "_MAXLINE", LINE_LIMIT)
    monkeypatch.setattr(imap_module, "_SEARCH_WINDOW", 200)  # ≤ 200 UIDs of ≤ 10 digits per answer
    monkeypatch.setattr(imap_module, "_ESEARCH_WINDOW", 300)


@pytest.fixture
def folder(dovecot: DovecotServer, accounts: dict[str, str]) -> Iterator[list[int]]:
    """COUNT messages, then a wide hole (UIDs 801–2400 gone) and every seventh UID gone: a sparse UID space."""
    dovecot.seed(ALICE, BOX, [make_message(f"Message {i}", body=f"Body {i}") for i in range(COUNT)])
    gone = set(range(801, 2401)) | set(range(7, COUNT + 1, 7))
    client = dovecot.client(ALICE)
    client.select_folder(BOX)
    client.delete_messages(sorted(gone))
    client.expunge()
    client.logout()
    yield [uid for uid in range(1, COUNT + 1) if uid not in gone]


def test_every_uid_of_a_folder_past_the_line_limit(folder: list[int], connect: Callable[[], IMAPConnector],
                                                   short_lines: None) -> None:
    imap = connect()
    try:
        imap.select_mailbox(BOX)
        with pytest.raises(imaplib.IMAP4.error, match="got more than"):
            imap.client.search(["ALL"])  # what the engine used to send: one answer line over the limit
    finally:
        imap.disconnect()
    imap = connect()
    try:
        info = imap.select_mailbox_info(BOX)
        esearch = b"ESEARCH" in imap.client.capabilities()
        assert esearch == (connect.__name__ == "with_esearch")  # both paths are really taken
        assert imap.all_uids(info["uidnext"], info["exists"]) == folder
        assert imap.all_uids() == folder  # without SELECT's numbers too
        assert imap.all_uids(uidnext=100, exists=len(folder)) == folder  # a UIDNEXT that lags behind
        answered = folder[::5]
        imap.set_flags(answered, add=["\\Answered"])
        assert imap.search_among(folder, ["ANSWERED"]) == answered
        assert imap.search_among(folder[:100], ["ANSWERED"]) == [uid for uid in answered if uid in folder[:100]]
    finally:
        imap.disconnect()


def test_sync_and_resync_of_a_folder_past_the_line_limit(dovecot: DovecotServer, folder: list[int],
                                                         connect: Callable[[], IMAPConnector], short_lines: None,
                                                         tmp_path: Path) -> None:
    with MailStore(tmp_path / "store.sqlite3") as store:
        engine = SyncEngine(store, connect, header_batch=500)
        engine.sync_folder(BOX)
        assert store.uids(BOX) == folder

        other = dovecot.client(ALICE)
        other.select_folder(BOX)
        flagged = folder[1::3]
        other.add_flags(flagged, ["\\Flagged"])  # every flag change is found again (MODSEQ search, windowed)
        expunged = folder[-50:]
        other.delete_messages(expunged)
        other.expunge()
        other.logout()
        other_seed = [make_message(f"New {i}") for i in range(20)]
        dovecot.seed(ALICE, BOX, other_seed)

        result = engine.sync_folder(BOX)
        engine.close()
        assert (result.added, result.removed) == (20, 50)
        kept = folder[:-50]
        assert store.uids(BOX)[:len(kept)] == kept and len(store.uids(BOX)) == len(kept) + 20
        stored = {s.uid: s.flagged for s in store.summaries_for(BOX, kept)}
        assert sorted(uid for uid, is_flagged in stored.items() if is_flagged) == [u for u in flagged if u in stored]
