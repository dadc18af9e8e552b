"""IMAPConnector against a real Dovecot: reading, searching, flags, moving, deleting, folders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from connectors import create_connector
from connectors.exceptions import MailboxNotFoundError, MessageError
from connectors.messaging import imap as imap_module
from connectors.messaging.imap import crlf_lines
from tests.conftest import ALICE, USERS, make_message
from tests.servers.dovecot import DovecotServer


def _seed(dovecot: DovecotServer, count: int, folder: str = "INBOX", **kwargs: Any) -> None:
    dovecot.seed(ALICE, folder, [make_message(f"Message {i}", body=f"Body {i}", **kwargs) for i in range(count)])


def test_list_select_receive(dovecot: DovecotServer, imap_config: dict[str, Any]) -> None:
    _seed(dovecot, 12)
    dovecot.seed(ALICE, "INBOX", [make_message("Read one")], flags=("\\Seen",))
    imap = create_connector("imap", imap_config)
    with imap.connection():
        assert {"INBOX", "Sent", "Trash", "Drafts", "Junk", "Archive"} <= set(imap.list_mailboxes())
        assert imap.select_mailbox("INBOX") == 13
        newest = imap.receive_messages(limit=5)
        assert [m["subject"] for m in newest] == ["Read one", "Message 11", "Message 10", "Message 9", "Message 8"]
        oldest = imap.receive_messages(limit=2, newest_first=False)
        assert [m["subject"] for m in oldest] == ["Message 0", "Message 1"]
        unread = imap.receive_messages(limit=None, unread_only=True)
        assert len(unread) == 12 and all(m["unread"] for m in unread)
        # Reading did not mark anything read (BODY.PEEK).
        assert len(imap.receive_messages(limit=None, unread_only=True)) == 12
        message = newest[1]
        for key in ("id", "subject", "from", "to", "cc", "date", "body", "html_body", "has_attachments", "flags",
                    "size"):
            assert key in message
        assert isinstance(message["id"], str) and message["id"].isdigit()
        assert message["body"].strip() == "Body 11"
        assert message["html_body"] is None and message["has_attachments"] is False


def test_mark_read_unread_and_flag(dovecot: DovecotServer, imap_config: dict[str, Any]) -> None:
    _seed(dovecot, 3)
    imap = create_connector("imap", imap_config)
    with imap.connection():
        ids = [m["id"] for m in imap.receive_messages()]
        imap.mark_as_read(ids[:2])
        assert [m["unread"] for m in imap.receive_messages()] == [False, False, True]
        imap.mark_as_unread([ids[0]])
        assert [m["unread"] for m in imap.receive_messages()] == [True, False, True]
        imap.mark_as_flagged([ids[2]])
        assert [m["flagged"] for m in imap.receive_messages()] == [False, False, True]
        with pytest.raises(MessageError, match="not a message id"):
            imap.mark_as_read(["abc"])


def test_search_criteria(dovecot: DovecotServer, imap_config: dict[str, Any]) -> None:
    recent, old = dt.datetime(2025, 3, 10, 9, tzinfo=dt.UTC), dt.datetime(2022, 12, 10, 9, tzinfo=dt.UTC)
    imap = create_connector("imap", imap_config)
    with imap.connection():
        # SINCE compares the date the server received the message (its internal date).
        for subject, sender, date in [("Urgent: server down", "important@example.test", recent),
                                      ("Urgent but old", "important@example.test", old),
                                      ("Not urgent", "someone@example.test", recent),
                                      ("Café crème", "someone@example.test", recent)]:
            imap.append_message("INBOX", make_message(subject, sender=sender), date=date)
        imap.select_mailbox("INBOX")
        found = imap.search_messages(
            criteria=["FROM", "important@example.test", "SUBJECT", "Urgent", "SINCE", "01-Jan-2023"], limit=5
        )
        assert [m["subject"] for m in found] == ["Urgent: server down"]
        assert [m["subject"] for m in imap.search_messages(["SUBJECT", "café"])] == ["Café crème"]
        assert len(imap.search_messages(["OR", "SUBJECT", "old", "SUBJECT", "crème"])) == 2
        with pytest.raises(MessageError, match="criteria"):
            imap.search_messages(["NOSUCHKEY", "x"])


def test_move_with_move_capability(dovecot: DovecotServer, imap_config: dict[str, Any]) -> None:
    _seed(dovecot, 4)
    imap = create_connector("imap", imap_config)
    with imap.connection():
        imap.create_mailbox("Archives")
        ids = [m["id"] for m in imap.receive_messages(newest_first=False)]
        imap.move_messages(ids[:2], "Archives")
        assert imap.select_mailbox("INBOX") == 2
        assert sorted(m["subject"] for m in imap.receive_messages(mailbox="Archives")) == ["Message 0", "Message 1"]
        imap.select_mailbox("INBOX")
        with pytest.raises(MailboxNotFoundError, match="Nowhere"):
            imap.move_messages(ids[2:], "Nowhere")
        assert imap.select_mailbox("INBOX") == 2


def test_copy_fallback_without_move_moves_only_chosen(tmp_path: Path, ca: Any) -> None:
    """A server without MOVE: COPY + \\Deleted + UID EXPUNGE of exactly those UIDs, sparing other \\Deleted mail."""
    capability = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT LITERAL+ UIDPLUS SPECIAL-USE NAMESPACE"
    with DovecotServer(tmp_path / "nomove", ca, USERS, imap_capability=capability) as server:
        server.seed(ALICE, "INBOX", [make_message(f"M{i}") for i in range(5)])
        imap = create_connector("imap", {"host": "127.0.0.1", "port": server.imaps_port, "username": ALICE,
                                         "password": USERS[ALICE], "ca_file": str(ca.cert_path)})
        with imap.connection():
            assert "MOVE" not in imap.capabilities()
            imap.create_mailbox("Archives")
            messages = imap.receive_messages(newest_first=False)
            ids = [m["id"] for m in messages]
            # Someone else marked M4 deleted but did not expunge it: it must survive our move.
            imap.set_flags([ids[4]], add=["\\Deleted"])
            imap.move_messages(ids[:2], "Archives")
            remaining = imap.search_uids(["ALL"], mailbox="INBOX")
            assert remaining == [int(i) for i in ids[2:]]
            assert sorted(m["subject"] for m in imap.receive_messages(mailbox="Archives")) == ["M0", "M1"]


def test_delete_goes_to_trash_then_permanent(dovecot: DovecotServer, imap_config: dict[str, Any]) -> None:
    _seed(dovecot, 3)
    imap = create_connector("imap", imap_config)
    with imap.connection():
        ids = [m["id"] for m in imap.receive_messages(newest_first=False)]
        imap.delete_messages([ids[0]])
        assert imap.select_mailbox("INBOX") == 2
        trashed = imap.receive_messages(mailbox="Trash")
        assert [m["subject"] for m in trashed] == ["Message 0"]
        with pytest.raises(MessageError, match="already are in the Trash"):
            imap.delete_messages([trashed[0]["id"]])  # in Trash: never permanent unless asked
        assert imap.select_mailbox("Trash") == 1
        imap.delete_messages([trashed[0]["id"]], permanent=True)
        assert imap.select_mailbox("Trash") == 0
        imap.delete_messages([ids[1]], permanent=True, mailbox="INBOX")
        assert imap.select_mailbox("INBOX") == 1
        assert imap.select_mailbox("Trash") == 0


def test_missing_mailbox_is_named(imap_config: dict[str, Any]) -> None:
    imap = create_connector("imap", imap_config)
    with imap.connection():
        with pytest.raises(MailboxNotFoundError, match="'Does/Not/Exist'"):
            imap.select_mailbox("Does/Not/Exist")
        with pytest.raises(MailboxNotFoundError):
            imap.receive_messages(mailbox="Nope")


def test_non_ascii_mailbox_names_round_trip(dovecot: DovecotServer, imap_config: dict[str, Any]) -> None:
    imap = create_connector("imap", imap_config)
    with imap.connection():
        imap.create_mailbox("Événements/2026")
        assert "Événements/2026" in imap.list_mailboxes()
        imap.append_message("Événements/2026", make_message("Fête"))
        assert imap.select_mailbox("Événements/2026") == 1
        assert imap.receive_messages()[0]["subject"] == "Fête"
        imap.rename_mailbox("Événements/2026", "Événements/Passés")
        assert "Événements/Passés" in imap.list_mailboxes()
    raw_names = [name for _, _, name in _raw_list(dovecot)]
    assert "&AMk-v&AOk-nements/Pass&AOk-s" in raw_names  # modified UTF-7 on the wire


def _raw_list(dovecot: DovecotServer) -> list[tuple[Any, Any, str]]:
    client = dovecot.client(ALICE)
    client.folder_encode = False
    try:
        return [(f, d, n.decode() if isinstance(n, bytes) else n) for f, d, n in client.list_folders()]
    finally:
        client.logout()


def test_hostile_and_malformed_mail_is_read_best_effort(dovecot: DovecotServer, imap_config: dict[str, Any],
                                                        tmp_cwd: Path) -> None:
    evil = (
        b"From: =?x-unknown?q?M=E9chant?= <evil@example.test>\r\nTo: alice@example.test\r\n"
        b"Subject: =?utf-8?b?broken base64?=\r\nDate: yesterday-ish\r\n"
        b'Content-Type: multipart/mixed; boundary="XX"\r\n\r\n'
        b"--XX\r\nContent-Type: text/plain; charset=klingon\r\n\r\ncaf\xe9\r\n"
        b"--XX\r\nContent-Type: application/octet-stream\r\n"
        b'Content-Disposition: attachment; filename="../../../etc/cron.d/evil"\r\nContent-Transfer-Encoding: base64\r\n'
        b"\r\nZXZpbA==\r\n--XX\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"..\"\r\n\r\n"
        b"dots\r\n"  # the closing boundary never comes
    )
    dovecot.deliver(ALICE, evil)
    imap = create_connector("imap", imap_config)
    with imap.connection():
        message = imap.receive_messages()[0]
        assert "caf" in message["body"]
        attachments = imap.get_attachments(message["id"])
    (tmp_cwd / "downloads").mkdir()
    for att in attachments:
        assert "/" not in att["filename"] and "\\" not in att["filename"]
        assert att["filename"] not in ("", ".", "..")
        target = Path(f"downloads/{att['filename']}")
        target.write_bytes(att["data"])
        assert target.resolve().parent == (tmp_cwd / "downloads").resolve()
    assert {a["filename"] for a in attachments} == {"evil", "attachment.txt"}


def test_append_returns_uid_and_status(imap_config: dict[str, Any]) -> None:
    imap = create_connector("imap", imap_config)
    with imap.connection():
        uid = imap.append_message("Drafts", make_message("Draft"), flags=["\\Draft"])
        assert uid is not None
        status = imap.folder_status("Drafts")
        assert status["messages"] == 1 and status["uidnext"] == uid + 1
        assert imap.get_message(str(uid), mailbox="Drafts")["subject"] == "Draft"


@pytest.mark.parametrize("slice_size", [4, 1 << 20])
def test_append_mends_line_ends_a_slice_at_a_time(slice_size: int, imap_config: dict[str, Any],
                                                  dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """APPEND sends CRLF line ends whatever the message had (bare LF, bare CR, mixed), mended in slices that never
    split a CRLF; flags and date go with it, and a missing folder is named."""
    monkeypatch.setattr(imap_module, "LINE_SLICE", slice_size)
    raw = (f"From: {ALICE}\nTo: {ALICE}\r\nSubject: Line ends\rMessage-ID: <ends-{slice_size}@example.test>\n\n"
           "one\r\ntwo\nthree\rfour\r\n\r\nend").encode()
    imap = create_connector("imap", imap_config)
    date = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    with imap.connection():
        uid = imap.append_message("Drafts", raw, flags=["\\Draft", "\\Seen"], date=date)
        with pytest.raises(MailboxNotFoundError, match="Nowhere"):
            imap.append_message("Nowhere", raw)
    client = dovecot.client(ALICE)
    try:
        client.select_folder("Drafts", readonly=True)
        fetched = client.fetch([uid], ["BODY.PEEK[]", "FLAGS", "INTERNALDATE"])[uid]
    finally:
        client.logout()
    assert fetched[b"BODY[]"] == (f"From: {ALICE}\r\nTo: {ALICE}\r\nSubject: Line ends\r\nMessage-ID: "
                                  f"<ends-{slice_size}@example.test>\r\n\r\none\r\ntwo\r\nthree\r\nfour\r\n\r\n"
                                  "end").encode()
    assert set(fetched[b"FLAGS"]) - {b"\\Recent"} == {b"\\Draft", b"\\Seen"}
    assert fetched[b"INTERNALDATE"].astimezone(dt.UTC) == date


def test_crlf_lines_never_split_a_line_end() -> None:
    data = b"a\r\nb\rc\nd\r\r\n\n\re"
    for size in range(1, len(data) + 2):
        assert crlf_lines(data, size) == b"a\r\nb\r\nc\r\nd\r\n\r\n\r\n\r\ne"
    assert crlf_lines(b"") == b""


def test_connection_context_always_disconnects(imap_config: dict[str, Any], smtp_config: dict[str, Any]) -> None:
    for connector in (create_connector("imap", imap_config), create_connector("smtp", smtp_config)):
        with pytest.raises(RuntimeError, match="boom"), connector.connection():
            assert connector.is_connected()
            raise RuntimeError("boom")
        assert not connector.is_connected()
        with connector:  # the connector is a context manager too
            assert connector.is_connected()
        assert not connector.is_connected()
