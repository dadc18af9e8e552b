"""Mozilla-format autoconfig (config-v1.1.xml) fetched from the address's own domain, over HTTPS only.

The document says which IMAP and SMTP servers a domain uses. Only HTTPS is ever contacted, certificates are
verified against the system's certificate authorities, and a redirect to anything but HTTPS is refused: a
settings document that travelled in clear text could send the person's password to an attacker's server.
Nothing here sends a password; the settings found are shown to the person before one is asked.
"""

from __future__ import annotations

import logging
import ssl
import xml.etree.ElementTree as ET  # noqa: S405 - DTDs are refused before parsing, see parse_autoconfig
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

import requests

from .accounts import Security, ServerSettings
from .providers import DetectedSettings, expand_placeholders, is_google_host, is_microsoft_host, split_address

log = logging.getLogger(__name__)

DEFAULT_URL_TEMPLATES: tuple[str, ...] = (
    "https://autoconfig.{domain}/mail/config-v1.1.xml?emailaddress={email}",
    "https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml",
)
_MAX_BYTES = 256 * 1024  # real documents are a few KB
_MAX_REDIRECTS = 3
_SOCKET_TYPES: dict[str, Security] = {"SSL": "ssl", "STARTTLS": "starttls", "PLAIN": "none"}
# Authentication methods that mean "the mail password" in Mozilla's format.
_PASSWORD_AUTH = {"password-cleartext", "plain", "password-encrypted", "secure", ""}


class AutoconfigError(Exception):
    """A document was found but could not be used (for the log; the wizard just goes on to the manual page)."""


def system_ca_bundle() -> str | bool:
    """The system's CA file (honours SSL_CERT_FILE); ``True`` (requests' own bundle) when there is none."""
    cafile = ssl.get_default_verify_paths().cafile
    return cafile if cafile and Path(cafile).is_file() else True


class AutoconfigClient:
    """Looks an address up at each URL template in turn; the first usable document wins.

    ``url_templates`` may use ``{domain}`` and ``{email}``; each must be https. ``verify`` is a CA bundle path
    (tests give their per-run CA) and is passed with each request, so REQUESTS_CA_BUNDLE cannot override it.
    """

    def __init__(self, url_templates: Sequence[str] = DEFAULT_URL_TEMPLATES, *, verify: str | bool | None = None,
                 session: requests.Session | None = None, timeout: float = 8.0) -> None:
        for template in url_templates:
            if urlsplit(template).scheme != "https":
                raise ValueError(f"autoconfig is HTTPS only, not {template!r}")
        self.url_templates = tuple(url_templates)
        self.verify = verify
        self.session = session or requests.Session()
        self.timeout = timeout

    def urls_for(self, email: str) -> list[str]:
        _local, domain = split_address(email)
        return [t.format(domain=domain, email=quote(email.strip(), safe="@")) for t in self.url_templates]

    def lookup(self, email: str, *, cancelled: Callable[[], bool] = lambda: False) -> DetectedSettings | None:
        """The settings for ``email``, or None when no template gives a usable document."""
        verify = self.verify if self.verify is not None else system_ca_bundle()
        for url in self.urls_for(email):
            if cancelled():
                return None
            try:
                data, final_url = self._fetch(url, verify)
                return parse_autoconfig(data, email, source_url=final_url)
            except (requests.RequestException, AutoconfigError) as exc:
                log.info("No autoconfig at %s: %s", url, exc)
        return None

    def _fetch(self, url: str, verify: str | bool) -> tuple[bytes, str]:
        for _ in range(_MAX_REDIRECTS + 1):
            if urlsplit(url).scheme != "https":
                raise AutoconfigError(f"refusing to follow a redirect to {url} (not HTTPS)")
            with self.session.get(url, timeout=self.timeout, verify=verify, allow_redirects=False,
                                  stream=True, headers={"Accept": "application/xml, text/xml"}) as response:
                if response.is_redirect:
                    url = urljoin(url, response.headers.get("Location", ""))
                    continue
                if response.status_code != 200:
                    raise AutoconfigError(f"HTTP {response.status_code}")
                data = b""
                for chunk in response.iter_content(16384):
                    data += chunk
                    if len(data) > _MAX_BYTES:
                        raise AutoconfigError("the document is too large")
                return data, url
        raise AutoconfigError("too many redirects")


def _text(element: ET.Element, tag: str) -> str:
    child = element.find(tag)
    return (child.text or "").strip() if child is not None else ""


def _server(element: ET.Element, email: str) -> tuple[ServerSettings, set[str]] | None:
    host = expand_placeholders(_text(element, "hostname"), email)
    port_text = _text(element, "port")
    security = _SOCKET_TYPES.get(_text(element, "socketType").upper())
    if not host or not port_text.isdigit() or security is None or not 0 < int(port_text) < 65536:
        return None
    username = expand_placeholders(_text(element, "username") or "%EMAILADDRESS%", email)
    auths = {(a.text or "").strip().lower() for a in element.findall("authentication")}
    return ServerSettings(host, int(port_text), security, username), auths


def _pick(candidates: list[tuple[ServerSettings, set[str]]]) -> ServerSettings | None:
    """The most secure server that takes a password (or OAuth, for Gmail): SSL, then STARTTLS, then none."""
    rank = {"ssl": 0, "starttls": 1, "none": 2}
    usable = [(s, a) for s, a in candidates if a & _PASSWORD_AUTH or not a or "oauth2" in a]
    usable.sort(key=lambda item: rank[item[0].security])
    return usable[0][0] if usable else None


def parse_autoconfig(data: bytes, email: str, *, source_url: str = "") -> DetectedSettings:
    """The IMAP and SMTP servers a Mozilla ``clientConfig`` document gives for ``email``."""
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise AutoconfigError("the document declares a DTD or entities")  # no entity expansion, ever
    try:
        root = ET.fromstring(data)  # noqa: S314 - no DTD (checked above), size capped by the fetcher
    except ET.ParseError as exc:
        raise AutoconfigError(f"not XML: {exc}") from None
    provider = root.find("emailProvider")
    if root.tag != "clientConfig" or provider is None:
        raise AutoconfigError("not a clientConfig document")
    imap = _pick([s for e in provider.findall("incomingServer") if e.get("type") == "imap"
                  if (s := _server(e, email))])
    smtp = _pick([s for e in provider.findall("outgoingServer") if e.get("type") == "smtp"
                  if (s := _server(e, email))])
    if imap is None or smtp is None:
        raise AutoconfigError("no usable IMAP and SMTP servers in the document")
    name = _text(provider, "displayName") or _text(provider, "displayShortName") or split_address(email)[1]
    gmail = is_google_host(imap.host)
    microsoft = not gmail and is_microsoft_host(imap.host)
    return DetectedSettings(
        imap=imap, smtp=smtp, source="autoconfig", provider_id="gmail" if gmail else "outlook" if microsoft else None,
        provider_name=name, oauth="google" if gmail else "microsoft" if microsoft else None, source_url=source_url,
    )
