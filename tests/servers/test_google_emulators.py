"""The Google emulators, exercised through the client libraries Facteur's connectors use.

google-auth-oauthlib's Flow and google-auth's Credentials talk to FakeGoogleOAuth; IMAPClient talks
to FakeGmailIMAP. Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import base64
import json
import socket
import ssl
import threading
import webbrowser
from collections.abc import Iterator
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

import google.auth.exceptions
import pytest
import requests
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials
from google_auth_oauthlib.flow import Flow, InstalledAppFlow
from imapclient import IMAPClient
from imapclient.exceptions import LoginError
from oauthlib.oauth2.rfc6749.errors import InvalidGrantError

from tests.servers.ca import TestCA
from tests.servers.gmail_imap import FakeGmailIMAP
from tests.servers.google_oauth import MAIL_SCOPE, FakeGoogleOAuth

ALICE = "alice@gmail.com"
APP_PASSWORD = "abcd efgh ijkl mnop"  # Google shows app passwords in groups of four
CLIENT_ID = "1234-facteur.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-not-a-real-secret"
REDIRECT = "http://127.0.0.1:53682/"


@pytest.fixture(scope="module")
def google_ca(tmp_path_factory: pytest.TempPathFactory) -> TestCA:
    # Its own name: shadowing conftest's session-wide "ca" would break session fixtures built on it.
    return TestCA(tmp_path_factory.mktemp("google-ca"))


@pytest.fixture
def oauth(google_ca: TestCA) -> Iterator[FakeGoogleOAuth]:
    with FakeGoogleOAuth(google_ca) as server:
        server.register_client(CLIENT_ID, CLIENT_SECRET)
        server.signed_in_user = ALICE
        yield server


@pytest.fixture
def gmail(google_ca: TestCA, oauth: FakeGoogleOAuth) -> Iterator[FakeGmailIMAP]:
    with FakeGmailIMAP(google_ca, passwords={ALICE: APP_PASSWORD}, token_owner=oauth.token_owner) as server:
        yield server


@pytest.fixture
def http(google_ca: TestCA) -> Iterator[requests.Session]:
    with requests.Session() as session:
        # REQUESTS_CA_BUNDLE in the environment would override session.verify (and proxy variables
        # could reroute loopback traffic), so the session ignores the environment.
        session.trust_env = False
        session.verify = str(google_ca.cert_path)
        yield session


def connect(gmail: FakeGmailIMAP, google_ca: TestCA) -> IMAPClient:
    context = ssl.create_default_context(cafile=str(google_ca.cert_path))
    return IMAPClient(gmail.host, port=gmail.port, ssl=True, ssl_context=context, timeout=5)


@pytest.fixture
def imap(gmail: FakeGmailIMAP, google_ca: TestCA) -> Iterator[IMAPClient]:
    client = connect(gmail, google_ca)
    client.login(ALICE, APP_PASSWORD)
    yield client
    client.logout()


def browser(http: requests.Session, url: str) -> dict[str, str]:
    """What the user's browser would bring back to the loopback redirect."""
    response = http.get(url, allow_redirects=False)
    assert response.status_code == 302, response.text
    location = response.headers["Location"]
    assert location.startswith(REDIRECT)
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def mail(subject: str, *, sender: str = "Bob <bob@example.com>", body: str = "Hello Alice",
         attachment: bytes | None = None, message_id: str | None = None, in_reply_to: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ALICE
    msg["Subject"] = subject
    msg["Message-ID"] = message_id or f"<{abs(hash((subject, sender)))}@example.com>"
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg.set_content(body)
    if attachment is not None:
        msg.add_attachment(attachment, maintype="application", subtype="pdf", filename="invoice.pdf")
    return msg.as_bytes()


# --- OAuth 2.0 ---


def test_installed_app_flow_with_pkce_yields_working_tokens(
    oauth: FakeGoogleOAuth, google_ca: TestCA, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Real clients trust a CA through the environment; requests-oauthlib honours it.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(google_ca.cert_path))
    flow = InstalledAppFlow.from_client_config(oauth.client_config(CLIENT_ID), scopes=[MAIL_SCOPE])
    flow.redirect_uri = REDIRECT
    url, state = flow.authorization_url(prompt="consent")
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(oauth.auth_uri)
    assert query["code_challenge_method"] == ["S256"] and query["access_type"] == ["offline"]

    with requests.Session() as http:
        reply = browser(http, url)
    assert reply["state"] == state and reply["scope"] == MAIL_SCOPE

    token = flow.fetch_token(code=reply["code"])
    assert token["token_type"] == "Bearer" and token["expires_in"] > 3000
    credentials = flow.credentials
    assert credentials.refresh_token and oauth.token_owner(credentials.token) == ALICE
    assert ("GET", "/o/oauth2/auth") in oauth.requests and ("POST", "/token") in oauth.requests

    # The code is single-use, as at Google.
    with pytest.raises(InvalidGrantError):
        flow.fetch_token(code=reply["code"])


def test_run_local_server_completes_with_a_scripted_browser(
    oauth: FakeGoogleOAuth, http: requests.Session, google_ca: TestCA, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The desktop path end to end: the flow's own loopback listener receives Google's redirect."""

    class ScriptedBrowser:
        def __init__(self) -> None:
            self.thread: threading.Thread | None = None

        def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
            def visit() -> None:
                location = http.get(url, allow_redirects=False).headers["Location"]
                http.get(location, timeout=5)  # plain http to the flow's listener on 127.0.0.1

            # The flow only starts listening after open() returns; the backlog keeps the connection.
            self.thread = threading.Thread(target=visit, daemon=True)
            self.thread.start()
            return True

    browser_ = ScriptedBrowser()
    monkeypatch.setattr(webbrowser, "get", lambda using=None: browser_)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(google_ca.cert_path))
    flow = InstalledAppFlow.from_client_config(oauth.client_config(CLIENT_ID), scopes=[MAIL_SCOPE])
    credentials = flow.run_local_server(host="127.0.0.1", port=0, authorization_prompt_message="",
                                        timeout_seconds=10)
    assert browser_.thread is not None
    browser_.thread.join(5)
    assert oauth.token_owner(credentials.token) == ALICE and credentials.refresh_token


def test_pkce_verifier_mismatch_is_rejected(oauth: FakeGoogleOAuth, http: requests.Session, google_ca: TestCA) -> None:
    flow = Flow.from_client_config(oauth.client_config(CLIENT_ID), scopes=[MAIL_SCOPE], redirect_uri=REDIRECT)
    url, _ = flow.authorization_url()
    code = browser(http, url)["code"]
    genuine = flow.code_verifier
    flow.code_verifier = "x" * 64
    with pytest.raises(InvalidGrantError, match="Invalid code verifier"):
        flow.fetch_token(code=code, verify=str(google_ca.cert_path))
    flow.code_verifier = genuine
    assert flow.fetch_token(code=code, verify=str(google_ca.cert_path))["refresh_token"]


def test_refresh_works_until_the_grant_is_revoked(oauth: FakeGoogleOAuth, http: requests.Session) -> None:
    old_access, refresh = oauth.issue_tokens(ALICE, CLIENT_ID)
    credentials = Credentials(
        token=None, refresh_token=refresh, token_uri=oauth.token_uri,
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, scopes=[MAIL_SCOPE],
    )
    credentials.refresh(Request(http))
    assert credentials.valid and credentials.refresh_token == refresh  # Google issues no new one
    assert oauth.token_owner(credentials.token) == ALICE

    oauth.expire_access_tokens()
    assert oauth.token_owner(credentials.token) is None
    credentials.refresh(Request(http))
    assert oauth.token_owner(credentials.token) == ALICE

    assert http.post(oauth.revoke_uri, params={"token": refresh}).status_code == 200
    assert oauth.token_owner(credentials.token) is None and oauth.token_owner(old_access) is None
    with pytest.raises(google.auth.exceptions.RefreshError, match="invalid_grant"):
        credentials.refresh(Request(http))
    assert http.post(oauth.revoke_uri, params={"token": refresh}).json()["error"] == "invalid_token"


def test_consent_refused_and_bad_requests_answer_like_google(
    oauth: FakeGoogleOAuth, http: requests.Session
) -> None:
    flow = Flow.from_client_config(oauth.client_config(CLIENT_ID), scopes=[MAIL_SCOPE], redirect_uri=REDIRECT)
    url, state = flow.authorization_url()
    oauth.deny_next_consent = True
    assert browser(http, url) == {"error": "access_denied", "state": state}

    # An unknown client or a non-loopback redirect never redirects: Google shows an error page.
    elsewhere = url.replace("127.0.0.1%3A53682", "evil.example")
    assert http.get(elsewhere, allow_redirects=False).status_code == 400
    unknown = url.replace(CLIENT_ID, "someone-else")
    assert http.get(unknown, allow_redirects=False).status_code == 401

    wrong_secret = http.post(oauth.token_uri, data={
        "grant_type": "refresh_token", "refresh_token": "1//x", "client_id": CLIENT_ID, "client_secret": "nope",
    })
    assert wrong_secret.status_code == 401 and wrong_secret.json()["error"] == "invalid_client"


def test_introspection_for_dovecot(oauth: FakeGoogleOAuth) -> None:
    access, refresh = oauth.issue_tokens(ALICE, CLIENT_ID)
    assert oauth.introspection_url.startswith("http://127.0.0.1:")
    form = {"token": access, "client_id": "", "client_secret": ""}
    reply = requests.post(oauth.introspection_url, data=form, timeout=5).json()
    assert reply["active"] is True and reply["username"] == ALICE
    oauth.revoke(refresh)
    assert requests.post(oauth.introspection_url, data=form, timeout=5).json() == {"active": False}


# --- Gmail IMAP ---


def test_login_with_app_password(gmail: FakeGmailIMAP, google_ca: TestCA) -> None:
    client = connect(gmail, google_ca)
    assert b"X-GM-EXT-1" in client.capabilities() and b"AUTH=XOAUTH2" in client.capabilities()
    with pytest.raises(LoginError, match="AUTHENTICATIONFAILED"):
        client.login(ALICE, "wrong password")
    client.login(ALICE, APP_PASSWORD.replace(" ", ""))
    assert {b"MOVE", b"UIDPLUS", b"SPECIAL-USE", b"IDLE"} <= set(client.capabilities())
    client.logout()


def test_xoauth2_login_and_revoked_token(gmail: FakeGmailIMAP, oauth: FakeGoogleOAuth, google_ca: TestCA) -> None:
    access, refresh = oauth.issue_tokens(ALICE, CLIENT_ID)
    client = connect(gmail, google_ca)
    client.oauth2_login(ALICE, access)
    client.select_folder("INBOX")
    client.logout()

    oauth.revoke(refresh)
    client = connect(gmail, google_ca)
    with pytest.raises(LoginError, match="AUTHENTICATIONFAILED"):
        client.oauth2_login(ALICE, access)
    client.shutdown()


def test_xoauth2_error_challenge_follows_googles_doc(
    gmail: FakeGmailIMAP, oauth: FakeGoogleOAuth, google_ca: TestCA
) -> None:
    context = ssl.create_default_context(cafile=str(google_ca.cert_path))
    with socket.create_connection((gmail.host, gmail.port), timeout=5) as raw:
        with context.wrap_socket(raw, server_hostname=gmail.host) as tls:
            lines = tls.makefile("rb")
            assert lines.readline().startswith(b"* OK Gimap ready")
            initial = base64.b64encode(f"user={ALICE}\x01auth=Bearer ya29.bogus\x01\x01".encode())
            tls.sendall(b"a1 AUTHENTICATE XOAUTH2 " + initial + b"\r\n")  # SASL-IR
            challenge = lines.readline()
            assert challenge.startswith(b"+ ")
            assert json.loads(base64.b64decode(challenge[2:])) == {
                "status": "400", "schemes": "Bearer", "scope": "https://mail.google.com/"}
            tls.sendall(b"\r\n")
            assert lines.readline() == b"a1 NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)\r\n"


def test_folders_are_gmail_labels_with_special_use(imap: IMAPClient, gmail: FakeGmailIMAP) -> None:
    gmail.add_message(ALICE, mail("hi"), labels=("\\Inbox", "Clients/ACME"))
    folders = {name: flags for flags, _, name in imap.list_folders()}
    assert folders["[Gmail]"] == (b"\\Noselect", b"\\HasChildren")
    assert folders["Clients"] == (b"\\HasChildren",)
    assert b"\\All" in folders["[Gmail]/All Mail"] and b"\\Junk" in folders["[Gmail]/Spam"]
    assert imap.find_special_folder(b"\\Sent") == "[Gmail]/Sent Mail"
    assert imap.find_special_folder(b"\\Trash") == "[Gmail]/Trash"
    assert [name for _, _, name in imap.list_folders(pattern="%")] == ["INBOX", "Clients", "[Gmail]"]


def test_fetch_gmail_attributes(imap: IMAPClient, gmail: FakeGmailIMAP) -> None:
    first = gmail.add_message(ALICE, mail("Lunch?", message_id="<lunch@example.com>"),
                              labels=("\\Inbox", "\\Important", "Friends & Family"))
    reply = gmail.add_message(ALICE, mail("Re: Lunch?", message_id="<re@example.com>",
                                          in_reply_to="<lunch@example.com>"), flags=("\\Seen",))
    imap.select_folder("INBOX")
    data = imap.fetch(imap.search("ALL"), ["X-GM-LABELS", "X-GM-THRID", "X-GM-MSGID", "FLAGS"])
    by_msgid = {d[b"X-GM-MSGID"]: d for d in data.values()}
    assert set(by_msgid) == {first, reply} and first > 10**17
    assert by_msgid[first][b"X-GM-THRID"] == by_msgid[reply][b"X-GM-THRID"] == first
    assert set(by_msgid[first][b"X-GM-LABELS"]) == {b"\\Inbox", b"\\Important", b"Friends &- Family"}
    assert by_msgid[reply][b"FLAGS"] == (b"\\Seen",)
    uid = next(u for u, d in data.items() if d[b"X-GM-MSGID"] == first)
    assert imap.get_gmail_labels([uid]) == {uid: ["\\Inbox", "\\Important", "Friends & Family"]}
    assert imap.search(["X-GM-THRID", first]) == sorted(data)


def test_x_gm_raw_search(imap: IMAPClient, gmail: FakeGmailIMAP) -> None:
    pdf = b"%PDF-1.4 fake"
    both = gmail.add_message(ALICE, mail("Invoice 42", attachment=pdf), labels=("\\Inbox", "\\Important"))
    gmail.add_message(ALICE, mail("Invoice 43", attachment=pdf))
    gmail.add_message(ALICE, mail("Quarterly plan", sender="Carol <carol@corp.example>",
                                  body="the exact phrase here"), labels=("\\Inbox", "\\Important"))
    imap.select_folder("INBOX")
    uid_of = {d[b"X-GM-MSGID"]: u for u, d in imap.fetch(imap.search("ALL"), ["X-GM-MSGID"]).items()}
    assert imap.search(["X-GM-RAW", "has:attachment is:important"]) == [uid_of[both]]
    assert len(imap.gmail_search("has:attachment")) == 2
    assert len(imap.gmail_search("from:carol OR subject:invoice")) == 3
    assert len(imap.gmail_search('"exact phrase" -has:attachment')) == 1
    assert imap.gmail_search('"phrase exact"') == []
    assert len(imap.gmail_search("is:unread in:inbox filename:invoice.pdf")) == 2
    assert imap.search(["X-GM-MSGID", both]) == [uid_of[both]]
    assert len(imap.search(["OR", "FROM", "carol", ["SUBJECT", "43"]])) == 2
    gmail.add_message(ALICE, mail("Résumé été"))
    assert len(imap.gmail_search("subject:été")) == 1  # sent as a UTF-8 literal


def test_non_ascii_label_round_trips(imap: IMAPClient, gmail: FakeGmailIMAP) -> None:
    label = "Reçus/Été 2024 ✓"
    imap.create_folder(label)
    assert label in [name for _, _, name in imap.list_folders()]
    assert "Reçus" in gmail.mailbox(ALICE).user_labels  # the parent label appears too
    msgid = gmail.add_message(ALICE, mail("receipt"))
    imap.select_folder("INBOX")
    uid = imap.search("ALL")[0]
    imap.add_gmail_labels([uid], [label])
    assert label in gmail.labels_of(ALICE, msgid)
    assert imap.select_folder(label)[b"EXISTS"] == 1
    assert imap.search(["X-GM-LABELS", label], charset="UTF-8") == [1]
    imap.rename_folder(label, "Reçus/2024")
    assert gmail.labels_of(ALICE, msgid) == {"\\Inbox", "Reçus/2024"}


def test_move_and_trash(imap: IMAPClient, gmail: FakeGmailIMAP) -> None:
    msgid = gmail.add_message(ALICE, mail("file me"))
    imap.create_folder("Archive")
    imap.select_folder("INBOX")
    uid = imap.search("ALL")[0]
    imap.move([uid], "Archive")
    assert gmail.labels_of(ALICE, msgid) == {"Archive"}
    assert gmail.messages_in(ALICE, "INBOX") == [] and gmail.messages_in(ALICE, "[Gmail]/All Mail") == [msgid]

    imap.select_folder("Archive")
    imap.move(imap.search("ALL"), "[Gmail]/Trash")
    assert gmail.messages_in(ALICE, "[Gmail]/All Mail") == [] and gmail.messages_in(ALICE, "Archive") == []
    imap.select_folder("[Gmail]/Trash")
    imap.delete_messages(imap.search("ALL"))  # Auto-Expunge: gone for good from Trash
    assert gmail.messages_in(ALICE, "[Gmail]/Trash") == [] and msgid not in gmail.mailbox(ALICE).messages


def test_expunge_follows_gmail_defaults(imap: IMAPClient, gmail: FakeGmailIMAP) -> None:
    kept, archived = (gmail.add_message(ALICE, mail(s), labels=("\\Inbox", "Work")) for s in ("kept", "gone"))
    imap.select_folder("INBOX")
    uid_of = {d[b"X-GM-MSGID"]: u for u, d in imap.fetch(imap.search("ALL"), ["X-GM-MSGID"]).items()}
    # Auto-Expunge (Gmail's default): flagging \Deleted archives at once, the label goes, the mail stays.
    imap.delete_messages([uid_of[archived]])
    assert gmail.labels_of(ALICE, archived) == {"Work"} and imap.search("ALL") == [uid_of[kept]]

    gmail.auto_expunge = False
    imap.delete_messages([uid_of[kept]])
    assert imap.search("DELETED") == [uid_of[kept]]  # still listed until EXPUNGE
    imap.expunge()
    assert gmail.messages_in(ALICE, "INBOX") == [] and set(gmail.messages_in(ALICE, "Work")) == {kept, archived}
    imap.select_folder("[Gmail]/All Mail")
    imap.delete_messages(imap.search(["X-GM-MSGID", kept]))
    imap.expunge()  # from All Mail a message goes to Trash
    assert gmail.messages_in(ALICE, "[Gmail]/Trash") == [kept] and gmail.messages_in(ALICE, "Work") == [archived]


def test_copy_reports_copyuid_and_starred_follows_flagged(imap: IMAPClient, gmail: FakeGmailIMAP) -> None:
    msgid = gmail.add_message(ALICE, mail("keep"))
    imap.select_folder("INBOX")
    uid = imap.search("ALL")[0]
    # IMAPClient.copy() returns the untagged FETCH data of UID COPY (None), not the tagged text that
    # carries COPYUID, so this one goes through imaplib.
    typ, data = imap._imap._simple_command("UID", "COPY", str(uid), '"[Gmail]/Starred"')
    starred = imap.folder_status("[Gmail]/Starred", ["UIDVALIDITY"])[b"UIDVALIDITY"]
    assert (typ, data) == ("OK", [f"[COPYUID {starred} {uid} 1] (Success)".encode()])
    assert "\\Flagged" in gmail.flags_of(ALICE, msgid) and "\\Starred" in gmail.labels_of(ALICE, msgid)
    imap.remove_flags([uid], [b"\\Flagged"])
    assert gmail.messages_in(ALICE, "[Gmail]/Starred") == []


def test_append_to_sent_mail_is_deduplicated_by_message_id(imap: IMAPClient, gmail: FakeGmailIMAP) -> None:
    raw = mail("sent by me", sender=ALICE, message_id="<mine@gmail.com>")
    response = imap.append("[Gmail]/Sent Mail", raw, flags=[b"\\Seen"])
    assert response.startswith(b"[APPENDUID ")
    imap.append("[Gmail]/Sent Mail", raw)
    [msgid] = gmail.messages_in(ALICE, "[Gmail]/Sent Mail")
    assert gmail.labels_of(ALICE, msgid) == {"\\Sent"} and gmail.commands.count("APPEND") == 2


def test_idle_sees_new_message(imap: IMAPClient, gmail: FakeGmailIMAP) -> None:
    gmail.add_message(ALICE, mail("before"))
    imap.select_folder("INBOX")
    imap.idle()
    gmail.add_message(ALICE, mail("during"))
    responses = imap.idle_check(timeout=5)
    imap.idle_done()
    assert (2, b"EXISTS") in responses
    assert len(imap.search("ALL")) == 2


def test_body_sections_and_seen(imap: IMAPClient, gmail: FakeGmailIMAP) -> None:
    msgid = gmail.add_message(ALICE, mail("parts", attachment=b"PDFDATA"))
    imap.select_folder("INBOX")
    uid = imap.search("ALL")[0]
    peek = imap.fetch([uid], ["BODY.PEEK[2]", "BODY.PEEK[2.MIME]", "RFC822.SIZE"])[uid]
    assert base64.b64decode(peek[b"BODY[2]"]) == b"PDFDATA" and b"invoice.pdf" in peek[b"BODY[2.MIME]"]
    assert "\\Seen" not in gmail.flags_of(ALICE, msgid)
    whole = imap.fetch([uid], ["BODY[]"])[uid]
    assert len(whole[b"BODY[]"]) == peek[b"RFC822.SIZE"] and whole[b"FLAGS"] == (b"\\Seen",)


def test_commands_are_logged(imap: IMAPClient, gmail: FakeGmailIMAP) -> None:
    imap.select_folder("INBOX", readonly=True)
    assert gmail.commands[-1] == "EXAMINE" and "LOGIN" in gmail.commands
