"""connectors.goa against the GNOME Online Accounts emulation on the tests' session bus: which accounts are offered,
their servers as GOA words them, tokens held in memory until they expire, and each way GOA can fail named."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.credentials import CredentialsProvider
from connectors.exceptions import ConfigurationError, OnlineAccountError
from connectors.goa import GnomeOnlineAccounts, GoaCredentials, split_host
from tests.servers.goa import FakeAccount, FakeOnlineAccounts


class Tokens:
    def __init__(self) -> None:
        self.issued: list[str] = []

    def __call__(self) -> tuple[str, int]:
        self.issued.append(f"ya29.token-{len(self.issued) + 1}")
        return self.issued[-1], 3600


@pytest.fixture
def goa() -> Iterator[FakeOnlineAccounts]:
    service = FakeOnlineAccounts().start()
    yield service
    service.stop()


def google(tokens: Tokens, **changes: object) -> FakeAccount:
    account = FakeAccount("account_1_0", "google", "Google", "alice@gmail.com", "Alice", "imap.gmail.com",
                          "smtp.gmail.com", tokens)
    for name, value in changes.items():
        setattr(account, name, value)
    return account


@pytest.mark.parametrize(("host", "default", "expected"), [
    ("imap.gmail.com", 993, ("imap.gmail.com", 993)),
    ("127.0.0.1:1143", 993, ("127.0.0.1", 1143)),
    ("[::1]:2525", 587, ("::1", 2525)),
    ("::1", 587, ("::1", 587)),
    ("mail.example.org:submission", 465, ("mail.example.org", 587)),
])
def test_hosts_as_goa_writes_them(host: str, default: int, expected: tuple[str, int]) -> None:
    assert split_host(host, default) == expected


def test_an_unknown_port_name_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        split_host("mail.example.org:gopher", 993)


def test_google_and_microsoft_accounts_with_mail_are_offered(goa: FakeOnlineAccounts) -> None:
    tokens = Tokens()
    goa.add(google(tokens))
    goa.add(FakeAccount("account_2_0", "windows_live", "Microsoft", "bob@outlook.com", "", "imap-mail.outlook.com",
                        "smtp-mail.outlook.com", tokens))
    goa.add(google(tokens, id="account_3_0", email="off@gmail.com", mail_disabled=True))
    goa.add(FakeAccount("account_4_0", "owncloud", "Nextcloud", "carol@cloud.example", "", "imap.cloud.example",
                        "smtp.cloud.example", tokens))
    found = GnomeOnlineAccounts().mail_accounts()
    assert [(a.id, a.email, a.facteur_provider) for a in found] == [
        ("account_1_0", "alice@gmail.com", "gmail"), ("account_2_0", "bob@outlook.com", "outlook")]
    gmail = found[0]
    assert (gmail.imap.host, gmail.imap.port, gmail.imap.security) == ("imap.gmail.com", 993, "ssl")
    assert (gmail.smtp.host, gmail.smtp.port, gmail.smtp.security) == ("smtp.gmail.com", 587, "starttls")
    assert gmail.name == "Alice" and gmail.imap.username == "alice@gmail.com"
    assert tokens.issued == []  # listing asks for no token


def test_without_goa_there_is_nothing_to_offer() -> None:
    assert GnomeOnlineAccounts().mail_accounts() == []
    with pytest.raises(OnlineAccountError) as caught:
        GoaCredentials("account_1_0", "alice@gmail.com").access_token("alice@gmail.com")
    assert caught.value.reason == "unavailable" and str(caught.value) == "GNOME Online Accounts is not running"


def test_a_token_is_reused_until_it_expires_and_asked_again_after_a_refusal(goa: FakeOnlineAccounts) -> None:
    tokens = Tokens()
    goa.add(google(tokens))
    now = [1000.0]
    credentials = GoaCredentials("account_1_0", "alice@gmail.com", clock=lambda: now[0])
    assert isinstance(credentials, CredentialsProvider)
    assert credentials.access_token("alice@gmail.com") == "ya29.token-1"
    assert credentials.access_token("alice@gmail.com") == "ya29.token-1"
    assert goa.token_calls("account_1_0") == 1  # GOA logs every GetAccessToken: ask once
    assert credentials.access_token("alice@gmail.com", force_refresh=True) == "ya29.token-1"  # GOA's cache
    assert goa.token_calls("account_1_0") == 2 and goa.accounts["account_1_0"].ensure_calls == 1
    now[0] += 3600 - 59  # within a minute of GOA's expiry: asked again
    credentials.access_token("alice@gmail.com")
    assert goa.token_calls("account_1_0") == 3
    assert "ya29" not in repr(credentials)


@pytest.mark.parametrize(("change", "reason", "words"), [
    ("remove", "removed", "This account was removed from GNOME Online Accounts"),
    ("mail", "mail-disabled", "Mail is turned off for alice@gmail.com in GNOME Online Accounts"),
    ("withdraw", "sign-in", "GNOME Online Accounts needs you to sign in to alice@gmail.com again"),
])
def test_each_way_goa_can_fail_is_named(goa: FakeOnlineAccounts, change: str, reason: str, words: str) -> None:
    tokens = Tokens()
    goa.add(google(tokens))
    problems: list[OnlineAccountError] = []
    credentials = GoaCredentials("account_1_0", "alice@gmail.com", on_problem=problems.append)
    credentials.access_token("alice@gmail.com")
    if change == "remove":
        goa.remove("account_1_0")
    elif change == "mail":
        goa.accounts["account_1_0"].mail_disabled = True
    else:
        goa.withdraw("account_1_0")
    with pytest.raises(OnlineAccountError) as caught:
        credentials.access_token("alice@gmail.com", force_refresh=True)
    assert (caught.value.reason, str(caught.value), caught.value.username) == (reason, words, "alice@gmail.com")
    assert problems == [caught.value]
    assert all(token not in str(caught.value) for token in tokens.issued)
