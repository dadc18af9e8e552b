"""Queued commands against the real Dovecot: they follow their messages across a UIDVALIDITY change (or are
dropped, with a note), replay before any sync, and never delete anything for good unless asked to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors import create_connector
from connectors.exceptions import ConnectionError, MessageError
from connectors.messaging.imap import IMAPConnector
from connectors.store import MailStore
from connectors.sync import PermanentDeleteNeeded, SyncEngine
from tests.conftest import ALICE, USERS, make_message
from tests.servers.ca import TestCA
from tests.servers.dovecot import DovecotServer

BOX = "Queue box"
# No MOVE and no SPECIAL-USE: moves are COPY + STORE + UID EXPUNGE, and the Trash, if any, is found by name.
BARE_CAPABILITY = "IMAP4rev1 SASL-IR LITERAL+ ENABLE IDLE UIDPLUS NAMESPACE"


class Link:
    """A connection factory that can be switched off, as a network going away."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.online = True

    def __call__(self) -> IMAPConnector:
        if not self.online:
            raise ConnectionError("The network is down (test)", self.config["host"], self.config["port"])
        imap: IMAPConnector = create_connector("imap", self.config)
        imap.connect()
        return imap



@pytest.fixture
def link(imap_config: dict[str, Any]) -> Link:
    return Link(imap_config)


@pytest.fixture
def engine(store: MailStore, link: Link) -> Iterator[SyncEngine]:
    sync = SyncEngine(store, link)
    yield sync
    sync.close()


def go_offline(engine: SyncEngine, link: Link) -> None:
    engine.close()
    link.online = False


def server_subjects(server: DovecotServer, folder: str, criteria: str = "ALL") -> dict[int, str]:
    client = server.client(ALICE)
    try:
        client.select_folder(folder, readonly=True)
        uids = client.search([criteria])
        fetched = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]) if uids else {}
        return {uid: data[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().split(":", 1)[1].strip()
                for uid, data in fetched.items()}
    finally:
        client.logout()


def recreate(server: DovecotServer, folder: str, messages: list[bytes]) -> None:
    """Delete and recreate the mailbox on the server: a new UIDVALIDITY, and UIDs that start again at 1."""
    client = server.client(ALICE)
    client.delete_folder(folder)
    client.logout()
    server.seed(ALICE, folder, messages)


def test_queued_commands_follow_their_messages_across_a_uidvalidity_change(
        dovecot: DovecotServer, engine: SyncEngine, link: Link, store: MailStore) -> None:
    alpha, bravo, charlie, delta = (make_message(name) for name in ("Alpha", "Bravo", "Charlie", "Delta"))
    dovecot.seed(ALICE, BOX, [alpha, bravo, charlie, delta])
    engine.sync_all()
    before = store.folder(BOX)
    assert before is not None and store.uids(BOX) == [1, 2, 3, 4]

    go_offline(engine, link)
    engine.set_flags(BOX, [2], add=["\\Flagged"])  # Bravo
    engine.delete_messages(BOX, [3])  # Charlie, to the Trash
    engine.set_flags(BOX, [4], add=["\\Seen"])  # Delta, which the rebuilt mailbox will not have
    assert [c.uidvalidity for c in store.pending()] == [before.uidvalidity] * 3

    # Rebuilt on the server: UIDs 2, 3 and 4 now belong to other messages; Bravo and Charlie moved on.
    newcomers = [make_message(f"Newcomer {i}") for i in range(1, 5)]
    recreate(dovecot, BOX, [*newcomers, charlie, bravo])

    link.online = True
    result = engine.sync_folder(BOX)  # replays first

    assert [(r.kind, r.uids, r.dropped) for r in result.refused] == [("flags", (4,), True)]
    assert "could not be found again" in str(result.refused[0].error)
    assert store.pending() == []
    assert server_subjects(dovecot, BOX) == {1: "Newcomer 1", 2: "Newcomer 2", 3: "Newcomer 3", 4: "Newcomer 4",
                                             6: "Bravo"}
    assert server_subjects(dovecot, BOX, "FLAGGED") == {6: "Bravo"}
    assert server_subjects(dovecot, BOX, "SEEN") == {}  # Newcomer 4 was not marked read in Delta's place
    assert list(server_subjects(dovecot, "Trash").values()) == ["Charlie"]
    after = store.folder(BOX)
    assert after is not None and after.uidvalidity != before.uidvalidity
    assert {s.uid: (s.subject, s.flagged) for s in store.summaries(BOX)} == {
        1: ("Newcomer 1", False), 2: ("Newcomer 2", False), 3: ("Newcomer 3", False), 4: ("Newcomer 4", False),
        6: ("Bravo", True)}


def test_commands_queued_before_a_rebuild_the_store_saw_are_not_run_blind(
        dovecot: DovecotServer, engine: SyncEngine, link: Link, store: MailStore) -> None:
    """The store itself was reset (a sync saw the new UIDVALIDITY) while the commands still waited."""
    dovecot.seed(ALICE, BOX, [make_message("Old one"), make_message("Old two")])
    engine.sync_all()
    go_offline(engine, link)
    engine.move_messages(BOX, [1], "Archive")
    engine.set_flags(BOX, [2], add=["\\Flagged"])
    recreate(dovecot, BOX, [make_message("New one"), make_message("New two")])
    folder = store.folder(BOX)
    assert folder is not None and folder.uidvalidity is not None
    store.reset_folder(BOX, folder.uidvalidity + 1000)  # as a sync of a stale view would have done
    link.online = True
    refused = engine.replay_queue()
    assert sorted((r.kind, r.uids, r.dropped) for r in refused) == [("flags", (2,), True), ("move", (1,), True)]
    assert server_subjects(dovecot, BOX) == {1: "New one", 2: "New two"}
    assert server_subjects(dovecot, BOX, "FLAGGED") == {} and server_subjects(dovecot, "Archive") == {}


def test_a_sync_replays_pending_commands_before_reading_the_server(
        dovecot: DovecotServer, engine: SyncEngine, link: Link, store: MailStore) -> None:
    """IDLE (push) asking for a sync first must not undo what the person did offline."""
    dovecot.seed(ALICE, BOX, [make_message("Keep and star"), make_message("File away"), make_message("Leave")])
    engine.sync_all()
    go_offline(engine, link)
    engine.set_flags(BOX, [1], add=["\\Flagged"])
    engine.move_messages(BOX, [2], "Archive")
    dovecot.seed(ALICE, BOX, [make_message("Just arrived")])  # what woke IDLE up
    link.online = True
    seen: list[tuple[int, ...]] = []
    store.subscribe(lambda event: seen.append(getattr(event, "uids", ())))

    result = engine.sync_folder(BOX)  # the sync IDLE asks for; the replay comes first

    assert result.refused == () and store.pending() == []
    assert store.uids(BOX) == [1, 3, 4]
    assert all(2 not in uids for uids in seen)  # the moved message never came back, not even for a moment
    summary = store.summary(BOX, 1)
    assert summary is not None and summary.flagged
    assert server_subjects(dovecot, BOX, "FLAGGED") == {1: "Keep and star"}
    assert list(server_subjects(dovecot, "Archive").values()) == ["File away"]


# -- an account without MOVE and without SPECIAL-USE ---------------------------------------------------------


@pytest.fixture(scope="module")
def bare_dovecot(tmp_path_factory: pytest.TempPathFactory, ca: TestCA) -> Iterator[DovecotServer]:
    with DovecotServer(tmp_path_factory.mktemp("bare"), ca, USERS, imap_capability=BARE_CAPABILITY,
                       special_use_folders={}) as server:
        yield server


@pytest.fixture
def bare_config(bare_dovecot: DovecotServer, ca: TestCA) -> dict[str, Any]:
    client = bare_dovecot.client(ALICE)
    try:
        for _flags, _delimiter, name in sorted(client.list_folders(), key=lambda f: -len(f[2])):
            if name != "INBOX":
                client.delete_folder(name)
        client.select_folder("INBOX")
        if uids := client.search(["ALL"]):
            client.delete_messages(uids)
            client.expunge()
    finally:
        client.logout()
    return {"host": "127.0.0.1", "port": bare_dovecot.imaps_port, "username": ALICE, "password": USERS[ALICE],
            "use_ssl": True, "ca_file": str(ca.cert_path), "timeout": 10}


def test_without_a_trash_deleting_needs_the_explicit_permanent_command(
        bare_dovecot: DovecotServer, bare_config: dict[str, Any], store: MailStore) -> None:
    bare_dovecot.seed(ALICE, "INBOX", [make_message("Precious"), make_message("Junk mail")])
    engine = SyncEngine(store, Link(bare_config))
    engine.sync_all()
    precious, junk = uids = store.uids("INBOX")  # INBOX cannot be recreated: its UIDs go on from earlier tests
    assert engine.trash_folder() is None
    with pytest.raises(PermanentDeleteNeeded):
        engine.delete_messages("INBOX", [precious])
    assert store.pending() == [] and store.uids("INBOX") == uids  # nothing queued, nothing hidden
    assert engine.delete_permanently("INBOX", [junk]) == []
    engine.close()
    assert server_subjects(bare_dovecot, "INBOX") == {precious: "Precious"}

    imap: IMAPConnector = create_connector("imap", bare_config)
    with imap.connection():  # the library's own delete is never permanent by surprise either
        with pytest.raises(MessageError, match="no Trash"):
            imap.delete_messages([str(precious)], mailbox="INBOX")
    assert server_subjects(bare_dovecot, "INBOX") == {precious: "Precious"}


def test_a_queued_delete_from_an_older_facteur_never_expunges(
        bare_dovecot: DovecotServer, bare_config: dict[str, Any], store: MailStore) -> None:
    """Queued before deletes named their Trash: at replay there is none, so the message is kept and it is said."""
    bare_dovecot.seed(ALICE, "INBOX", [make_message("Keep me")])
    engine = SyncEngine(store, Link(bare_config))
    engine.sync_all()
    [uid] = store.uids("INBOX")
    store.enqueue("delete", "INBOX", [uid], {"permanent": False})
    store.remove_messages("INBOX", [uid])
    [refused] = engine.replay_queue()
    engine.close()
    assert refused.kind == "delete" and not refused.dropped and "kept" in str(refused.error)
    assert store.uids("INBOX") == [uid]  # rolled back
    assert server_subjects(bare_dovecot, "INBOX") == {uid: "Keep me"}


@pytest.mark.parametrize("trash", ["Papierkorb", "Корзина", "INBOX/Cestino", "ゴミ箱"])
def test_the_trash_is_found_by_its_name_in_many_languages(
        bare_dovecot: DovecotServer, bare_config: dict[str, Any], store: MailStore, trash: str) -> None:
    bare_dovecot.seed(ALICE, "INBOX", [make_message("To the bin")])
    bare_dovecot.seed(ALICE, trash, [])
    engine = SyncEngine(store, Link(bare_config))
    engine.sync_all()
    assert engine.trash_folder() == trash
    assert engine.delete_messages("INBOX", store.uids("INBOX")) == []  # COPY + \Deleted + UID EXPUNGE: no MOVE here
    engine.close()
    assert server_subjects(bare_dovecot, "INBOX") == {}
    assert list(server_subjects(bare_dovecot, trash).values()) == ["To the bin"]


def test_move_fallback_does_not_copy_again_what_an_interrupted_attempt_copied(
        bare_dovecot: DovecotServer, bare_config: dict[str, Any], store: MailStore) -> None:
    bare_dovecot.seed(ALICE, "INBOX", [make_message("Once"), make_message("Twice"), make_message("Thrice")])
    bare_dovecot.seed(ALICE, "Filed", [])
    engine = SyncEngine(store, Link(bare_config))
    engine.sync_all()
    uids = store.uids("INBOX")
    other = bare_dovecot.client(ALICE)  # what a first attempt cut after its COPY left behind
    other.select_folder("INBOX")
    other.copy(uids[:2], "Filed")
    other.logout()
    assert engine.move_messages("INBOX", uids, "Filed") == []
    engine.close()
    assert server_subjects(bare_dovecot, "INBOX") == {}
    assert sorted(server_subjects(bare_dovecot, "Filed").values()) == ["Once", "Thrice", "Twice"]


def test_pick_the_trash_from_a_listing() -> None:
    from connectors.messaging.imap_support import choose_special_folder

    def listing(*names: str, marked: str | None = None) -> list[tuple[str, str | None, bool]]:
        return [(name, "trash" if name == marked else None, True) for name in names]

    assert choose_special_folder("trash", listing("INBOX", "Papierkorb", "Trash", marked="Papierkorb")) \
        == "Papierkorb"  # the server's SPECIAL-USE (or XLIST) attribute wins over any name
    assert choose_special_folder("trash", listing("INBOX", "INBOX.Papelera")) == "INBOX.Papelera"
    assert choose_special_folder("trash", listing("INBOX", "[Gmail]/Corbeille")) == "[Gmail]/Corbeille"
    assert choose_special_folder("trash", listing("INBOX", "Éléments supprimés")) == "Éléments supprimés"
    assert choose_special_folder("trash", listing("INBOX", "deleted items")) == "deleted items"
    assert choose_special_folder("trash", listing("INBOX", "Lixeira", "Kosz")) == "Lixeira"
    assert choose_special_folder("trash", listing("INBOX", "回收站")) == "回收站"
    assert choose_special_folder("trash", listing("INBOX", "Archive", "Trashy novels")) is None
    assert choose_special_folder("trash", [("Trash", None, False)]) is None  # \Noselect


def test_a_server_with_xlist_but_no_special_use_has_its_trash_found_by_xlist(
        ca: TestCA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Older Gmail: XLIST's attributes (\\AllMail, \\Trash...) name the folders' roles."""
    from tests.servers import gmail_imap

    monkeypatch.setattr(gmail_imap, "CAPS_AFTER", gmail_imap.CAPS_AFTER.replace(" SPECIAL-USE", ""))
    user, password = "someone@gmail.com", "abcd efgh ijkl mnop"
    with gmail_imap.FakeGmailIMAP(ca, passwords={user: password}) as gmail:
        gmail.add_message(user, make_message("Unwanted", to=user), labels=("\\Inbox",))
        config = {"username": user, "password": password, "host": "127.0.0.1", "port": gmail.port,
                  "ca_file": str(ca.cert_path)}
        with MailStore(tmp_path / "gmail.sqlite3") as store:
            engine = SyncEngine(store, lambda: _gmail(config))
            engine.sync_all()
            all_mail = store.folder("[Gmail]/All Mail")
            assert all_mail is not None and "\\AllMail" in all_mail.flags  # what only XLIST says
            assert engine.trash_folder() == "[Gmail]/Trash"
            assert engine.delete_messages("INBOX", store.uids("INBOX")) == []
            engine.sync_all()
            assert [s.subject for s in store.summaries("[Gmail]/Trash")] == ["Unwanted"]
            engine.close()


def _gmail(config: dict[str, Any]) -> IMAPConnector:
    imap: IMAPConnector = create_connector("gmail_imap", config)
    imap.connect()
    return imap


@pytest.mark.parametrize("step", [rb"\S+ UID COPY .*", rb"\S+ UID STORE .*", rb"\S+ UID EXPUNGE .*"])
def test_a_move_fallback_cut_after_any_step_replays_without_duplicates(
        bare_dovecot: DovecotServer, bare_config: dict[str, Any], store: MailStore, step: bytes) -> None:
    """The server carried the step out but its answer never came: the queued move stays, and its replay neither
    copies again what the first attempt copied nor loses anything."""
    from tests.servers.proxy import CommandFaultProxy

    bare_dovecot.seed(ALICE, "INBOX", [make_message("Moved once"), make_message("Moved twice")])
    bare_dovecot.seed(ALICE, "Filed", [])
    with CommandFaultProxy(bare_dovecot.imap_port) as proxy:  # clear text, so the proxy sees the commands
        config = {**bare_config, "port": proxy.port, "use_ssl": False, "use_tls": False,
                  "allow_insecure_auth": True}
        proxy.fault(step, "cut-after")  # before connecting: the proxy reads the lines of links opened after
        engine = SyncEngine(store, Link(config))
        engine.sync_all()  # no COPY, STORE or EXPUNGE in a sync
        uids = store.uids("INBOX")
        assert engine.move_messages("INBOX", uids, "Filed") == []  # cut: the command stays queued
        assert proxy.fired.is_set()
        [queued] = store.pending()
        assert queued.attempts == 1 and store.uids("INBOX") == []
        assert engine.replay_queue() == []  # a new connection; the replay sees what the cut attempt did
        assert store.pending() == []
        engine.close()
    assert server_subjects(bare_dovecot, "INBOX") == {}
    assert sorted(server_subjects(bare_dovecot, "Filed").values()) == ["Moved once", "Moved twice"]


@pytest.mark.parametrize(("kind", "step"), [
    ("flags", rb"\S+ UID STORE .*"),
    ("move", rb"\S+ UID MOVE .*"),
    ("delete", rb"\S+ UID MOVE .*"),
    ("expunge", rb"\S+ UID STORE .*"),
    ("expunge", rb"\S+ UID EXPUNGE .*"),
])
def test_each_queued_command_cut_after_it_ran_replays_to_the_same_end(
        dovecot: DovecotServer, imap_config: dict[str, Any], store: MailStore, kind: str, step: bytes) -> None:
    from tests.servers.proxy import CommandFaultProxy

    dovecot.seed(ALICE, BOX, [make_message("Target"), make_message("Bystander")])
    with CommandFaultProxy(dovecot.imap_port) as proxy:  # clear text, so the proxy sees the commands
        proxy.fault(step, "cut-after")
        engine = SyncEngine(store, Link({**imap_config, "port": proxy.port, "use_ssl": False, "use_tls": False,
                                         "allow_insecure_auth": True}))
        engine.sync_all()
        target, _bystander = store.uids(BOX)
        act = {"flags": lambda: engine.set_flags(BOX, [target], add=["\\Flagged"]),
               "move": lambda: engine.move_messages(BOX, [target], "Archive"),
               "delete": lambda: engine.delete_messages(BOX, [target]),
               "expunge": lambda: engine.delete_permanently(BOX, [target])}[kind]
        assert act() == []  # the server did it, but the answer was lost: the command stays queued
        assert proxy.fired.is_set() and len(store.pending()) == 1
        assert engine.replay_queue() == []  # nothing refused: done already is done
        assert store.pending() == []
        engine.sync_folder(BOX)
        engine.close()
    expected_here = {"flags": {"Target", "Bystander"}}.get(kind, {"Bystander"})
    assert set(server_subjects(dovecot, BOX).values()) == expected_here
    assert {s.subject for s in store.summaries(BOX)} == expected_here
    assert server_subjects(dovecot, BOX, "FLAGGED") == ({target: "Target"} if kind == "flags" else {})
    assert list(server_subjects(dovecot, "Archive").values()) == (["Target"] if kind == "move" else [])
    assert list(server_subjects(dovecot, "Trash").values()) == (["Target"] if kind == "delete" else [])
