"""OAuth 2.0: OAuth2Manager against a loopback Google authorization server, and XOAUTH2 on real servers.

Google's endpoints are emulated (tests/servers/google_oauth.py, over HTTPS with the per-run CA); Dovecot checks
XOAUTH2 tokens through its oauth2 passdb against the emulator's RFC 7662 introspection endpoint, and the aiosmtpd
server checks them against the emulator directly.
"""

from __future__ import annotations

import time
import urllib.parse
from typing import Any

import pytest
import requests

from connectors import create_connector
from connectors.exceptions import AuthenticationError, OAuthError, ReauthenticationRequired
from connectors.messaging.oauth_utils import OAuth2Manager
from connectors.messaging.smtp import GmailConnector
from tests.conftest import ALICE, BOB, USERS
from tests.servers.smtp import SMTPServer

CLIENT_ID = "facteur-test.apps.googleusercontent.com"
CLIENT_SECRET = "test-client-secret"


@pytest.fixture
def oauth(google_oauth: Any, ca: Any) -> dict[str, Any]:
    google_oauth.register_client(CLIENT_ID, CLIENT_SECRET)
    google_oauth.signed_in_user = ALICE
    return {"auth_uri": google_oauth.auth_uri, "token_uri": google_oauth.token_uri,
            "revoke_uri": google_oauth.revoke_uri, "ca_file": str(ca.cert_path)}


def _browser_consent(url: str, ca_file: str) -> str:
    """A scripted browser: load the consent page, which redirects to the loopback redirect URI; return that URL."""
    response = requests.get(url, allow_redirects=False, verify=ca_file, timeout=10)
    assert response.status_code in (302, 303), response.text
    return str(response.headers["Location"])


def test_generate_url_has_pkce_and_state(oauth: dict[str, Any]) -> None:
    manager = OAuth2Manager(CLIENT_ID, CLIENT_SECRET, ["https://mail.google.com/"], **oauth)
    url = manager.generate_oauth_url()
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["state"] == [manager.state]
    assert query["access_type"] == ["offline"]
    assert query["scope"] == ["https://mail.google.com/"]
    assert query["redirect_uri"][0].startswith("http://127.0.0.1")


def test_code_exchange_refresh_and_revocation(oauth: dict[str, Any], google_oauth: Any) -> None:
    manager = OAuth2Manager(CLIENT_ID, CLIENT_SECRET, ["https://mail.google.com/"], **oauth)
    redirect = _browser_consent(manager.generate_oauth_url(), oauth["ca_file"])
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(redirect).query)["code"][0]
    tokens = manager.exchange_code_for_tokens(code)
    assert tokens["refresh_token"] and tokens["access_token"]
    assert tokens["expires_at"] > time.time() + 60
    assert google_oauth.token_owner(tokens["access_token"]) == ALICE

    refreshed = manager.refresh_access_token()
    assert refreshed["access_token"] != tokens["access_token"]
    assert refreshed["refresh_token"] == tokens["refresh_token"]  # Google keeps the same refresh token
    assert manager.get_access_token() == refreshed["access_token"]

    google_oauth.revoke(tokens["refresh_token"])
    with pytest.raises(ReauthenticationRequired, match="sign in again"):
        manager.refresh_access_token()


def test_exchange_accepts_the_redirect_url_and_checks_state(oauth: dict[str, Any]) -> None:
    manager = OAuth2Manager(CLIENT_ID, CLIENT_SECRET, **oauth)
    redirect = _browser_consent(manager.generate_oauth_url(), oauth["ca_file"])
    forged = redirect.replace(f"state={manager.state}", "state=forged")
    with pytest.raises(OAuthError, match="state mismatch"):
        manager.exchange_code_for_tokens(forged)
    assert manager.exchange_code_for_tokens(redirect)["refresh_token"]


def test_refused_consent_and_reused_code(oauth: dict[str, Any], google_oauth: Any) -> None:
    manager = OAuth2Manager(CLIENT_ID, CLIENT_SECRET, **oauth)
    google_oauth.deny_next_consent = True
    redirect = _browser_consent(manager.generate_oauth_url(), oauth["ca_file"])
    with pytest.raises(OAuthError, match="access_denied"):
        manager.exchange_code_for_tokens(redirect)
    redirect = _browser_consent(manager.generate_oauth_url(), oauth["ca_file"])
    manager.exchange_code_for_tokens(redirect)
    with pytest.raises(OAuthError, match="invalid_grant"):
        manager.exchange_code_for_tokens(redirect)  # a code works once


def _imap_oauth_config(dovecot: Any, ca: Any, oauth: dict[str, Any], refresh: str,
                       access: str | None = None) -> dict[str, Any]:
    section = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": refresh,
               "token_uri": oauth["token_uri"]}
    if access:
        section |= {"access_token": access, "expires_at": time.time() + 3000}
    return {"host": "127.0.0.1", "port": dovecot.imaps_port, "username": ALICE, "use_ssl": True,
            "ca_file": str(ca.cert_path), "use_oauth": True, "oauth": section}


def test_xoauth2_imap_on_dovecot(dovecot: Any, ca: Any, oauth: dict[str, Any], google_oauth: Any,
                                 accounts: dict[str, str]) -> None:
    _access, refresh = google_oauth.issue_tokens(ALICE, CLIENT_ID)
    imap = create_connector("imap", _imap_oauth_config(dovecot, ca, oauth, refresh))
    with imap.connection():  # no access token yet: refreshed before authenticating
        assert imap.select_mailbox("INBOX") == 0


def test_expired_access_token_is_refreshed(dovecot: Any, ca: Any, oauth: dict[str, Any], google_oauth: Any,
                                           accounts: dict[str, str]) -> None:
    access, refresh = google_oauth.issue_tokens(ALICE, CLIENT_ID)
    google_oauth.expire_access_tokens()  # the server now refuses it although we think it still valid
    assert google_oauth.token_owner(access) is None
    imap = create_connector("imap", _imap_oauth_config(dovecot, ca, oauth, refresh, access=access))
    with imap.connection():
        assert imap.is_connected()
    assert google_oauth.token_owner(imap.credentials.manager.get_access_token()) == ALICE


def test_revoked_refresh_token_asks_to_sign_in_again(dovecot: Any, ca: Any, oauth: dict[str, Any],
                                                     google_oauth: Any, accounts: dict[str, str]) -> None:
    _access, refresh = google_oauth.issue_tokens(ALICE, CLIENT_ID)
    google_oauth.revoke(refresh)
    imap = create_connector("imap", _imap_oauth_config(dovecot, ca, oauth, refresh))
    with pytest.raises(ReauthenticationRequired) as info:
        imap.connect()
    assert isinstance(info.value, AuthenticationError)
    assert refresh not in str(info.value) and CLIENT_SECRET not in str(info.value)


def test_xoauth2_smtp_and_create_with_oauth(smtp_server: SMTPServer, ca: Any, oauth: dict[str, Any],
                                            google_oauth: Any, dovecot: Any, accounts: dict[str, str]) -> None:
    _access, refresh = google_oauth.issue_tokens(ALICE, CLIENT_ID)
    # Configuration OAuth pour SMTP (the guide's oauth_config, plus where the server and token endpoint are)
    oauth_config = {
        "host": "127.0.0.1",
        "port": smtp_server.port,
        "ca_file": str(ca.cert_path),
        "username": ALICE,
        "use_oauth": True,
        "oauth": {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "refresh_token": refresh,
            "token_uri": oauth["token_uri"],
        },
    }
    before = len(smtp_server.received)
    smtp_connector = create_connector("smtp", oauth_config)
    with smtp_connector.connection():
        smtp_connector.send_email(subject="Via XOAUTH2", recipients=[BOB], body="token")
    smtp_server.wait_for(before + 1)
    assert ("XOAUTH2", ALICE, True) in smtp_server.auth_log

    gmail_smtp = GmailConnector.create_with_oauth(
        email=ALICE, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=refresh,
        host="127.0.0.1", port=smtp_server.port, ca_file=str(ca.cert_path),
        oauth={"token_uri": oauth["token_uri"]},
    )
    with gmail_smtp.connection():
        gmail_smtp.send_email(subject="Test OAuth", recipients=[BOB], body="Email envoyé avec OAuth 2.0")
    smtp_server.wait_for(before + 2)

    google_oauth.revoke(refresh)
    with pytest.raises(ReauthenticationRequired):
        create_connector("smtp", oauth_config).connect()


def test_obtention_d_un_refresh_token_guide_example(oauth: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The guide's OAuth2Manager example, with the person's browser and typing scripted."""
    typed: list[str] = []

    def person_types(prompt: str) -> str:
        url = capsys.readouterr().out.split("autorisez l'application: ", 1)[1].strip()
        redirect = _browser_consent(url, oauth["ca_file"])
        typed.append(urllib.parse.parse_qs(urllib.parse.urlsplit(redirect).query)["code"][0])
        return typed[-1]

    monkeypatch.setattr("builtins.input", person_types)

    # Initialiser le gestionnaire OAuth
    oauth_manager = OAuth2Manager(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        scopes=["https://mail.google.com/"],
        auth_uri=oauth["auth_uri"], token_uri=oauth["token_uri"], ca_file=oauth["ca_file"],
    )

    # Générer l'URL d'autorisation
    auth_url = oauth_manager.generate_oauth_url()
    print(f"Visitez cette URL et autorisez l'application: {auth_url}")

    # Après autorisation, récupérer le code d'autorisation de l'URL de redirection
    auth_code = input("Entrez le code d'autorisation: ")

    # Échanger le code contre des tokens
    tokens = oauth_manager.exchange_code_for_tokens(auth_code)
    print(f"Refresh token: {tokens['refresh_token']}")
    print(f"Access token: {tokens['access_token']}")

    out = capsys.readouterr().out
    assert f"Refresh token: {tokens['refresh_token']}" in out and typed


def test_password_users_still_work_beside_oauth(imap_config: dict[str, Any]) -> None:
    imap = create_connector("imap", {**imap_config, "username": BOB, "password": USERS[BOB]})
    with imap.connection():
        assert imap.select_mailbox("INBOX") == 0


def test_example_oauth_gmail_script(oauth: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    from scripts import example_oauth_gmail

    def person_pastes_redirect(prompt: str) -> str:
        url = capsys.readouterr().out.split("autorisez l'application: ", 1)[1].strip()
        return _browser_consent(url, oauth["ca_file"])  # the whole redirect address, as a person would copy it

    monkeypatch.setenv("GOOGLE_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("GOOGLE_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setattr("builtins.input", person_pastes_redirect)
    status = example_oauth_gmail.main(["--auth-uri", oauth["auth_uri"], "--token-uri", oauth["token_uri"],
                                       "--ca-file", oauth["ca_file"]])
    assert status == 0
    assert "Refresh token: " in capsys.readouterr().out
