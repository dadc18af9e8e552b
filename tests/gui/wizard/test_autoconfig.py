"""Autoconfig over HTTPS only, from loopback servers; a plain-http document is never fetched."""

from __future__ import annotations

from typing import Any

import pytest

from gui.autoconfig import AutoconfigClient, AutoconfigError, parse_autoconfig
from tests.gui.wizard.loopback_http import LoopbackWebServer, autoconfig_xml

PATH = "/mail/config-v1.1.xml"


def test_parse_picks_imap_and_smtp_and_expands_placeholders() -> None:
    doc = autoconfig_xml(("imap.%EMAILDOMAIN%", 993, "SSL"), ("smtp.example.test", 587, "STARTTLS"),
                         username="%EMAILLOCALPART%")
    found = parse_autoconfig(doc, "bob@example.test", source_url="https://x/")
    assert (found.imap.host, found.imap.port, found.imap.security, found.imap.username) == (
        "imap.example.test", 993, "ssl", "bob")
    assert (found.smtp.host, found.smtp.port, found.smtp.security) == ("smtp.example.test", 587, "starttls")
    assert found.source == "autoconfig" and found.provider_name == "Example Mail" and found.oauth is None


def test_parse_prefers_the_encrypted_server() -> None:
    doc = autoconfig_xml(("imap.example.test", 143, "plain"), ("smtp.example.test", 465, "SSL")).replace(
        b"</emailProvider>", b"""<incomingServer type="imap"><hostname>imap.example.test</hostname><port>993</port>
        <socketType>SSL</socketType><username>%EMAILADDRESS%</username>
        <authentication>password-cleartext</authentication></incomingServer></emailProvider>""")
    found = parse_autoconfig(doc, "bob@example.test")
    assert (found.imap.port, found.imap.security) == (993, "ssl")


def test_workspace_domain_on_gmail_servers_is_treated_as_gmail() -> None:
    doc = autoconfig_xml(("imap.gmail.com", 993, "SSL"), ("smtp.gmail.com", 465, "SSL"))
    found = parse_autoconfig(doc, "bob@company.test")
    assert found.is_gmail and found.oauth == "google"


@pytest.mark.parametrize("doc", [
    b"not xml at all",
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><clientConfig>&lol;</clientConfig>',
    b"<clientConfig><emailProvider id='x'><incomingServer type='imap'><hostname>h</hostname><port>993</port>"
    b"<socketType>SSL</socketType></incomingServer></emailProvider></clientConfig>",  # no SMTP
])
def test_parse_refuses_unusable_documents(doc: bytes) -> None:
    with pytest.raises(AutoconfigError):
        parse_autoconfig(doc, "bob@example.test")


def test_lookup_over_https_from_a_loopback_server(https_site: LoopbackWebServer, ca: Any) -> None:
    https_site.serve(PATH, autoconfig_xml(("127.0.0.1", 993, "SSL"), ("127.0.0.1", 465, "SSL")))
    client = AutoconfigClient([https_site.base_url + PATH + "?emailaddress={email}"], verify=str(ca.cert_path))
    found = client.lookup("bob@example.test")
    assert found is not None and found.imap.host == "127.0.0.1"
    assert found.source_url.startswith(https_site.base_url)
    assert https_site.requests == [PATH + "?emailaddress=bob@example.test"]


def test_second_location_is_tried_when_the_first_has_nothing(https_site: LoopbackWebServer, ca: Any) -> None:
    https_site.serve("/.well-known/autoconfig" + PATH, autoconfig_xml(("a.test", 993, "SSL"), ("b.test", 465, "SSL")))
    client = AutoconfigClient([https_site.base_url + PATH, https_site.base_url + "/.well-known/autoconfig" + PATH],
                              verify=str(ca.cert_path))
    found = client.lookup("bob@example.test")
    assert found is not None and found.imap.host == "a.test"
    assert https_site.requests == [PATH, "/.well-known/autoconfig" + PATH]


def test_plain_http_location_is_refused(http_site: LoopbackWebServer) -> None:
    http_site.serve(PATH, autoconfig_xml(("evil.test", 993, "SSL"), ("evil.test", 465, "SSL")))
    with pytest.raises(ValueError, match="HTTPS only"):
        AutoconfigClient([http_site.base_url + PATH])
    assert http_site.requests == []


def test_redirect_to_plain_http_is_not_followed(https_site: LoopbackWebServer, http_site: LoopbackWebServer,
                                                 ca: Any) -> None:
    http_site.serve(PATH, autoconfig_xml(("evil.test", 993, "SSL"), ("evil.test", 465, "SSL")))
    https_site.redirect(PATH, http_site.base_url + PATH)
    client = AutoconfigClient([https_site.base_url + PATH], verify=str(ca.cert_path))
    assert client.lookup("bob@example.test") is None
    assert https_site.requests == [PATH]
    assert http_site.requests == []  # the downgraded document was never fetched


def test_https_redirect_is_followed(https_site: LoopbackWebServer, ca: Any) -> None:
    https_site.serve("/moved.xml", autoconfig_xml(("a.test", 993, "SSL"), ("b.test", 465, "SSL")))
    https_site.redirect(PATH, "/moved.xml")
    found = AutoconfigClient([https_site.base_url + PATH], verify=str(ca.cert_path)).lookup("bob@example.test")
    assert found is not None and found.source_url == https_site.base_url + "/moved.xml"


def test_untrusted_certificate_means_no_settings(https_site: LoopbackWebServer) -> None:
    https_site.serve(PATH, autoconfig_xml(("a.test", 993, "SSL"), ("b.test", 465, "SSL")))
    # Only the system's authorities: the per-run CA is unknown to them.
    assert AutoconfigClient([https_site.base_url + PATH]).lookup("bob@example.test") is None
    assert https_site.requests == []  # the handshake failed before any request was sent


def test_cancelled_lookup_stops(https_site: LoopbackWebServer, ca: Any) -> None:
    client = AutoconfigClient([https_site.base_url + PATH], verify=str(ca.cert_path))
    assert client.lookup("bob@example.test", cancelled=lambda: True) is None
    assert https_site.requests == []
