"""The account being set up: what the pages have gathered so far, secrets kept in memory only until Finish."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from connectors.credentials import CredentialsProvider, OAuthCredentials, StaticCredentials
from connectors.messaging.oauth_utils import OAuth2Manager

from ..accounts import Account, AuthKind, Identity, OAuthClient, ServerSettings
from ..providers import DetectedSettings


@dataclass
class AccountDraft:
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    name: str = ""  # the person's name, for the From: line
    email: str = ""
    detected: DetectedSettings | None = None
    detected_for: str = ""  # the address the detection ran for
    imap: ServerSettings | None = None
    smtp: ServerSettings | None = None
    provider_id: str | None = None
    auth: AuthKind = "password"
    password: str = field(default="", repr=False)
    oauth: OAuthClient | None = None
    oauth_manager: OAuth2Manager | None = field(default=None, repr=False)
    tokens: dict[str, Any] | None = field(default=None, repr=False)
    ca_file: str | None = None  # set when the person trusts a certificate
    label: str = ""  # the account's name in the sidebar

    def use_settings(self, settings: DetectedSettings) -> None:
        self.imap, self.smtp = settings.imap, settings.smtp
        self.provider_id = settings.provider_id

    def credentials(self) -> CredentialsProvider:
        """The secrets the connection test uses, straight from memory (nothing is stored before Finish)."""
        if self.auth == "oauth2":
            assert self.oauth_manager is not None, "sign in first"
            return OAuthCredentials(self.oauth_manager)
        return StaticCredentials(self.password)

    def secrets(self) -> dict[str, str]:
        """Keyring kind -> value, to store when the account is saved."""
        if self.auth == "oauth2":
            refresh = (self.tokens or {}).get("refresh_token")
            return {"refresh-token": str(refresh)} if refresh else {}
        return {"password": self.password} if self.password else {}

    def to_account(self) -> Account:
        assert self.imap is not None and self.smtp is not None
        return Account(
            email=self.email,
            imap=self.imap,
            smtp=self.smtp,
            name=self.label.strip(),
            display_name=self.name,
            auth=self.auth,
            provider=self.provider_id,
            oauth=self.oauth if self.auth == "oauth2" else None,
            identities=[Identity(self.name, self.email)],
            ca_file=self.ca_file,
            id=self.id,
        )
