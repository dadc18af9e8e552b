"""Delivering Outbox entries through the real SMTP server into Dovecot: exactly once, whatever happens."""

from __future__ import annotations

import email
from email import policy
from email.headerregistry import Address
from pathlib import Path
from typing import Any

from connectors import create_connector
from connectors.messaging.compose import build_message, to_wire
from connectors.outbox import (
    DRAFT_HEADER,
    Outbox,
    RetryPolicy,
    delete_server_draft,
    deliver,
    replace_server_draft,
)
from connectors.outbox.delivery import confirm_unconfirmed, find_in_sent
from connectors.outbox.server_drafts import draft_id_for
from tests.conftest import ALICE, BOB, CAROL, USERS
from tests.connectors.outbox.fake_clock import FakeClock
from tests.servers.smtp import SMTPServer


def _message(subject: str, to: list[str], **extra: Any) -> tuple[bytes, str]:
    msg = build_message(subject=subject, sender=Address("Alice", *ALICE.split("@")),
                        to=[Address("", *addr.split("@")) for addr in to], body=f"Body of {subject}", **extra)
    return to_wire(msg), str(msg["Message-ID"])


def _enqueue(outbox: Outbox, subject: str, to: list[str], **extra: Any) -> str:
    raw, message_id = _message(subject, to, **extra)
    return outbox.enqueue(account_id="alice", raw=raw, message_id=message_id, sender=ALICE, recipients=to,
                          subject=subject).id


def _inbox_subjects(dovecot: Any, user: str, folder: str = "INBOX") -> list[str]:
    client = dovecot.client(user)
    try:
        client.select_folder(folder)
        uids = client.search(["ALL"])
        fetched = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]) if uids else {}
        return sorted(
            str(email.message_from_bytes(data[b"BODY[HEADER.FIELDS (SUBJECT)]"], policy=policy.default)["Subject"])
            for data in fetched.values()
        )
    finally:
        client.logout()


def test_delivers_once_and_files_a_copy_in_sent(outbox: Outbox, smtp_config: dict[str, Any],
                                                imap_config: dict[str, Any], smtp_server: SMTPServer,
                                                dovecot: Any) -> None:
    before = len(smtp_server.received)
    entry_id = _enqueue(outbox, "Once only", [BOB])
    smtp, imap = create_connector("smtp", smtp_config), create_connector("imap", imap_config)
    try:
        report = deliver(outbox, outbox.get(entry_id), smtp=smtp, imap=imap)
        assert report.outcome == "sent" and not report.error
        assert outbox.get(entry_id) is None, "a delivered and filed message leaves the Outbox"
        assert find_in_sent(imap, report.message_id)
    finally:
        smtp.disconnect()
        imap.disconnect()
    assert len(smtp_server.received) == before + 1
    assert _inbox_subjects(dovecot, BOB) == ["Once only"]
    assert _inbox_subjects(dovecot, ALICE, "Sent") == ["Once only"]


def test_the_wire_bytes_are_the_queued_bytes(outbox: Outbox, smtp_config: dict[str, Any],
                                             smtp_server: SMTPServer, accounts: Any) -> None:
    raw, _ = _message("Bytes kept", [BOB])
    entry = outbox.enqueue(account_id="alice", raw=raw, message_id="<x@y>", sender=ALICE, recipients=[BOB])
    before = len(smtp_server.received)
    smtp = create_connector("smtp", smtp_config)
    assert deliver(outbox, entry, smtp=smtp).outcome == "sent"
    smtp.disconnect()
    assert smtp_server.received[before].data.replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")


def test_bad_recipient_fails_with_the_servers_words_and_is_kept(outbox: Outbox, smtp_config: dict[str, Any],
                                                                smtp_server: SMTPServer) -> None:
    smtp_server.reject_recipients["nobody@example.test"] = (550, "5.1.1 <nobody@example.test>: no such user")
    try:
        entry_id = _enqueue(outbox, "Bounce", ["nobody@example.test"])
        smtp = create_connector("smtp", smtp_config)
        report = deliver(outbox, outbox.get(entry_id), smtp=smtp)
        smtp.disconnect()
    finally:
        smtp_server.reject_recipients.clear()
    assert report.outcome == "failed"
    assert "no such user" in report.error and "550" in report.error
    entry = outbox.get(entry_id)
    assert entry.state == "failed" and "no such user" in entry.last_error
    assert outbox.due() == [], "a permanent refusal is not retried on its own"


def test_partial_refusal_counts_as_sent_and_is_never_retried(outbox: Outbox, smtp_config: dict[str, Any],
                                                             smtp_server: SMTPServer, dovecot: Any) -> None:
    smtp_server.reject_recipients["nobody@example.test"] = (550, "5.1.1 no such user")
    before = len(smtp_server.received)
    try:
        entry_id = _enqueue(outbox, "Half", [BOB, "nobody@example.test"])
        smtp = create_connector("smtp", smtp_config)
        report = deliver(outbox, outbox.get(entry_id), smtp=smtp)
        smtp.disconnect()
    finally:
        smtp_server.reject_recipients.clear()
    assert report.outcome == "sent" and "nobody@example.test" in report.warning
    assert outbox.due() == [] and outbox.get(entry_id) is None
    assert len(smtp_server.received) == before + 1


def test_temporary_refusal_is_retried_with_backoff(outbox: Outbox, clock: FakeClock, smtp_config: dict[str, Any],
                                                   smtp_server: SMTPServer, dovecot: Any) -> None:
    smtp_server.fail_data_with = (451, "4.3.0 Try again later")
    smtp = create_connector("smtp", smtp_config)
    try:
        entry_id = _enqueue(outbox, "Later", [CAROL])
        report = deliver(outbox, outbox.get(entry_id), smtp=smtp)
        assert report.outcome == "retry" and "Try again later" in report.error
        assert report.retry_at == clock.now + 10
        assert outbox.due() == []
    finally:
        smtp_server.fail_data_with = None
    clock.advance(10)
    (entry,) = outbox.due()
    assert deliver(outbox, entry, smtp=smtp).outcome == "sent"
    smtp.disconnect()
    assert _inbox_subjects(dovecot, CAROL) == ["Later"]


def test_server_down_then_restart_then_back_delivers_exactly_once(
    tmp_path: Path, ca: Any, dovecot: Any, accounts: Any, imap_config: dict[str, Any]
) -> None:
    private = SMTPServer(ca, USERS, lmtp_socket=dovecot.lmtp_socket)  # not started: the server is down
    config = {"host": "127.0.0.1", "port": private.port, "username": ALICE, "password": USERS[ALICE],
              "use_tls": True, "ca_file": str(ca.cert_path), "timeout": 5}
    path = tmp_path / "outbox.sqlite3"
    clock = FakeClock()

    outbox = Outbox(path, clock=clock, retry=RetryPolicy(first=10))
    entry_id = _enqueue(outbox, "Patience", [BOB])
    report = deliver(outbox, outbox.get(entry_id), smtp=create_connector("smtp", config))
    assert report.outcome == "retry" and "127.0.0.1" in report.error
    assert outbox.get(entry_id).state == "queued" and outbox.get(entry_id).attempts == 1
    outbox.close()
    del outbox  # the app quits

    private.start()  # the server comes back while Facteur is closed
    try:
        reopened = Outbox(path, clock=clock, retry=RetryPolicy(first=10))
        assert reopened.recover_interrupted() == []
        assert reopened.due() == [], "the backoff is remembered across the restart"
        clock.advance(10)
        smtp, imap = create_connector("smtp", config), create_connector("imap", imap_config)
        for entry in reopened.due():
            assert deliver(reopened, entry, smtp=smtp, imap=imap).outcome == "sent"
        for entry in reopened.due():  # nothing left: a second pass sends nothing
            deliver(reopened, entry, smtp=smtp, imap=imap)
        smtp.disconnect()
        imap.disconnect()
        reopened.close()
        assert len(private.received) == 1
    finally:
        private.stop()
    assert _inbox_subjects(dovecot, BOB) == ["Patience"]


def test_interrupted_send_found_in_sent_is_not_sent_again(outbox_path: Path, clock: FakeClock,
                                                          imap_config: dict[str, Any], dovecot: Any) -> None:
    first = Outbox(outbox_path, clock=clock)
    found_id = _enqueue(first, "Already out", [BOB])
    lost_id = _enqueue(first, "Maybe out", [BOB])
    first.claim(found_id)
    first.claim(lost_id)
    # The provider filed the first one in Sent before the app died (as Gmail does).
    dovecot.seed(ALICE, "Sent", [first.get(found_id).raw])
    first.close()

    again = Outbox(outbox_path, clock=clock)
    again.recover_interrupted()
    imap = create_connector("imap", imap_config)
    try:
        assert confirm_unconfirmed(again, again.get(found_id), imap).outcome == "sent"
        lost = confirm_unconfirmed(again, again.get(lost_id), imap)
    finally:
        imap.disconnect()
    assert again.get(found_id) is None
    assert lost.outcome == "failed" and again.get(lost_id).error_kind == "interrupted"
    assert again.due() == [], "an interrupted message waits for the person instead of being resent"
    again.close()


def test_server_draft_is_replaced_not_piled_up(imap_config: dict[str, Any], dovecot: Any) -> None:
    imap = create_connector("imap", imap_config)
    try:
        imap.connect()
        for version in ("v1", "v2", "v3"):
            raw, _ = _message(f"Draft {version}", [BOB], extra_headers={DRAFT_HEADER: "d-123"})
            replace_server_draft(imap, "d-123", raw)
        other, _ = _message("Someone else's draft", [BOB])
        imap.append_message("Drafts", other)
    finally:
        imap.disconnect()
    assert _inbox_subjects(dovecot, ALICE, "Drafts") == ["Draft v3", "Someone else's draft"]


def test_a_draft_continuing_another_clients_replaces_its_copy(imap_config: dict[str, Any], dovecot: Any) -> None:
    """Issue 15.8: a draft written elsewhere, opened and saved here, is one draft: its id comes from its Message-ID,
    and the first save replaces the other client's copy (found by that Message-ID) and nothing else."""
    phone, phone_id = _message("From the phone", [BOB])
    unrelated, _ = _message("Someone else's draft", [BOB])
    dovecot.seed(ALICE, "Drafts", [phone, unrelated])
    draft_id = draft_id_for(phone_id)
    assert draft_id.startswith("mid-") and draft_id == draft_id_for(phone_id), "stable"
    assert draft_id_for("<facteur-draft.abc123@example.test>") == "abc123"
    assert draft_id_for(phone_id, header_id="abc123") == "abc123"
    imap = create_connector("imap", imap_config)
    try:
        imap.connect()
        for version in ("v1", "v2"):
            raw, _ = _message(f"From the phone {version}", [BOB], extra_headers={DRAFT_HEADER: draft_id})
            replace_server_draft(imap, draft_id, raw, replaces=(phone_id,))
        assert delete_server_draft(imap, "other-id", replaces=()) == 0
    finally:
        imap.disconnect()
    assert _inbox_subjects(dovecot, ALICE, "Drafts") == ["From the phone v2", "Someone else's draft"]


def test_providers_that_file_sent_mail_get_no_second_copy(outbox: Outbox, smtp_config: dict[str, Any],
                                                          imap_config: dict[str, Any], dovecot: Any) -> None:
    entry_id = _enqueue(outbox, "Gmail files it", [BOB])
    smtp, imap = create_connector("smtp", smtp_config), create_connector("imap", imap_config)
    try:
        report = deliver(outbox, outbox.get(entry_id), smtp=smtp, imap=imap, server_saves_sent=True)
    finally:
        smtp.disconnect()
        imap.disconnect()
    assert report.outcome == "sent"
    assert _inbox_subjects(dovecot, ALICE, "Sent") == []
