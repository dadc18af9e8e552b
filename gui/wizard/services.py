"""What the account set-up talks to, gathered in one object so tests (and corporate set-ups) can replace it.

In the app every field keeps its default: the bundled provider table, autoconfig on the address's own domain
over HTTPS with the system's authorities, Google's real endpoints, and the OAuth client found by
:mod:`gui.oauth_client`. Tests point these at loopback servers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from connectors.config import GOOGLE_AUTH_URI, GOOGLE_REVOKE_URI, GOOGLE_TOKEN_URI
from connectors.messaging.oauth_utils import OAuth2Manager

from ..accounts import OAuthClient
from ..autoconfig import AutoconfigClient
from ..oauth_client import GoogleClient, client_secret_for, google_client
from ..oauth_flow import DEFAULT_TIMEOUT
from ..providers import ProviderTable


@dataclass
class WizardServices:
    providers: ProviderTable = field(default_factory=ProviderTable)
    autoconfig: AutoconfigClient = field(default_factory=AutoconfigClient)
    google_auth_uri: str = GOOGLE_AUTH_URI
    google_token_uri: str = GOOGLE_TOKEN_URI
    google_revoke_uri: str = GOOGLE_REVOKE_URI
    google_ca_file: str | None = None  # a CA for the token endpoint (tests; a TLS-inspecting proxy)
    find_google_client: Callable[[], GoogleClient | None] = google_client
    sign_in_timeout: float = DEFAULT_TIMEOUT
    connection_timeout: float = 30.0

    def oauth_client(self, client: GoogleClient) -> OAuthClient:
        """What the account records: which client and which endpoints refresh its tokens."""
        return OAuthClient(client.client_id, auth_uri=self.google_auth_uri, token_uri=self.google_token_uri)

    def oauth_manager(
        self, oauth: OAuthClient, client_secret: str | None = None, refresh_token: str | None = None
    ) -> OAuth2Manager:
        secret = client_secret if client_secret is not None else client_secret_for(oauth.client_id)
        return OAuth2Manager(
            oauth.client_id,
            secret,
            oauth.scopes,
            auth_uri=oauth.auth_uri,
            token_uri=oauth.token_uri,
            revoke_uri=self.google_revoke_uri,
            refresh_token=refresh_token,
            ca_file=self.google_ca_file,
        )
