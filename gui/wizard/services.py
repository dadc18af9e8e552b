"""What the account set-up talks to, gathered in one object so tests (and corporate set-ups) can replace it.

In the app every field keeps its default: GNOME Online Accounts on the session bus, the bundled provider table,
autoconfig on the address's own domain over HTTPS with the system's authorities, the OAuth providers' real
endpoints (:mod:`connectors.oauth_providers`), and the OAuth client found by :mod:`gui.oauth_client`. Tests point
these at loopback servers (and at an emulated GNOME Online Accounts on their private session bus).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from connectors.goa import GnomeOnlineAccounts, GoaMailAccount
from connectors.messaging.oauth_utils import OAuth2Manager
from connectors.oauth_providers import OAUTH_PROVIDERS, OAuthProvider

from ..accounts import OAuthClient
from ..autoconfig import AutoconfigClient
from ..oauth_client import ClientRegistration, client_secret_for, find_client
from ..oauth_flow import DEFAULT_TIMEOUT
from ..providers import ProviderTable


@dataclass
class WizardServices:
    providers: ProviderTable = field(default_factory=ProviderTable)
    autoconfig: AutoconfigClient = field(default_factory=AutoconfigClient)
    oauth_providers: dict[str, OAuthProvider] = field(default_factory=lambda: dict(OAUTH_PROVIDERS))
    oauth_ca_file: str | None = None  # a CA for the token endpoints (tests; a TLS-inspecting proxy)
    find_client: Callable[[str], ClientRegistration | None] = find_client
    sign_in_timeout: float = DEFAULT_TIMEOUT
    connection_timeout: float = 30.0
    desktop_accounts: Callable[[], list[GoaMailAccount]] = field(
        default_factory=lambda: GnomeOnlineAccounts().mail_accounts)
    """The desktop's Google and Microsoft accounts with mail (GNOME Online Accounts), offered first."""

    def oauth_provider(self, provider_id: str) -> OAuthProvider:
        return self.oauth_providers[provider_id]

    def oauth_client(self, client: ClientRegistration) -> OAuthClient:
        """What the account records: which provider and client, and which endpoints refresh its tokens."""
        provider = self.oauth_provider(client.provider)
        return OAuthClient(
            client.client_id, auth_uri=provider.auth_uri, token_uri=provider.token_uri, scopes=list(provider.scopes),
            provider=provider.id, revoke_uri=provider.revoke_uri,
        )

    def oauth_manager(
        self, oauth: OAuthClient, client_secret: str | None = None, refresh_token: str | None = None
    ) -> OAuth2Manager:
        provider = self.oauth_provider(oauth.provider)
        secret = client_secret if client_secret is not None else client_secret_for(oauth.client_id, oauth.provider)
        return OAuth2Manager(
            oauth.client_id,
            secret,
            oauth.scopes,
            provider=provider,
            auth_uri=oauth.auth_uri,
            token_uri=oauth.token_uri,
            revoke_uri=oauth.revoke_uri if oauth.revoke_uri is not None else provider.revoke_uri,
            refresh_token=refresh_token,
            ca_file=self.oauth_ca_file,
        )
