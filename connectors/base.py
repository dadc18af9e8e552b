"""What every connector shares: configuration, credentials, and connect/disconnect/connection()."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ClassVar, Literal, Self

from .config import Preset, ServerConfig, config_from_env, parse_config
from .credentials import CredentialsProvider, OAuthCredentials, StaticCredentials
from .exceptions import ConfigurationError, redact, server_text

log = logging.getLogger(__name__)


class BaseConnector(ABC):
    """A blocking connection to one mail server. Not thread-safe: use one connector per thread."""

    protocol: ClassVar[Literal["smtp", "imap"]]
    preset: ClassVar[Preset | None] = None
    env_kind: ClassVar[str]

    def __init__(self, config: Mapping[str, Any] | ServerConfig | None = None) -> None:
        if config is None or (isinstance(config, Mapping) and not config):
            config = config_from_env(self.env_kind)
        self.config = config if isinstance(config, ServerConfig) else parse_config(config, self.protocol, self.preset)
        self.credentials = self._make_credentials(self.config)
        # Secrets the provider handed over (a keyring password, an access token): a later server error may quote
        # one back, so every error this connector builds is scrubbed of them too.
        self._obtained: set[str] = set()

    @staticmethod
    def _make_credentials(config: ServerConfig) -> CredentialsProvider:
        if config.credentials is not None:
            return config.credentials
        if config.use_oauth:
            from .messaging.oauth_utils import OAuth2Manager  # google-auth is only loaded when OAuth is used

            assert config.oauth is not None
            return OAuthCredentials(OAuth2Manager.from_settings(config.oauth, timeout=config.timeout))
        if config.password is None:
            raise ConfigurationError("Configuration field 'password' is required", "password")
        return StaticCredentials(config.password)

    @classmethod
    def create_with_oauth(
        cls, email: str, client_id: str, client_secret: str, refresh_token: str, **extra: Any
    ) -> Self:
        """A connector signing in as ``email`` with XOAUTH2, access tokens coming from ``refresh_token`` (e.g.
        ``GmailConnector`` or ``GmailIMAPConnector``, whose preset knows the servers). ``extra`` adds config fields;
        an ``oauth`` dict in it adds OAuth settings (token URI, CA file...)."""
        config: dict[str, Any] = {
            "username": email,
            "use_oauth": True,
            "oauth": {
                "client_id": client_id,
                "client_secret": client_secret,
                "refresh_token": refresh_token,
                **extra.pop("oauth", {}),
            },
        }
        config.update(extra)
        return cls(config)

    def __repr__(self) -> str:
        state = "connected" if self.is_connected() else "disconnected"
        auth = "oauth" if self.config.use_oauth else "password"
        return f"<{type(self).__name__} {self.config.username}@{self.config.address} {auth} {state}>"

    def _secrets(self) -> list[str | None]:
        """Secrets that must never appear in an error message (see :func:`redact`)."""
        secrets: list[str | None] = [self.config.password]
        if self.config.oauth is not None:
            secrets += [
                self.config.oauth.refresh_token,
                self.config.oauth.access_token,
                self.config.oauth.client_secret,
            ]
        return secrets

    def _password(self) -> str:
        """The password for this server, from the credentials provider (remembered for :meth:`_scrub`)."""
        secret = self.credentials.password(self.config.username, self.config.host)
        self._obtained.add(secret)
        return secret

    def _access_token(self, *, force_refresh: bool = False) -> str:
        """A current OAuth 2.0 access token, from the credentials provider (remembered for :meth:`_scrub`)."""
        token = self.credentials.access_token(self.config.username, force_refresh=force_refresh)
        self._obtained.add(token)
        return token

    def _scrub(self, text: object, *extra: str | None) -> str:
        """Server words fit to quote in an error: readable, and without any secret."""
        return redact(server_text(text), [*self._secrets(), *self._obtained, *extra])

    @abstractmethod
    def connect(self) -> None:
        """Open the connection, negotiate TLS and authenticate."""

    @abstractmethod
    def disconnect(self) -> None:
        """Close the connection politely; never raises."""

    @abstractmethod
    def is_connected(self) -> bool:
        """Whether a connection is open (no network round trip)."""

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """``with connector.connection():`` connects, and always disconnects, even on error."""
        self.connect()
        try:
            yield self
        finally:
            self.disconnect()

    def __enter__(self) -> Any:
        self.connect()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.disconnect()
