"""The OAuth 2.0 mail providers Facteur knows, as data: one entry per identity platform.

Each entry says where the browser signs in (``auth_uri``), where codes and refresh tokens become access tokens
(``token_uri``), where a grant is revoked (``revoke_uri``, empty when the provider has none), which scopes mail
needs, which IMAP and SMTP servers accept the tokens (XOAUTH2), how the user name is formed from the address, and
where the OAuth client comes from (environment variables; the app adds its config file and build-time clients).

:class:`~connectors.messaging.oauth_utils.OAuth2Manager` takes its endpoints, scopes, extra authorization
parameters and client authentication from here; the wizard (``gui/providers.py``, ``gui/oauth_client.py``) takes
the servers and the client's origin. Endpoints stay overridable per manager, which is how tests use loopback
emulations.

* **Google** — "OAuth 2.0 for Mobile & Desktop Apps": loopback redirect, PKCE, ``prompt=consent`` and
  ``access_type=offline`` for a refresh token; an installed app's client secret is not confidential and is sent.
  Revocation: ``https://oauth2.googleapis.com/revoke`` (RFC 7009).
* **Microsoft** — the Microsoft identity platform's authorization code flow for a public client ("Mobile and
  desktop applications" redirect ``http://localhost``/127.0.0.1, any port), PKCE, ``offline_access`` for a
  refresh token. The ``/common`` authority serves both personal (Outlook.com, Hotmail, Live, MSN) and work or
  school (Microsoft 365) accounts. A public client must send no client secret (AADSTS700025 otherwise). Microsoft
  has no token revocation endpoint for these grants: a person revokes Facteur's access at
  https://account.live.com/consent/Manage (personal) or https://myapps.microsoft.com (work), so removing an
  account can only forget the tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

from .exceptions import ConfigurationError

__all__ = [
    "GOOGLE",
    "MICROSOFT",
    "MICROSOFT_AUTHORITY",
    "OAUTH_PROVIDERS",
    "MailServer",
    "OAuthProvider",
    "oauth_provider",
]

# How a user name is formed: Mozilla autoconfig's placeholders (the whole address, or its local part).
EMAIL_ADDRESS = "%EMAILADDRESS%"
EMAIL_LOCALPART = "%EMAILLOCALPART%"

MICROSOFT_AUTHORITY = "https://login.microsoftonline.com/common"


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    security: str  # "ssl" (TLS from the first byte) or "starttls"


@dataclass(frozen=True)
class OAuthProvider:
    id: str
    name: str
    auth_uri: str
    token_uri: str
    revoke_uri: str  # "" when the provider has no revocation endpoint
    scopes: tuple[str, ...]
    imap: MailServer
    smtp: MailServer
    username: str = EMAIL_ADDRESS  # template for the IMAP/SMTP user name
    client_id_env: str = ""  # environment variables naming the OAuth client
    client_secret_env: str = ""
    auth_params: tuple[tuple[str, str], ...] = ()  # extra query parameters of the authorization request
    sends_client_secret: bool = True  # False for public clients, which must not authenticate at the token endpoint
    help_url: str = ""  # where a person registers their own client, for builds without one

    def username_for(self, email: str) -> str:
        email = email.strip()
        local = email.rpartition("@")[0]
        return self.username.replace(EMAIL_ADDRESS, email).replace(EMAIL_LOCALPART, local)


GOOGLE = OAuthProvider(
    id="google",
    name="Google",
    auth_uri="https://accounts.google.com/o/oauth2/auth",
    token_uri="https://oauth2.googleapis.com/token",  # noqa: S106 - a URL, not a secret
    revoke_uri="https://oauth2.googleapis.com/revoke",
    scopes=("https://mail.google.com/",),
    imap=MailServer("imap.gmail.com", 993, "ssl"),
    smtp=MailServer("smtp.gmail.com", 587, "starttls"),
    client_id_env="GOOGLE_CLIENT_ID",
    client_secret_env="GOOGLE_CLIENT_SECRET",  # noqa: S106 - a variable's name
    auth_params=(("prompt", "consent"), ("access_type", "offline")),
    help_url="https://developers.google.com/identity/protocols/oauth2/native-app",
)

MICROSOFT = OAuthProvider(
    id="microsoft",
    name="Microsoft",
    auth_uri=f"{MICROSOFT_AUTHORITY}/oauth2/v2.0/authorize",
    token_uri=f"{MICROSOFT_AUTHORITY}/oauth2/v2.0/token",  # noqa: S106 - a URL, not a secret
    revoke_uri="",
    scopes=(
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "https://outlook.office.com/SMTP.Send",
        "offline_access",
    ),
    imap=MailServer("outlook.office365.com", 993, "ssl"),
    smtp=MailServer("smtp.office365.com", 587, "starttls"),
    client_id_env="MICROSOFT_CLIENT_ID",
    auth_params=(("prompt", "select_account"),),
    sends_client_secret=False,
    help_url="https://learn.microsoft.com/entra/identity-platform/quickstart-register-app",
)

OAUTH_PROVIDERS: dict[str, OAuthProvider] = {p.id: p for p in (GOOGLE, MICROSOFT)}


def oauth_provider(provider: str | OAuthProvider) -> OAuthProvider:
    """The registry's entry for ``provider`` (an id, or an entry given as is)."""
    if isinstance(provider, OAuthProvider):
        return provider
    try:
        return OAUTH_PROVIDERS[provider]
    except KeyError:
        known = ", ".join(repr(p) for p in OAUTH_PROVIDERS)
        message = f"Unknown OAuth provider {provider!r}: choose one of {known}"
        raise ConfigurationError(message, "oauth.provider") from None
