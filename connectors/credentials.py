"""How connectors obtain secrets: they ask an injected provider, they never go and fetch them.

The application passes a keyring-backed provider; tests and scripts pass a password or an OAuth section in the
config dict, which becomes a :class:`StaticCredentials` or an :class:`OAuthCredentials`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from .exceptions import AuthenticationError

if TYPE_CHECKING:
    from .messaging.oauth_utils import OAuth2Manager


@runtime_checkable
class CredentialsProvider(Protocol):
    """What a connector calls to authenticate ``username`` on ``host``."""

    def password(self, username: str, host: str) -> str:
        """The password (or app password); raise AuthenticationError if there is none."""
        ...

    def access_token(self, username: str, *, force_refresh: bool = False) -> str:
        """A currently valid OAuth 2.0 access token; refresh it first when ``force_refresh``."""
        ...


class StaticCredentials:
    """A password known up front (from the config dict)."""

    def __init__(self, password: str) -> None:
        self._password = password

    def __repr__(self) -> str:
        return "StaticCredentials(password=***)"

    def password(self, username: str, host: str) -> str:
        return self._password

    def access_token(self, username: str, *, force_refresh: bool = False) -> str:
        raise AuthenticationError(f"No OAuth 2.0 token is configured for {username}", username)


class OAuthCredentials:
    """Access tokens from an :class:`OAuth2Manager`, refreshed when expired or when the server refused one."""

    def __init__(self, manager: OAuth2Manager) -> None:
        self.manager = manager

    def __repr__(self) -> str:
        return f"OAuthCredentials(client_id={self.manager.client_id!r})"

    def password(self, username: str, host: str) -> str:
        raise AuthenticationError(f"{username} signs in with OAuth 2.0 on {host}, not with a password", username, host)

    def access_token(self, username: str, *, force_refresh: bool = False) -> str:
        return self.manager.get_access_token(force_refresh=force_refresh)
