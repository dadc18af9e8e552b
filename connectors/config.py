"""Connector configuration: the guide's dicts (or its environment variables) turned into checked, typed settings.

A missing or invalid field raises :class:`ConfigurationError` naming the field. Secrets are kept out of ``repr``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .credentials import CredentialsProvider
from .exceptions import ConfigurationError

log = logging.getLogger(__name__)

GOOGLE_AUTH_URI = "https://accounts.google.com/o/oauth2/auth"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - a URL, not a secret
GOOGLE_REVOKE_URI = "https://oauth2.googleapis.com/revoke"
GMAIL_SCOPE = "https://mail.google.com/"
DEFAULT_MAX_ATTACHMENT_SIZE = 25 * 1024 * 1024
DEFAULT_TIMEOUT = 30.0

Protocol_ = Literal["smtp", "imap"]

_KNOWN_KEYS = {
    "host",
    "port",
    "username",
    "password",
    "use_tls",
    "use_ssl",
    "timeout",
    "verify_ssl",
    "ca_file",
    "extra_ca_file",
    "allow_insecure_auth",
    "use_oauth",
    "oauth",
    "credentials",
    "sender",
    "from_address",
    "sender_name",
    "from_name",
    "max_attachment_size",
    "local_hostname",
    "email",
}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class OAuthSettings:
    """OAuth 2.0 client and tokens for XOAUTH2 (Google's endpoints unless overridden)."""

    client_id: str
    client_secret: str = field(default="", repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None
    auth_uri: str = GOOGLE_AUTH_URI
    token_uri: str = GOOGLE_TOKEN_URI
    revoke_uri: str = GOOGLE_REVOKE_URI
    scopes: tuple[str, ...] = (GMAIL_SCOPE,)
    ca_file: str | None = None
    provider: str = "google"  # an entry of connectors.oauth_providers: its endpoints and scopes are the defaults


@dataclass(frozen=True)
class ServerConfig:
    """Everything a connector needs to reach and authenticate to one server."""

    host: str
    port: int
    username: str
    password: str | None = field(default=None, repr=False)
    use_ssl: bool = False
    use_tls: bool = True
    timeout: float = DEFAULT_TIMEOUT
    verify_ssl: bool = True
    ca_file: str | None = None
    extra_ca_file: str | None = None
    allow_insecure_auth: bool = False
    use_oauth: bool = False
    oauth: OAuthSettings | None = None
    credentials: CredentialsProvider | None = field(default=None, repr=False, compare=False)
    sender: str | None = None
    sender_name: str | None = None
    max_attachment_size: int = DEFAULT_MAX_ATTACHMENT_SIZE
    local_hostname: str | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def encrypted(self) -> bool:
        return self.use_ssl or self.use_tls


@dataclass(frozen=True)
class Preset:
    """Server defaults for a provider (Gmail): the config dict may still override each of them."""

    host: str
    port: int
    use_ssl: bool
    use_tls: bool
    oauth_provider: str = "google"  # whose tokens an ``oauth`` section without a ``provider`` holds


GMAIL_SMTP = Preset("smtp.gmail.com", 587, use_ssl=False, use_tls=True)
GMAIL_IMAP = Preset("imap.gmail.com", 993, use_ssl=True, use_tls=False)
# Outlook.com, Hotmail, Live, MSN and Microsoft 365 (servers as in connectors.oauth_providers.MICROSOFT).
OUTLOOK_SMTP = Preset("smtp.office365.com", 587, use_ssl=False, use_tls=True, oauth_provider="microsoft")
OUTLOOK_IMAP = Preset("outlook.office365.com", 993, use_ssl=True, use_tls=False, oauth_provider="microsoft")


def _as_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ConfigurationError(f"Configuration field {name!r} must be true or false, not {value!r}", name)


def _as_int(value: Any, name: str, *, low: int, high: int) -> int:
    try:
        number = int(str(value).strip()) if not isinstance(value, int) or isinstance(value, bool) else value
    except ValueError:
        raise ConfigurationError(f"Configuration field {name!r} must be a whole number, not {value!r}", name) from None
    if isinstance(value, bool) or not low <= number <= high:
        raise ConfigurationError(f"Configuration field {name!r} must be between {low} and {high}, not {value!r}", name)
    return number


def _as_float(value: Any, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigurationError(
            f"Configuration field {name!r} must be a number of seconds, not {value!r}", name
        ) from None
    if isinstance(value, bool) or not 0 < number <= 3600:
        raise ConfigurationError(f"Configuration field {name!r} must be between 0 and 3600 seconds", name)
    return number


def _as_text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"Configuration field {name!r} must be a non-empty string", name)
    if any(ch in value for ch in "\r\n\x00"):
        raise ConfigurationError(f"Configuration field {name!r} contains a line break or NUL", name)
    return value.strip()


def _parse_oauth(raw: Any, ca_file: str | None, default_provider: str = "google") -> OAuthSettings:
    if not isinstance(raw, Mapping):
        raise ConfigurationError(
            "Configuration field 'oauth' must be a dict with client_id, client_secret and "
            "refresh_token (or access_token)",
            "oauth",
        )
    client_id = _as_text(raw.get("client_id"), "oauth.client_id")
    refresh = raw.get("refresh_token")
    access = raw.get("access_token")
    if not refresh and not access:
        raise ConfigurationError(
            "Configuration field 'oauth.refresh_token' is required with use_oauth "
            "(or give a current 'oauth.access_token')",
            "oauth.refresh_token",
        )
    from .oauth_providers import oauth_provider

    provider = oauth_provider(str(raw.get("provider") or default_provider))
    scopes = raw.get("scopes", provider.scopes)
    if isinstance(scopes, str):
        scopes = (scopes,)
    expires = raw.get("expires_at")
    return OAuthSettings(
        client_id=client_id,
        client_secret=str(raw.get("client_secret") or ""),
        refresh_token=str(refresh) if refresh else None,
        access_token=str(access) if access else None,
        expires_at=float(expires) if expires is not None else None,
        auth_uri=str(raw.get("auth_uri") or provider.auth_uri),
        token_uri=str(raw.get("token_uri") or provider.token_uri),
        revoke_uri=str(raw.get("revoke_uri") or provider.revoke_uri),
        scopes=tuple(str(s) for s in scopes),
        ca_file=str(raw["ca_file"]) if raw.get("ca_file") else ca_file,
        provider=provider.id,
    )


def parse_config(raw: Mapping[str, Any], protocol: Protocol_, preset: Preset | None = None) -> ServerConfig:
    """Check a guide-shaped config dict and fill in secure defaults.

    SMTP defaults to STARTTLS on 587 (implicit TLS when ``use_ssl`` or port 465); IMAP defaults to implicit TLS
    on 993 (STARTTLS when ``use_tls`` without ``use_ssl``, or port 143).
    """
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"The configuration must be a dict, not {type(raw).__name__}")
    for key in raw:
        if key not in _KNOWN_KEYS:
            log.warning("Ignoring unknown configuration field %r", key)

    host = _as_text(raw["host"], "host") if raw.get("host") else (preset.host if preset else None)
    if not host:
        raise ConfigurationError(
            f"Configuration field 'host' is required (the server's name, e.g. {protocol}.example.com)", "host"
        )
    username_raw = raw.get("username") or raw.get("email")
    if not username_raw:
        raise ConfigurationError("Configuration field 'username' is required", "username")
    username = _as_text(username_raw, "username")

    port = _as_int(raw["port"], "port", low=1, high=65535) if raw.get("port") not in (None, "") else None
    implicit_port, starttls_port = (465, 587) if protocol == "smtp" else (993, 143)
    if "use_ssl" in raw:
        use_ssl = _as_bool(raw["use_ssl"], "use_ssl")
    elif port is not None:
        use_ssl = port == implicit_port or (
            protocol == "imap" and port != starttls_port and not _as_bool(raw.get("use_tls", False), "use_tls")
        )
    elif preset is not None:
        use_ssl = preset.use_ssl
    else:
        use_ssl = protocol == "imap" and not _as_bool(raw.get("use_tls", False), "use_tls")
    use_tls = False if use_ssl else _as_bool(raw.get("use_tls", True), "use_tls")
    if port is None:
        if preset is not None and preset.use_ssl == use_ssl:
            port = preset.port
        else:
            port = implicit_port if use_ssl else starttls_port

    ca_file = raw.get("ca_file")
    if ca_file is not None:
        ca_file = _as_text(ca_file, "ca_file")
        if not os.path.isfile(ca_file):
            raise ConfigurationError(f"Configuration field 'ca_file': no such file {ca_file!r}", "ca_file")

    extra_ca_file = raw.get("extra_ca_file")
    if extra_ca_file is not None:
        extra_ca_file = _as_text(extra_ca_file, "extra_ca_file")
        if not os.path.isfile(extra_ca_file):
            raise ConfigurationError(f"Configuration field 'extra_ca_file': no such file {extra_ca_file!r}",
                                     "extra_ca_file")

    use_oauth = _as_bool(raw.get("use_oauth", False), "use_oauth")
    password = raw.get("password")
    credentials = raw.get("credentials")
    # With a credentials provider, tokens come from it: the oauth section is then optional.
    needs_oauth_section = use_oauth and (credentials is None or raw.get("oauth") is not None)
    oauth = (
        _parse_oauth(raw.get("oauth"), ca_file, preset.oauth_provider if preset else "google")
        if needs_oauth_section
        else None
    )
    if credentials is not None and not isinstance(credentials, CredentialsProvider):
        raise ConfigurationError(
            "Configuration field 'credentials' must provide password() and access_token()", "credentials"
        )
    if password is not None and not isinstance(password, str):
        raise ConfigurationError("Configuration field 'password' must be a string", "password")
    if not use_oauth and not password and credentials is None:
        raise ConfigurationError(
            "Configuration field 'password' is required (or set use_oauth with an 'oauth' "
            "section, or give a credentials provider)",
            "password",
        )

    sender = raw.get("sender") or raw.get("from_address")
    sender_name = raw.get("sender_name") or raw.get("from_name")
    max_size = raw.get("max_attachment_size", DEFAULT_MAX_ATTACHMENT_SIZE)
    verify_ssl = _as_bool(raw.get("verify_ssl", True), "verify_ssl")
    if not verify_ssl and (use_ssl or use_tls):
        log.warning(
            "Certificate verification is OFF for %s server %s:%s (verify_ssl=False): anyone on the network path "
            "can impersonate the server and read the password and the mail. Trust its certificate with ca_file "
            "instead.", protocol.upper(), host, port,
        )
    return ServerConfig(
        host=host,
        port=port,
        username=username,
        password=password or None,
        use_ssl=use_ssl,
        use_tls=use_tls,
        timeout=_as_float(raw.get("timeout", DEFAULT_TIMEOUT), "timeout"),
        verify_ssl=verify_ssl,
        ca_file=ca_file,
        extra_ca_file=extra_ca_file,
        allow_insecure_auth=_as_bool(raw.get("allow_insecure_auth", False), "allow_insecure_auth"),
        use_oauth=use_oauth,
        oauth=oauth,
        credentials=credentials,
        sender=_as_text(sender, "sender") if sender else None,
        sender_name=_as_text(sender_name, "sender_name") if sender_name else None,
        max_attachment_size=_as_int(max_size, "max_attachment_size", low=0, high=2**40),
        local_hostname=_as_text(raw["local_hostname"], "local_hostname") if raw.get("local_hostname") else None,
    )


def config_from_env(kind: str, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The guide's environment variables (``SMTP_*``, ``IMAP_*``, ``GMAIL_*``, ``GOOGLE_CLIENT_*``) as a config dict."""
    env = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    if kind in ("smtp", "imap"):
        prefix = kind.upper()
        mapping = {
            "HOST": "host",
            "PORT": "port",
            "USERNAME": "username",
            "PASSWORD": "password",
            "USE_TLS": "use_tls",
            "USE_SSL": "use_ssl",
            "TIMEOUT": "timeout",
            "CA_FILE": "ca_file",
            "VERIFY_SSL": "verify_ssl",
        }
        for suffix, key in mapping.items():
            value = env.get(f"{prefix}_{suffix}")
            if value not in (None, ""):
                config[key] = value
        if str(config.get("verify_ssl", "true")).strip().lower() in _FALSE:
            log.warning("%s_VERIFY_SSL=%s in the environment turns certificate verification off", prefix,
                        config["verify_ssl"])
    elif kind == "outlook":
        if env.get("OUTLOOK_USERNAME"):
            config["username"] = env["OUTLOOK_USERNAME"]
        refresh = env.get("OUTLOOK_REFRESH_TOKEN")
        if env.get("MICROSOFT_CLIENT_ID") and refresh:
            config["use_oauth"] = True
            config["oauth"] = {"provider": "microsoft", "client_id": env["MICROSOFT_CLIENT_ID"],
                               "refresh_token": refresh}
    else:
        if env.get("GMAIL_USERNAME"):
            config["username"] = env["GMAIL_USERNAME"]
        if env.get("GMAIL_PASSWORD"):
            config["password"] = env["GMAIL_PASSWORD"]
        refresh = env.get("GMAIL_REFRESH_TOKEN") or env.get("GOOGLE_REFRESH_TOKEN")
        if "password" not in config and env.get("GOOGLE_CLIENT_ID") and refresh:
            config["use_oauth"] = True
            config["oauth"] = {
                "client_id": env["GOOGLE_CLIENT_ID"],
                "client_secret": env.get("GOOGLE_CLIENT_SECRET", ""),
                "refresh_token": refresh,
            }
    if not config:
        names = (
            "SMTP_HOST, SMTP_USERNAME, SMTP_PASSWORD"
            if kind == "smtp"
            else "IMAP_HOST, IMAP_USERNAME, IMAP_PASSWORD"
            if kind == "imap"
            else "OUTLOOK_USERNAME, MICROSOFT_CLIENT_ID and OUTLOOK_REFRESH_TOKEN"
            if kind == "outlook"
            else "GMAIL_USERNAME and GMAIL_PASSWORD (or GOOGLE_CLIENT_ID and GMAIL_REFRESH_TOKEN)"
        )
        raise ConfigurationError(f"No configuration given and no environment variables set: set {names}")
    return config
