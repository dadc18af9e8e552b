"""Smoke tests of the loopback server fixtures themselves, so a broken fixture fails here and not in
every integration test that builds on it."""

from __future__ import annotations

import base64
import json
import smtplib
import ssl
import threading
import urllib.parse
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import imapclient
import pytest
from imapclient.exceptions import LoginError

from tests.servers.ca import TestCA
from tests.servers.dovecot import DovecotError, DovecotServer
from tests.servers.smtp import SMTPServer

ALICE = "alice@example.test"
BOB = "bob@example.test"
USERS = {ALICE: "alice-secret", BOB: "bob:sécret"}


def make_message(subject: str, body: str = "Hello.", to: str = ALICE) -> bytes:
    message = EmailMessage()
    message["From"] = "sender@example.test"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{subject.replace(' ', '-')}@example.test>"
    message.set_content(body)
    return message.as_bytes()


def subjects(imap: imapclient.IMAPClient, folder: str = "INBOX") -> list[str]:
    imap.select_folder(folder, readonly=True)
    uids = imap.search()
    fetched = imap.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]) if uids else {}
    return [
        data[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().strip().removeprefix("Subject: ")
        for _, data in sorted(fetched.items())
    ]


@pytest.fixture
def ca(tmp_path: Path) -> TestCA:
    return TestCA(tmp_path / "ca")


@pytest.fixture
def dovecot(tmp_path: Path, ca: TestCA) -> Iterator[DovecotServer]:
    with DovecotServer(tmp_path / "dovecot", ca, USERS) as server:
        yield server


class IntrospectionEndpoint:
    """An RFC 7662 token introspection endpoint that knows one token, for Dovecot's oauth2 passdb."""

    def __init__(self, tokens: dict[str, str]) -> None:
        self.tokens = tokens
        self.requests: list[dict[str, list[str]]] = []
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                endpoint.requests.append(form)
                token = form.get("token", [""])[0]
                if token in endpoint.tokens:
                    answer = {"active": True, "username": endpoint.tokens[token]}
                else:
                    answer = {"active": False}
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/introspect"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05})

    def __enter__(self) -> IntrospectionEndpoint:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# --- Dovecot ------------------------------------------------------------------------------------------


def test_login_with_right_password_works_and_wrong_password_fails_fast(dovecot: DovecotServer) -> None:
    with dovecot.client(BOB) as imap:  # a password with a colon and non-ASCII
        assert imap.select_folder("INBOX")[b"EXISTS"] == 0
        assert {flags for flags, _, _ in imap.list_folders()} >= {
            (b"\\HasNoChildren", b"\\Sent"),
            (b"\\HasNoChildren", b"\\Trash"),
        }
        assert {name for _, _, name in imap.list_sub_folders()} >= {"Drafts", "Sent", "Trash", "Junk", "Archive"}

    # Repeated failures too (the auth penalty, that the nodelay passdb removes, is timed by bench/timings).
    for _ in range(3):
        with (
            imapclient.IMAPClient(
                dovecot.host, port=dovecot.imaps_port, ssl_context=dovecot.ssl_context(), timeout=5
            ) as imap,
            pytest.raises(LoginError),
        ):
            imap.login(ALICE, "wrong password")


def test_starttls_then_login_on_cleartext_port(dovecot: DovecotServer) -> None:
    with imapclient.IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False, timeout=5) as imap:
        assert imap.has_capability("STARTTLS")
        imap.starttls(dovecot.ssl_context())
        assert isinstance(imap.socket(), ssl.SSLSocket)
        imap.login(ALICE, USERS[ALICE])
        assert imap.select_folder("INBOX")[b"EXISTS"] == 0


def test_untrusted_certificate_is_refused(dovecot: DovecotServer) -> None:
    with pytest.raises(ssl.SSLCertVerificationError):
        imapclient.IMAPClient(
            dovecot.host, port=dovecot.imaps_port, ssl_context=ssl.create_default_context(cafile=None), timeout=5
        )


def test_lmtp_delivery_is_readable_over_imap(dovecot: DovecotServer) -> None:
    dovecot.deliver(ALICE, make_message("Delivered by LMTP", "The body."))
    with dovecot.client(ALICE) as imap:
        imap.select_folder("INBOX")
        (uid,) = imap.search()
        raw = imap.fetch([uid], ["RFC822"])[uid][b"RFC822"]
    assert b"Subject: Delivered by LMTP" in raw
    assert b"The body." in raw
    assert b"Delivered-To: alice@example.test" in raw
    with dovecot.client(BOB) as imap:
        assert subjects(imap) == []


def test_seeding_2000_messages(dovecot: DovecotServer) -> None:
    messages = [make_message(f"Seeded {number}") for number in range(2000)]
    dovecot.seed(ALICE, "Big/Folder", messages, flags=("\\Seen",))  # how fast: bench/timings
    with dovecot.client(ALICE) as imap:
        status = imap.folder_status("Big/Folder", ["MESSAGES", "UNSEEN"])
        assert status == {b"MESSAGES": 2000, b"UNSEEN": 0}
    dovecot.seed(ALICE, "Big/Folder", messages[:10])  # an existing folder is appended to, not an error
    with dovecot.client(ALICE) as imap:
        assert imap.folder_status("Big/Folder", ["MESSAGES"])[b"MESSAGES"] == 2010


def test_imap_capability_can_hide_move(tmp_path: Path, ca: TestCA) -> None:
    capability = "IMAP4rev1 SASL-IR LITERAL+ ENABLE IDLE UIDPLUS SPECIAL-USE CONDSTORE"
    with DovecotServer(tmp_path / "dovecot", ca, USERS, imap_capability=capability) as server:
        with server.client(ALICE) as imap:
            assert imap.has_capability("IDLE")
            assert not imap.has_capability("MOVE")


def test_dovecot_without_ssl_offers_no_starttls(tmp_path: Path, ca: TestCA) -> None:
    with DovecotServer(tmp_path / "dovecot", ca, USERS, ssl=False) as server:
        with imapclient.IMAPClient(server.host, port=server.imap_port, ssl=False, timeout=5) as imap:
            assert not imap.has_capability("STARTTLS")
            imap.login(ALICE, USERS[ALICE])
        with pytest.raises(DovecotError):
            _ = server.imaps_port
        server.deliver(ALICE, make_message("No TLS"))
        with server.client(ALICE) as imap:
            assert subjects(imap) == ["No TLS"]


def test_xoauth2_through_dovecot_introspection(tmp_path: Path, ca: TestCA) -> None:
    with (
        IntrospectionEndpoint({"good-token": ALICE}) as endpoint,
        DovecotServer(tmp_path / "dovecot", ca, USERS, introspection_url=endpoint.url) as server,
    ):
        with imapclient.IMAPClient(
            server.host, port=server.imaps_port, ssl_context=server.ssl_context(), timeout=5
        ) as imap:
            assert imap.has_capability("AUTH=XOAUTH2")
            imap.oauth2_login(ALICE, "good-token")
            assert imap.select_folder("INBOX")[b"EXISTS"] == 0
        assert endpoint.requests[-1]["token"] == ["good-token"]

        for user, token in ((ALICE, "bad-token"), (BOB, "good-token")):  # a valid token for someone else
            with (
                imapclient.IMAPClient(
                    server.host, port=server.imaps_port, ssl_context=server.ssl_context(), timeout=5
                ) as imap,
                pytest.raises(LoginError),
            ):
                imap.oauth2_login(user, token)

        with server.client(ALICE) as imap:  # passwords still work beside OAuth
            assert imap.select_folder("INBOX")[b"EXISTS"] == 0


def test_restart_keeps_mail_and_ports(dovecot: DovecotServer) -> None:
    dovecot.deliver(ALICE, make_message("Before restart"))
    port = dovecot.imaps_port
    dovecot.restart()
    assert dovecot.imaps_port == port
    with dovecot.client(ALICE) as imap:
        assert subjects(imap) == ["Before restart"]


def test_two_instances_run_side_by_side(tmp_path: Path, ca: TestCA) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)  # would overflow AF_UNIX paths if sockets lived in workdir
    with (
        DovecotServer(tmp_path / "one", ca, {ALICE: "one"}) as one,
        DovecotServer(deep, ca, {ALICE: "two"}) as two,
    ):
        assert len({one.imap_port, one.imaps_port, two.imap_port, two.imaps_port}) == 4
        one.deliver(ALICE, make_message("For one"))
        two.deliver(ALICE, make_message("For two"))
        with one.client(ALICE) as imap_one, two.client(ALICE) as imap_two:
            assert subjects(imap_one) == ["For one"]
            assert subjects(imap_two) == ["For two"]
        assert (deep / "mail" / ALICE / "Maildir").is_dir()
    assert not one.private_dir.exists() and not two.private_dir.exists()
    assert "saved mail to INBOX" in two.log_text()  # the log outlives the server


# --- SMTP ---------------------------------------------------------------------------------------------


def test_smtp_starttls_auth_plain_delivers_into_dovecot(dovecot: DovecotServer, ca: TestCA) -> None:
    with (
        SMTPServer(ca, USERS, lmtp_socket=dovecot.lmtp_socket) as smtp_server,
        smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as smtp,
    ):
        smtp.starttls(context=smtp_server.ssl_context())
        smtp.ehlo()
        assert "PLAIN" in smtp.esmtp_features["auth"].split()
        smtp.user, smtp.password = ALICE, USERS[ALICE]
        smtp.auth("PLAIN", smtp.auth_plain)
        smtp.sendmail(ALICE, [BOB], make_message("Sent over SMTP", to=BOB))
        smtp_server.wait_for(1)

    assert smtp_server.auth_log == [("PLAIN", ALICE, True)]
    (received,) = smtp_server.received
    assert (received.mail_from, received.rcpt_tos, received.auth_user) == (ALICE, [BOB], ALICE)
    with dovecot.client(BOB) as imap:
        assert subjects(imap) == ["Sent over SMTP"]


def test_smtp_refuses_auth_and_mail_before_starttls(ca: TestCA) -> None:
    with (
        SMTPServer(ca, USERS, lmtp_socket=None) as smtp_server,
        smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as smtp,
    ):
        smtp.ehlo()
        assert smtp.has_extn("starttls")
        assert not smtp.has_extn("auth")
        credentials = base64.b64encode(f"\0{ALICE}\0{USERS[ALICE]}".encode()).decode()
        assert smtp.docmd("AUTH", f"PLAIN {credentials}")[0] == 530
        assert smtp.docmd("MAIL", f"FROM:<{ALICE}>")[0] == 530
    assert smtp_server.auth_log == []


def test_smtp_wrong_password_and_unauthenticated_mail_are_refused(ca: TestCA) -> None:
    with (
        SMTPServer(ca, USERS, lmtp_socket=None) as smtp_server,
        smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as smtp,
    ):
        smtp.starttls(context=smtp_server.ssl_context())
        smtp.ehlo()
        smtp.user, smtp.password = ALICE, "wrong"
        with pytest.raises(smtplib.SMTPAuthenticationError):
            smtp.auth("PLAIN", smtp.auth_plain)
        with pytest.raises(smtplib.SMTPSenderRefused):
            smtp.sendmail(ALICE, [BOB], make_message("Not allowed"))
    assert smtp_server.auth_log == [("PLAIN", ALICE, False)]


def test_smtp_implicit_tls_with_login(ca: TestCA) -> None:
    with (
        SMTPServer(ca, USERS, lmtp_socket=None, mode="ssl") as smtp_server,
        smtplib.SMTP_SSL(smtp_server.host, smtp_server.port, context=smtp_server.ssl_context(), timeout=5) as smtp,
    ):
        assert not smtp.has_extn("starttls")
        smtp.login(ALICE, USERS[ALICE])
        smtp.sendmail(ALICE, [BOB], make_message("Over implicit TLS"))
        smtp_server.wait_for(1)
    assert smtp_server.auth_log[0][1:] == (ALICE, True)


def test_smtp_plain_mode_offers_no_tls(ca: TestCA) -> None:
    with (
        SMTPServer(ca, USERS, lmtp_socket=None, mode="plain") as smtp_server,
        smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as smtp,
    ):
        smtp.ehlo()
        assert not smtp.has_extn("starttls")
        assert smtp.has_extn("auth")


def test_smtp_rejected_recipient_and_failed_data(ca: TestCA) -> None:
    with (
        SMTPServer(ca, USERS, lmtp_socket=None) as smtp_server,
        smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as smtp,
    ):
        smtp_server.reject_recipients["nobody@example.test"] = (550, "5.1.1 No such user")
        smtp.starttls(context=smtp_server.ssl_context())
        smtp.login(ALICE, USERS[ALICE])
        refused = smtp.sendmail(ALICE, [BOB, "nobody@example.test"], make_message("Partly refused"))
        assert refused == {"nobody@example.test": (550, b"5.1.1 No such user")}
        smtp_server.wait_for(1)
        assert smtp_server.received[0].rcpt_tos == [BOB]

        smtp_server.fail_data_with = (451, "4.3.0 Try again later")
        with pytest.raises(smtplib.SMTPDataError) as failure:
            smtp.sendmail(ALICE, [BOB], make_message("Deferred"))
        assert failure.value.smtp_code == 451
    assert len(smtp_server.received) == 1


def test_smtp_xoauth2_follows_gmail(ca: TestCA) -> None:
    def validator(user: str, token: str) -> bool:
        return (user, token) == (ALICE, "good-token")

    def xoauth2(user: str, token: str) -> str:
        return f"user={user}\x01auth=Bearer {token}\x01\x01"

    with SMTPServer(ca, USERS, lmtp_socket=None, xoauth2_validator=validator) as smtp_server:
        with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as smtp:
            smtp.starttls(context=smtp_server.ssl_context())
            smtp.ehlo()
            assert "XOAUTH2" in smtp.esmtp_features["auth"].split()
            initial = base64.b64encode(xoauth2(ALICE, "bad-token").encode()).decode()
            code, challenge = smtp.docmd("AUTH", f"XOAUTH2 {initial}")
            assert code == 334
            assert json.loads(base64.b64decode(challenge))["status"] == "401"
            assert smtp.docmd("")[0] == 535
            smtp.auth("XOAUTH2", lambda challenge=None: xoauth2(ALICE, "good-token"), initial_response_ok=True)
            smtp.sendmail(ALICE, [BOB], make_message("Sent with a token"))
            smtp_server.wait_for(1)
        assert smtp_server.auth_log == [("XOAUTH2", ALICE, False), ("XOAUTH2", ALICE, True)]
        assert smtp_server.received[0].auth_user == ALICE

    with SMTPServer(ca, USERS, lmtp_socket=None) as smtp_server:  # no validator: no XOAUTH2
        with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as smtp:
            smtp.starttls(context=smtp_server.ssl_context())
            smtp.ehlo()
            assert "XOAUTH2" not in smtp.esmtp_features["auth"].split()


def test_smtp_answers_451_when_dovecot_is_unreachable(tmp_path: Path, ca: TestCA) -> None:
    with (
        SMTPServer(ca, USERS, lmtp_socket=tmp_path / "no-such-socket") as smtp_server,
        smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as smtp,
    ):
        smtp.starttls(context=smtp_server.ssl_context())
        smtp.login(ALICE, USERS[ALICE])
        with pytest.raises(smtplib.SMTPDataError) as failure:
            smtp.sendmail(ALICE, [BOB], make_message("Undeliverable"))
        assert failure.value.smtp_code == 451
    assert smtp_server.received == []


def test_smtp_stops_with_a_client_still_connected(ca: TestCA) -> None:
    smtp_server = SMTPServer(ca, USERS, lmtp_socket=None)
    smtp_server.start()
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=5) as smtp:
        smtp.ehlo()
        smtp_server.stop()  # returns with a client still connected (how fast: bench/timings)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            smtp.noop()
