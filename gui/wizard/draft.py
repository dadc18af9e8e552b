"""The account being set up: what the pages have gathered so far, secrets kept in memory only until Finish."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from connectors.credentials import CredentialsProvider, OAuthCredentials, StaticCredentials
from connectors.goa import GoaCredentials, GoaMailAccount
from connectors.messaging.oauth_utils import OAuth2Manager

from ..accounts import Account, AuthKind, Identity, OAuthClient, ServerSettings
from ..desktop_accounts import settings_from_goa
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
    goa: GoaMailAccount | None = None  # the GNOME Online Accounts account chosen (auth "goa")

    def use_settings(self, settings: DetectedSettings) -> None:
        self.imap, self.smtp = settings.imap, settings.smtp
        self.provider_id = settings.provider_id

    def use_goa(self, found: GoaMailAccount, name: str) -> None:
        """Everything from GNOME Online Accounts: address, servers, provider; the sign-in stays there."""
        self.goa = found
        self.email, self.name = found.email, found.name or name
        self.imap, self.smtp = settings_from_goa(found)
        self.provider_id = found.facteur_provider or None
        self.auth = "goa"
        self.detected, self.detected_for = None, ""
        self.oauth, self.oauth_manager, self.tokens, self.password = None, None, None, ""

    def forget_goa(self) -> None:
        if self.goa is not None:
            self.goa = None
            self.auth = "password"

    def credentials(self) -> CredentialsProvider:
        """The secrets the connection test uses, straight from memory (nothing is stored before Finish)."""
        if self.auth == "oauth2":
            assert self.oauth_manager is not None, "sign in first"
            return OAuthCredentials(self.oauth_manager)
        if self.auth == "goa":
            assert self.goa is not None
            return GoaCredentials(self.goa.id, self.goa.email)
        return StaticCredentials(self.password)

    def secrets(self) -> dict[str, str]:
        """Keyring kind -> value, to store when the account is saved."""
        if self.auth == "oauth2":
            refresh = (self.tokens or {}).get("refresh_token")
            return {"refresh-token": str(refresh)} if refresh else {}
        if self.auth == "goa":
            return {}  # GNOME Online Accounts keeps the sign-in
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
            goa_id=self.goa.id if self.auth == "goa" and self.goa is not None else None,
            id=self.id,
        )
