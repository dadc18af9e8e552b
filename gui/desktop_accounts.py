"""The desktop's online accounts (GNOME Online Accounts) as Facteur accounts, and every account's credentials.

An account of kind ``auth == "goa"`` takes its address, name and servers from GOA when it is added and asks GOA for
an access token whenever it connects (:class:`connectors.goa.GoaCredentials`): Facteur stores no secret for it. The
other accounts get their secrets from the keyring (:class:`gui.secrets.KeyringCredentials`).
"""

from __future__ import annotations

from collections.abc import Callable

from connectors.credentials import CredentialsProvider
from connectors.goa import GnomeOnlineAccounts, GoaCredentials, GoaMailAccount, GoaServer

from .accounts import Account, Identity, ServerSettings

ReauthCallback = Callable[[Account], None]


def account_credentials(account: Account, *, on_reauth_needed: ReauthCallback | None = None,
                        goa: GnomeOnlineAccounts | None = None) -> CredentialsProvider:
    """The credentials provider the connectors of ``account`` are given."""
    if account.auth == "goa":
        return GoaCredentials(account.goa_id or "", account.email, goa=goa)
    from .secrets import KeyringCredentials

    return KeyringCredentials(account, on_reauth_needed=on_reauth_needed)


def _server(server: GoaServer) -> ServerSettings:
    security = server.security if server.security in ("ssl", "starttls") else "none"
    return ServerSettings(server.host, server.port, security, server.username)  # type: ignore[arg-type]


def settings_from_goa(found: GoaMailAccount) -> tuple[ServerSettings, ServerSettings]:
    """(IMAP, SMTP) as GOA gives them."""
    return _server(found.imap), _server(found.smtp)


def account_from_goa(found: GoaMailAccount, *, account_id: str | None = None) -> Account:
    imap, smtp = settings_from_goa(found)
    account = Account(email=found.email, imap=imap, smtp=smtp, display_name=found.name, auth="goa",
                      provider=found.facteur_provider or None, identities=[Identity(found.name, found.email)],
                      goa_id=found.id)
    if account_id is not None:
        account.id = account_id
    return account
