"""The OAuth provider registry: the library and the wizard read the same entries."""

from __future__ import annotations

import pytest

from connectors.config import parse_config
from connectors.exceptions import ConfigurationError
from connectors.messaging.oauth_utils import OAuth2Manager
from connectors.oauth_providers import GOOGLE, MICROSOFT, oauth_provider
from gui.providers import ProviderTable


def test_manager_takes_endpoints_scopes_and_parameters_from_its_provider() -> None:
    google = OAuth2Manager("id", "secret")
    assert (google.auth_uri, google.token_uri, google.revoke_uri) == (GOOGLE.auth_uri, GOOGLE.token_uri,
                                                                     GOOGLE.revoke_uri)
    assert google.scopes == ["https://mail.google.com/"]
    microsoft = OAuth2Manager("id", "ignored", provider="microsoft")
    assert microsoft.token_uri == "https://login.microsoftonline.com/common/oauth2/v2.0/token"
    assert microsoft.scopes == ["https://outlook.office.com/IMAP.AccessAsUser.All",
                                "https://outlook.office.com/SMTP.Send", "offline_access"]
    assert microsoft.revoke_uri == ""
    url = microsoft.generate_oauth_url("http://127.0.0.1:8123/")
    assert url.startswith(MICROSOFT.auth_uri + "?") and "access_type" not in url and "code_challenge=" in url


def test_config_names_the_provider() -> None:
    config = parse_config({"host": "outlook.office365.com", "port": 993, "username": "a@outlook.com",
                           "use_oauth": True, "oauth": {"provider": "microsoft", "client_id": "id",
                                                        "refresh_token": "r"}}, "imap")
    assert config.oauth is not None
    assert (config.oauth.provider, config.oauth.token_uri) == ("microsoft", MICROSOFT.token_uri)
    with pytest.raises(ConfigurationError):
        oauth_provider("yahoo")


def test_wizard_table_uses_the_registry_servers() -> None:
    gmail = ProviderTable().settings_for("someone@gmail.com")
    assert gmail is not None and gmail.oauth == "google"
    assert (gmail.imap.host, gmail.imap.port, gmail.smtp.host, gmail.smtp.port) == (
        GOOGLE.imap.host, GOOGLE.imap.port, GOOGLE.smtp.host, GOOGLE.smtp.port)
    assert gmail.imap.username == GOOGLE.username_for("someone@gmail.com") == "someone@gmail.com"
