"""Microsoft sign-in and Outlook's XOAUTH2: OAuth2Manager against the loopback Microsoft identity platform
(tests/servers/microsoft_oauth.py, faithful to Microsoft's v2.0 documentation), IMAP on a real Dovecot whose
oauth2 passdb introspects the emulator's tokens, and SMTP on the aiosmtpd server checking them."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest
import requests

from connectors import create_connector
from connectors.exceptions import OAuthError, ReauthenticationRequired
from connectors.messaging.imap import OutlookIMAPConnector
from connectors.messaging.oauth_utils import OAuth2Manager
from connectors.messaging.smtp import OutlookConnector
from tests.conftest import OUTLOOK_USER, empty_mailboxes
from tests.servers.smtp import SMTPServer

CLIENT_ID = "8f0d5c3e-0a4b-4d63-9a53-5c1b2a7d9e11"  # a public client: no secret


@pytest.fixture
def microsoft(microsoft_identity: Any, ca: Any) -> dict[str, Any]:
    microsoft_identity.register_client(CLIENT_ID)
    microsoft_identity.signed_in_user = OUTLOOK_USER
    microsoft_identity.deny_next_consent = False
    return {"provider": "microsoft", "auth_uri": microsoft_identity.auth_uri,
            "token_uri": microsoft_identity.token_uri, "ca_file": str(ca.cert_path)}


def _consent(url: str, ca_file: str) -> str:
    response = requests.get(url, allow_redirects=False, verify=ca_file, timeout=10)
    assert response.status_code == 302, response.text
    return str(response.headers["Location"])


def test_authorization_url_is_microsofts(microsoft: dict[str, Any]) -> None:
    manager = OAuth2Manager(CLIENT_ID, **microsoft)
    url = manager.generate_oauth_url("http://127.0.0.1:4711/", login_hint=OUTLOOK_USER)
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert query["scope"] == ["https://outlook.office.com/IMAP.AccessAsUser.All "
                              "https://outlook.office.com/SMTP.Send offline_access"]
    assert query["code_challenge_method"] == ["S256"] and query["state"] == [manager.state]
    assert query["login_hint"] == [OUTLOOK_USER] and "access_type" not in query and "client_secret" not in query


def test_code_exchange_refresh_rotation_and_revoked_grant(microsoft: dict[str, Any], microsoft_identity: Any) -> None:
    manager = OAuth2Manager(CLIENT_ID, "a secret a public client must never send", **microsoft)
    tokens = manager.exchange_code_for_tokens(_consent(manager.generate_oauth_url(), microsoft["ca_file"]))
    assert tokens["refresh_token"].startswith("M.C") and microsoft_identity.token_owner(tokens["access_token"])
    first_refresh = tokens["refresh_token"]
    refreshed = manager.refresh_access_token()
    assert refreshed["access_token"] != tokens["access_token"]
    assert refreshed["refresh_token"] != first_refresh  # Microsoft rotates refresh tokens; the new one is kept
    assert microsoft_identity.token_owner(manager.get_access_token()) == OUTLOOK_USER

    assert manager.revoke() is False  # no revocation endpoint at Microsoft: only forgotten here
    assert manager.refresh_token is None

    microsoft_identity.revoke(refreshed["refresh_token"])
    with pytest.raises(ReauthenticationRequired, match="invalid_grant"):
        OAuth2Manager(CLIENT_ID, refresh_token=refreshed["refresh_token"], **microsoft).refresh_access_token()


def test_code_is_single_use_and_refusal_is_reported(microsoft: dict[str, Any], microsoft_identity: Any) -> None:
    manager = OAuth2Manager(CLIENT_ID, **microsoft)
    redirect = _consent(manager.generate_oauth_url(), microsoft["ca_file"])
    manager.exchange_code_for_tokens(redirect)
    with pytest.raises(OAuthError, match="invalid_grant"):
        manager.exchange_code_for_tokens(redirect)
    microsoft_identity.deny_next_consent = True
    with pytest.raises(OAuthError, match="access_denied"):
        manager.exchange_code_for_tokens(_consent(manager.generate_oauth_url(), microsoft["ca_file"]))


def _oauth_section(microsoft: dict[str, Any], refresh: str) -> dict[str, Any]:
    return {"client_id": CLIENT_ID, "refresh_token": refresh, "token_uri": microsoft["token_uri"]}


def test_outlook_imap_and_smtp_with_xoauth2(microsoft: dict[str, Any], microsoft_identity: Any,
                                            outlook_dovecot: Any, outlook_smtp: SMTPServer, ca: Any) -> None:
    empty_mailboxes(outlook_dovecot, OUTLOOK_USER)
    _access, refresh = microsoft_identity.issue_tokens(OUTLOOK_USER, CLIENT_ID)
    imap = create_connector("outlook_imap", {
        "host": "127.0.0.1", "port": outlook_dovecot.imaps_port, "username": OUTLOOK_USER, "ca_file": str(ca.cert_path),
        "use_oauth": True, "oauth": _oauth_section(microsoft, refresh)})
    assert isinstance(imap, OutlookIMAPConnector) and imap.config.oauth is not None
    assert imap.config.oauth.provider == "microsoft" and imap.config.use_ssl
    before = len(outlook_smtp.received)
    smtp = create_connector("outlook", {
        "host": "127.0.0.1", "port": outlook_smtp.port, "username": OUTLOOK_USER, "ca_file": str(ca.cert_path),
        "use_oauth": True, "oauth": _oauth_section(microsoft, refresh)})
    assert isinstance(smtp, OutlookConnector) and smtp.config.use_tls
    with smtp.connection():
        smtp.send_email(subject="Through Outlook's XOAUTH2", recipients=[OUTLOOK_USER], body="hello")
    outlook_smtp.wait_for(before + 1)
    assert ("XOAUTH2", OUTLOOK_USER, True) in outlook_smtp.auth_log
    with imap.connection():
        assert imap.select_mailbox("INBOX") == 1

    microsoft_identity.revoke(refresh)
    microsoft_identity.expire_access_tokens()
    with pytest.raises(ReauthenticationRequired):
        create_connector("outlook_imap", {
            "host": "127.0.0.1", "port": outlook_dovecot.imaps_port, "username": OUTLOOK_USER,
            "ca_file": str(ca.cert_path), "use_oauth": True, "oauth": _oauth_section(microsoft, refresh)}).connect()


def test_outlook_presets_are_microsofts() -> None:
    imap = create_connector("outlook_imap", {"username": OUTLOOK_USER, "use_oauth": True,
                                             "oauth": {"client_id": CLIENT_ID, "refresh_token": "r"}})
    smtp = create_connector("outlook", {"username": OUTLOOK_USER, "use_oauth": True,
                                        "oauth": {"client_id": CLIENT_ID, "refresh_token": "r"}})
    assert (imap.config.host, imap.config.port) == ("outlook.office365.com", 993)
    assert (smtp.config.host, smtp.config.port) == ("smtp.office365.com", 587)
    assert smtp.config.oauth.token_uri == "https://login.microsoftonline.com/common/oauth2/v2.0/token"
