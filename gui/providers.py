"""Which servers a mail address uses: Facteur's bundled table of well-known providers, and a plain guess.

The table is consulted before anything goes over the network, so the big providers are set up without asking
anyone (no autoconfig request leaks the address's domain). Values come from each provider's own help pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from PySide6.QtCore import QT_TRANSLATE_NOOP

from connectors.oauth_providers import GOOGLE, MICROSOFT, OAuthProvider

from .accounts import Security, ServerSettings

# Mozilla's autoconfig placeholders, used for user names here too so both sources expand the same way.
EMAIL_ADDRESS = "%EMAILADDRESS%"
EMAIL_LOCALPART = "%EMAILLOCALPART%"
EMAIL_DOMAIN = "%EMAILDOMAIN%"


@dataclass(frozen=True)
class ServerTemplate:
    host: str
    port: int
    security: Security
    username: str = EMAIL_ADDRESS

    def settings_for(self, email: str) -> ServerSettings:
        return ServerSettings(self.host, self.port, self.security, expand_placeholders(self.username, email))


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    domains: tuple[str, ...]
    imap: ServerTemplate
    smtp: ServerTemplate
    oauth: str | None = None  # an entry of connectors.oauth_providers ("google"): offer to sign in with it
    note: str = ""  # English, marked for translation; shown before the password is asked
    help_url: str = ""  # where the person creates an app password or enables IMAP


@dataclass(frozen=True)
class DetectedSettings:
    """Server settings for one address, and where they came from."""

    imap: ServerSettings
    smtp: ServerSettings
    source: str  # "providers" (the bundled table), "autoconfig", "guess" or "manual"
    provider_id: str | None = None
    provider_name: str = ""
    oauth: str | None = None
    note: str = ""
    help_url: str = ""
    source_url: str = ""  # the autoconfig document's address

    @property
    def is_gmail(self) -> bool:
        return self.provider_id == "gmail"


def split_address(email: str) -> tuple[str, str]:
    local, _, domain = email.strip().rpartition("@")
    return local, domain.lower()


def expand_placeholders(template: str, email: str) -> str:
    local, domain = split_address(email)
    return (template.replace(EMAIL_ADDRESS, email.strip()).replace(EMAIL_LOCALPART, local)
            .replace(EMAIL_DOMAIN, domain))


def _ssl(host: str, port: int = 993, username: str = EMAIL_ADDRESS) -> ServerTemplate:
    return ServerTemplate(host, port, "ssl", username)


def _starttls(host: str, port: int = 587, username: str = EMAIL_ADDRESS) -> ServerTemplate:
    return ServerTemplate(host, port, "starttls", username)


def _oauth_servers(provider: OAuthProvider) -> tuple[ServerTemplate, ServerTemplate]:
    """The IMAP and SMTP servers (and user name) of an OAuth provider, from connectors.oauth_providers."""
    imap, smtp = provider.imap, provider.smtp
    return (ServerTemplate(imap.host, imap.port, "ssl" if imap.security == "ssl" else "starttls", provider.username),
            ServerTemplate(smtp.host, smtp.port, "ssl" if smtp.security == "ssl" else "starttls", provider.username))


def _note(text: object) -> str:
    """``QT_TRANSLATE_NOOP`` marks a note for translation (it is translated when shown); typed as str here."""
    return str(text)


_APP_PASSWORD_NOTE = _note(QT_TRANSLATE_NOOP(
    "providers", "This provider refuses your usual password in mail apps: create an app password and enter it here."))
_GMAIL_NOTE = _note(QT_TRANSLATE_NOOP(
    "providers", "Without Google sign-in, Gmail needs an app password (it requires 2-Step Verification on your "
                 "Google account)."))
_GMX_NOTE = _note(QT_TRANSLATE_NOOP("providers", "Turn on \"POP3/IMAP access\" in GMX's web mail settings first."))

BUILTIN_PROVIDERS: tuple[Provider, ...] = (
    Provider("gmail", "Gmail", ("gmail.com", "googlemail.com"),
             *_oauth_servers(GOOGLE), oauth=GOOGLE.id,
             note=_GMAIL_NOTE, help_url="https://myaccount.google.com/apppasswords"),
    Provider("outlook", "Outlook.com", (
        "outlook.com", "outlook.fr", "hotmail.com", "hotmail.fr", "hotmail.co.uk", "hotmail.de", "hotmail.it",
        "hotmail.es", "hotmail.be", "live.com", "live.fr", "live.co.uk", "live.be", "msn.com", "passport.com"),
             *_oauth_servers(MICROSOFT), oauth=MICROSOFT.id),
    Provider("yahoo", "Yahoo Mail", (
        "yahoo.com", "yahoo.fr", "yahoo.co.uk", "yahoo.de", "yahoo.it", "yahoo.es", "ymail.com", "rocketmail.com"),
             _ssl("imap.mail.yahoo.com"), _ssl("smtp.mail.yahoo.com", 465),
             note=_APP_PASSWORD_NOTE, help_url="https://login.yahoo.com/account/security/app-passwords"),
    Provider("aol", "AOL Mail", ("aol.com", "aol.fr", "aim.com"),
             _ssl("imap.aol.com"), _ssl("smtp.aol.com", 465),
             note=_APP_PASSWORD_NOTE, help_url="https://login.aol.com/account/security/app-passwords"),
    # Apple: the IMAP user name is the address's local part; SMTP wants the whole address.
    Provider("icloud", "iCloud Mail", ("icloud.com", "me.com", "mac.com"),
             _ssl("imap.mail.me.com", username=EMAIL_LOCALPART), _starttls("smtp.mail.me.com"),
             note=_APP_PASSWORD_NOTE, help_url="https://support.apple.com/102654"),
    Provider("fastmail", "Fastmail",
             ("fastmail.com", "fastmail.fm", "fastmail.net", "fastmail.org", "messagingengine.com"),
             _ssl("imap.fastmail.com"), _ssl("smtp.fastmail.com", 465),
             note=_APP_PASSWORD_NOTE, help_url="https://www.fastmail.help/hc/en-us/articles/360058752854"),
    Provider("gmx-net", "GMX", ("gmx.net", "gmx.de", "gmx.at", "gmx.ch"),
             _ssl("imap.gmx.net"), _starttls("mail.gmx.net"), note=_GMX_NOTE),
    Provider("gmx-com", "GMX", ("gmx.com", "gmx.us", "gmx.co.uk", "gmx.es", "gmx.it"),
             _ssl("imap.gmx.com"), _starttls("mail.gmx.com"), note=_GMX_NOTE),
    Provider("gmx-fr", "GMX", ("gmx.fr",),
             _ssl("imap.gmx.fr"), _starttls("mail.gmx.fr"), note=_GMX_NOTE),
    Provider("orange", "Orange", ("orange.fr", "wanadoo.fr"),
             _ssl("imap.orange.fr"), _ssl("smtp.orange.fr", 465)),
    Provider("free", "Free", ("free.fr",),
             _ssl("imap.free.fr"), _ssl("smtp.free.fr", 465)),
    Provider("sfr", "SFR", ("sfr.fr", "neuf.fr", "cegetel.net", "club-internet.fr", "9online.fr"),
             _ssl("imap.sfr.fr"), _ssl("smtp.sfr.fr", 465)),
    Provider("laposte", "La Poste", ("laposte.net",),
             _ssl("imap.laposte.net"), _ssl("smtp.laposte.net", 465)),
    Provider("posteo", "Posteo", ("posteo.de", "posteo.net", "posteo.org", "posteo.eu", "posteo.fr"),
             _ssl("posteo.de"), _starttls("posteo.de")),
    Provider("mailbox-org", "mailbox.org", ("mailbox.org",),
             _ssl("imap.mailbox.org"), _ssl("smtp.mailbox.org", 465)),
    Provider("zoho", "Zoho Mail", ("zoho.com", "zohomail.com"),
             _ssl("imap.zoho.com"), _ssl("smtp.zoho.com", 465)),
)


class ProviderTable:
    """Look-ups by the address's domain; tests build their own table (e.g. a Gmail entry on loopback)."""

    def __init__(self, providers: Iterable[Provider] = BUILTIN_PROVIDERS) -> None:
        self.providers = tuple(providers)
        self._by_domain = {domain: provider for provider in self.providers for domain in provider.domains}

    def provider_for(self, email: str) -> Provider | None:
        return self._by_domain.get(split_address(email)[1])

    def get(self, provider_id: str) -> Provider | None:
        return next((p for p in self.providers if p.id == provider_id), None)

    def settings_for(self, email: str) -> DetectedSettings | None:
        provider = self.provider_for(email)
        if provider is None:
            return None
        return settings_from_provider(provider, email)

    def replaced(self, provider_id: str, **changes: object) -> ProviderTable:
        """A copy where one provider's fields are changed (its servers, its domains...)."""
        return ProviderTable(replace(p, **changes) if p.id == provider_id else p  # type: ignore[arg-type]
                             for p in self.providers)


def settings_from_provider(provider: Provider, email: str) -> DetectedSettings:
    return DetectedSettings(
        imap=provider.imap.settings_for(email), smtp=provider.smtp.settings_for(email), source="providers",
        provider_id=provider.id, provider_name=provider.name, oauth=provider.oauth, note=provider.note,
        help_url=provider.help_url,
    )


def guess_settings(email: str) -> DetectedSettings:
    """What most providers use, as a starting point for the manual page: imap.<domain>:993, smtp.<domain>:587."""
    _local, domain = split_address(email)
    return DetectedSettings(
        imap=ServerSettings(f"imap.{domain}", 993, "ssl", email.strip()),
        smtp=ServerSettings(f"smtp.{domain}", 587, "starttls", email.strip()),
        source="guess",
    )


def is_microsoft_host(host: str) -> bool:
    """A Microsoft 365 domain's autoconfig points at Exchange Online: it signs in with Microsoft."""
    host = host.lower().rstrip(".")
    return host in ("outlook.office365.com", "smtp.office365.com", "smtp-mail.outlook.com", "outlook.office.com")


def is_google_host(host: str) -> bool:
    """A Google Workspace domain's autoconfig points at Gmail's servers: treat it as Gmail."""
    host = host.lower().rstrip(".")
    return host in ("imap.gmail.com", "smtp.gmail.com", "imap.googlemail.com", "smtp.googlemail.com")
