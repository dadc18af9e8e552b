"""Account settings: the one place that loads and saves accounts — never their secrets.

Settings live as JSON under the platformdirs config dir; passwords and refresh tokens live in the OS keyring
(:mod:`gui.secrets`). ``Account.imap_config()`` / ``smtp_config()`` give the connectors' config dicts with an
injected credentials provider.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from platformdirs import user_config_dir

from connectors.credentials import CredentialsProvider
from connectors.private_files import private_dir

APP_NAME = "Facteur"
APP_ID = "app.facteur.Facteur"  # reverse-DNS id used by Qt, the desktop entry, the metainfo and the keyring

Security = Literal["ssl", "starttls", "none"]
AuthKind = Literal["password", "oauth2", "goa"]  # goa: GNOME Online Accounts signs in (connectors/goa.py)


def config_dir() -> Path:
    return Path(user_config_dir(APP_NAME, appauthor=False))


@dataclass
class ServerSettings:
    host: str
    port: int
    security: Security = "ssl"
    username: str = ""

    def connector_fields(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "port": self.port,
            "use_ssl": self.security == "ssl",
            "use_tls": self.security == "starttls",
            "allow_insecure_auth": self.security == "none",
        }


@dataclass
class Identity:
    name: str
    address: str
    signature: str = ""


@dataclass
class OAuthClient:
    """Which OAuth client signs this account in (not secret for installed apps, but kept with the token)."""

    client_id: str
    auth_uri: str = "https://accounts.google.com/o/oauth2/auth"
    token_uri: str = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL
    scopes: list[str] = field(default_factory=lambda: ["https://mail.google.com/"])
    provider: str = "google"  # an entry of connectors.oauth_providers (accounts saved before it are Google's)
    revoke_uri: str | None = None  # None: the provider's own


@dataclass
class Account:
    email: str
    imap: ServerSettings
    smtp: ServerSettings
    name: str = ""
    display_name: str = ""
    auth: AuthKind = "password"
    provider: str | None = None  # "gmail" turns on Gmail's behaviour (labels, no copy to Sent)
    oauth: OAuthClient | None = None
    identities: list[Identity] = field(default_factory=list)
    ca_file: str | None = None  # a certificate the person chose to trust for this account
    goa_id: str | None = None  # GNOME Online Accounts' Account.Id when auth == "goa": it holds the sign-in
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def label(self) -> str:
        return self.name or self.email

    @property
    def is_gmail(self) -> bool:
        return self.provider == "gmail"

    @property
    def connector_kinds(self) -> tuple[str, str]:
        """The connectors' kinds for (SMTP, IMAP): Gmail's and Outlook's know that their servers file sent mail in
        Sent themselves (no second copy is appended), and Gmail's speaks its labels."""
        if self.provider == "gmail":
            return "gmail", "gmail_imap"
        if self.provider == "outlook":
            return "outlook", "outlook_imap"
        return "smtp", "imap"

    def default_identity(self) -> Identity:
        return self.identities[0] if self.identities else Identity(self.display_name, self.email)

    def _common(self, credentials: CredentialsProvider, server: ServerSettings) -> dict[str, Any]:
        config: dict[str, Any] = {
            **server.connector_fields(),
            "username": server.username or self.email,
            "credentials": credentials,
            "use_oauth": self.auth in ("oauth2", "goa"),
            "timeout": 30,
        }
        if self.ca_file:
            # Certificates the person trusted, in addition to the system's authorities (read at each connection).
            config["extra_ca_file"] = self.ca_file
        return config

    def imap_config(self, credentials: CredentialsProvider) -> dict[str, Any]:
        return self._common(credentials, self.imap)

    def smtp_config(self, credentials: CredentialsProvider) -> dict[str, Any]:
        identity = self.default_identity()
        return {**self._common(credentials, self.smtp), "sender": identity.address,
                "sender_name": identity.name or None}

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Account:
        data = dict(data)
        data["imap"] = ServerSettings(**data["imap"])
        data["smtp"] = ServerSettings(**data["smtp"])
        data["identities"] = [Identity(**i) for i in data.get("identities", [])]
        data["oauth"] = OAuthClient(**data["oauth"]) if data.get("oauth") else None
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


class AccountStore:
    """Accounts in order, saved atomically to ``accounts.json`` (mode 0600) in the config dir."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / "accounts.json"
        self.accounts: list[Account] = []
        self.load()

    def load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            self.accounts = []
            return
        self.accounts = [Account.from_json(item) for item in data.get("accounts", [])]

    def save(self) -> None:
        private_dir(self.path.parent)
        payload = json.dumps({"version": 1, "accounts": [a.to_json() for a in self.accounts]}, indent=2,
                             ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".accounts-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, account_id: str) -> Account | None:
        return next((a for a in self.accounts if a.id == account_id), None)

    def find_by_email(self, email: str) -> Account | None:
        """The account for this address (mail addresses are compared without regard to case)."""
        wanted = email.strip().casefold()
        return next((a for a in self.accounts if a.email.strip().casefold() == wanted), None)

    def add(self, account: Account) -> None:
        self.accounts.append(account)
        self.save()

    def update(self, account: Account) -> None:
        self.accounts = [account if a.id == account.id else a for a in self.accounts]
        self.save()

    def remove(self, account_id: str) -> Account | None:
        account = self.get(account_id)
        self.accounts = [a for a in self.accounts if a.id != account_id]
        self.save()
        return account

    def move(self, account_id: str, index: int) -> None:
        account = self.get(account_id)
        if account is None:
            return
        self.accounts.remove(account)
        self.accounts.insert(max(0, min(index, len(self.accounts))), account)
        self.save()
