"""Without a secure keyring, nothing goes to plain text unless the person says so."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import keyring
import keyring.backend
import keyring.backends.fail
import pytest
from pytestqt.qtbot import QtBot

from gui.accounts import AccountStore
from gui.wizard import WizardServices
from tests.conftest import ALICE, USERS
from tests.gui.wizard.conftest import add_account_through, answer_message_box


class PlaintextKeyring(keyring.backend.KeyringBackend):
    """Named like keyrings.alt's plain-text file backend, which gui.secrets flags as insecure."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def swap_keyring() -> Iterator[Any]:
    original = keyring.get_keyring()

    def use(backend: Any) -> Any:
        keyring.set_keyring(backend)
        return backend

    yield use
    keyring.set_keyring(original)


def test_plaintext_keyring_needs_consent(make_wizard: Any, dovecot_services: WizardServices, store: AccountStore,
                                         swap_keyring: Any, qtbot: QtBot) -> None:
    plaintext = swap_keyring(PlaintextKeyring())
    driver = make_wizard(dovecot_services)
    add_account_through(driver)

    asked = answer_message_box(qtbot, "plaintextKeyringBox")  # the person declines
    driver.finish()
    assert asked and "plain file" in asked[0]
    assert driver.wizard.account is None and driver.wizard.isVisible()
    assert plaintext.items == {} and AccountStore(store.path).accounts == []

    asked = answer_message_box(qtbot, "plaintextKeyringBox", "keepPlaintextButton")
    driver.finish()
    account = driver.wizard.account
    assert asked and account is not None
    assert plaintext.items == {("Facteur", f"{account.id}:password"): USERS[ALICE]}
    assert [a.id for a in AccountStore(store.path).accounts] == [account.id]


def test_no_keyring_at_all_is_explained(make_wizard: Any, dovecot_services: WizardServices, store: AccountStore,
                                        swap_keyring: Any, qtbot: QtBot) -> None:
    swap_keyring(keyring.backends.fail.Keyring())
    driver = make_wizard(dovecot_services)
    add_account_through(driver)
    told = answer_message_box(qtbot, "noKeyringBox")
    driver.finish()
    assert told and "GNOME Keyring or KWallet" in told[0]
    assert driver.wizard.account is None and AccountStore(store.path).accounts == []
