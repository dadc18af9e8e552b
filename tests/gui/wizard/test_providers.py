"""The bundled provider table: the big providers are set up from the address alone, before any network."""

from __future__ import annotations

import pytest

from gui.providers import ProviderTable, guess_settings

TABLE = ProviderTable()


@pytest.mark.parametrize(("email", "provider", "imap", "smtp"), [
    ("someone@gmail.com", "gmail", ("imap.gmail.com", 993, "ssl"), ("smtp.gmail.com", 587, "starttls")),
    ("someone@GoogleMail.com", "gmail", ("imap.gmail.com", 993, "ssl"), ("smtp.gmail.com", 587, "starttls")),
    ("someone@outlook.com", "outlook", ("outlook.office365.com", 993, "ssl"),
     ("smtp.office365.com", 587, "starttls")),
    ("someone@hotmail.fr", "outlook", ("outlook.office365.com", 993, "ssl"),
     ("smtp.office365.com", 587, "starttls")),
    ("someone@live.com", "outlook", ("outlook.office365.com", 993, "ssl"),
     ("smtp.office365.com", 587, "starttls")),
    ("someone@yahoo.fr", "yahoo", ("imap.mail.yahoo.com", 993, "ssl"), ("smtp.mail.yahoo.com", 465, "ssl")),
    ("someone@icloud.com", "icloud", ("imap.mail.me.com", 993, "ssl"), ("smtp.mail.me.com", 587, "starttls")),
    ("someone@fastmail.com", "fastmail", ("imap.fastmail.com", 993, "ssl"), ("smtp.fastmail.com", 465, "ssl")),
    ("someone@gmx.de", "gmx-net", ("imap.gmx.net", 993, "ssl"), ("mail.gmx.net", 587, "starttls")),
    ("someone@gmx.fr", "gmx-fr", ("imap.gmx.fr", 993, "ssl"), ("mail.gmx.fr", 587, "starttls")),
    ("someone@orange.fr", "orange", ("imap.orange.fr", 993, "ssl"), ("smtp.orange.fr", 465, "ssl")),
    ("someone@wanadoo.fr", "orange", ("imap.orange.fr", 993, "ssl"), ("smtp.orange.fr", 465, "ssl")),
    ("someone@free.fr", "free", ("imap.free.fr", 993, "ssl"), ("smtp.free.fr", 465, "ssl")),
    ("someone@sfr.fr", "sfr", ("imap.sfr.fr", 993, "ssl"), ("smtp.sfr.fr", 465, "ssl")),
    ("someone@neuf.fr", "sfr", ("imap.sfr.fr", 993, "ssl"), ("smtp.sfr.fr", 465, "ssl")),
    ("someone@laposte.net", "laposte", ("imap.laposte.net", 993, "ssl"), ("smtp.laposte.net", 465, "ssl")),
])
def test_known_providers(email: str, provider: str, imap: tuple[str, int, str], smtp: tuple[str, int, str]) -> None:
    found = TABLE.settings_for(email)
    assert found is not None and found.source == "providers"
    assert found.provider_id == provider
    assert (found.imap.host, found.imap.port, found.imap.security) == imap
    assert (found.smtp.host, found.smtp.port, found.smtp.security) == smtp


def test_gmail_offers_google_sign_in_and_an_app_password_page() -> None:
    found = TABLE.settings_for("someone@gmail.com")
    assert found is not None and found.is_gmail and found.oauth == "google"
    assert found.help_url.startswith("https://")
    assert found.imap.username == found.smtp.username == "someone@gmail.com"


def test_icloud_imap_user_is_the_local_part() -> None:
    found = TABLE.settings_for("emily.parker@icloud.com")
    assert found is not None
    assert found.imap.username == "emily.parker"
    assert found.smtp.username == "emily.parker@icloud.com"


def test_unknown_domain_is_not_guessed_silently() -> None:
    assert TABLE.settings_for("someone@example.org") is None
    guess = guess_settings("someone@Example.org")
    assert guess.source == "guess"
    assert (guess.imap.host, guess.imap.port, guess.imap.security) == ("imap.example.org", 993, "ssl")
    assert (guess.smtp.host, guess.smtp.port, guess.smtp.security) == ("smtp.example.org", 587, "starttls")


def test_every_provider_uses_encryption() -> None:
    for provider in TABLE.providers:
        assert provider.imap.security != "none" and provider.smtp.security != "none", provider.id
