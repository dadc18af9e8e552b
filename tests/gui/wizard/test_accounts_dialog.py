"""The accounts dialog: add through the wizard, edit identities and servers, reorder, remove everything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keyring
from pytestqt.qtbot import QtBot

from connectors.store import default_store_path
from gui.accounts import Account, AccountStore, Identity, OAuthClient, ServerSettings
from gui.accounts_dialog import AccountsDialog
from gui.cert_trust import pin_path
from gui.secrets import store_secret
from gui.wizard import WizardServices
from gui.wizard.page_ids import PAGE_IDENTITY
from tests.conftest import ALICE, USERS
from tests.gui.wizard.conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    WizardDriver,
    add_account_through,
    answer_message_box,
    closed_port,
)


def make_account(email: str, name: str = "") -> Account:
    return Account(email=email, name=name, display_name="Someone",
                   imap=ServerSettings("imap.example.test", 993, "ssl", email),
                   smtp=ServerSettings("smtp.example.test", 587, "starttls", email),
                   identities=[Identity("Someone", email)])


def labels(dialog: AccountsDialog) -> list[str]:
    return [dialog.list.item(i).text() for i in range(dialog.list.count())]


def test_reorder_edit_and_remove(qtbot: QtBot, store: AccountStore, services: WizardServices) -> None:
    work, home = make_account("me@work.test", "Work"), make_account("me@home.test")
    store.add(work)
    store.add(home)
    store_secret(home.id, "password", "home-secret")
    store_secret(work.id, "password", "work-secret")
    data = default_store_path(work.id).parent
    data.mkdir(parents=True)
    (data / "store.sqlite3").write_bytes(b"mail")
    pin_path(work.id).parent.mkdir(parents=True, exist_ok=True)
    pin_path(work.id).write_text("pinned")
    dialog = AccountsDialog(store, services=services)
    qtbot.addWidget(dialog)
    dialog.show()
    assert labels(dialog) == ["Work\nme@work.test · imap.example.test", "me@home.test\nimap.example.test"]
    assert not dialog.up_button.isEnabled() and dialog.down_button.isEnabled()

    # Reorder
    with qtbot.waitSignal(dialog.accountsReordered):
        dialog.down_button.click()
    assert [a.email for a in AccountStore(store.path).accounts] == ["me@home.test", "me@work.test"]
    assert dialog.current_id() == work.id and dialog.up_button.isEnabled()

    # Edit: name, a second identity made the default, a signature, a new password
    dialog.edit_button.click()
    editor = dialog.editor
    assert editor is not None and editor.isVisible()
    editor.label_edit.setText("Job")
    identities = editor.identities
    identities.add_identity()
    identities.name_edit.clear()
    qtbot.keyClicks(identities.name_edit, "Boss")
    qtbot.keyClicks(identities.address_edit, "not an address")
    save = editor.buttons.button(editor.buttons.StandardButton.Save)
    assert not save.isEnabled()  # an identity without a valid address
    identities.address_edit.selectAll()
    qtbot.keyClicks(identities.address_edit, "boss@work.test")
    identities.signature_edit.setPlainText("-- \nThe boss")
    identities.make_default()
    assert editor.password_edit is not None
    editor.password_edit.setText("new-work-secret")
    assert save.isEnabled()
    with qtbot.waitSignal(dialog.accountChanged) as changed:
        save.click()
    edited = AccountStore(store.path).get(work.id)
    assert edited is not None and changed.args == [edited]
    assert edited.name == "Job"
    assert [(i.name, i.address, i.signature) for i in edited.identities] == [
        ("Boss", "boss@work.test", "-- \nThe boss"), ("Someone", "me@work.test", "")]
    assert edited.default_identity().address == "boss@work.test"
    assert keyring.get_password("Facteur", f"{work.id}:password") == "new-work-secret"
    assert "Job\nme@work.test · imap.example.test" in labels(dialog)

    # Remove, cancelled: nothing happens
    answer_message_box(qtbot, "removeAccountBox")
    dialog.remove_button.click()
    assert len(AccountStore(store.path).accounts) == 2

    # Remove, confirmed: secrets, local store, pinned certificate and settings all go
    order: list[str] = []
    dialog.accountAboutToBeRemoved.connect(lambda i: order.append(f"about:{i}"))
    dialog.accountRemoved.connect(lambda i: order.append(f"removed:{i}"))
    answer_message_box(qtbot, "removeAccountBox", "confirmRemoveButton")
    dialog.remove_button.click()
    assert order == [f"about:{work.id}", f"removed:{work.id}"]
    assert [a.id for a in AccountStore(store.path).accounts] == [home.id]
    assert keyring.get_password("Facteur", f"{work.id}:password") is None
    assert keyring.get_password("Facteur", f"{home.id}:password") == "home-secret"
    assert not data.exists() and not pin_path(work.id).exists()
    assert labels(dialog) == ["me@home.test\nimap.example.test"]


def test_add_through_the_wizard(qtbot: QtBot, store: AccountStore, dovecot_services: WizardServices,
                                tmp_path: Path) -> None:
    dialog = AccountsDialog(store, services=dovecot_services)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.empty_label.isVisibleTo(dialog) and not dialog.edit_button.isEnabled()
    dialog.add_button.click()
    assert dialog.wizard is not None and dialog.wizard.isVisible()
    driver = WizardDriver(qtbot, dialog.wizard)
    add_account_through(driver)
    with qtbot.waitSignal(dialog.accountAdded) as added:
        driver.finish()
    account = added.args[0]
    assert isinstance(account, Account) and account.email == ALICE
    assert labels(dialog) == [f"{ALICE}\n127.0.0.1"] and dialog.current_id() == account.id
    assert keyring.get_password("Facteur", f"{account.id}:password") == USERS[ALICE]
    qtbot.waitUntil(lambda: dialog.wizard is None)


def test_an_address_that_has_an_account_is_not_added_twice(make_wizard: Any, store: AccountStore) -> None:
    store.add(make_account("Alice@Example.test", "Work"))
    driver = make_wizard()
    driver.identity("Alice", "alice@example.TEST")
    page = driver.wizard.identity_page
    assert driver.wizard.currentId() == PAGE_IDENTITY and page.duplicate_label.isVisibleTo(page)
    assert "already has an account for alice@example.TEST" in page.duplicate_label.text() and "Work" in \
        page.duplicate_label.text()
    page.email_edit.setText("bob@example.test")
    assert not page.duplicate_label.isVisibleTo(page)
    assert len(AccountStore(store.path).accounts) == 1


def _google_account(google_oauth: Any, store: AccountStore) -> tuple[Account, str, str]:
    google_oauth.register_client(CLIENT_ID, CLIENT_SECRET)
    access, refresh = google_oauth.issue_tokens(ALICE, CLIENT_ID)
    account = make_account(ALICE)
    account.auth = "oauth2"
    account.oauth = OAuthClient(CLIENT_ID, auth_uri=google_oauth.auth_uri, token_uri=google_oauth.token_uri,
                                revoke_uri=google_oauth.revoke_uri)
    store.add(account)
    store_secret(account.id, "refresh-token", refresh)
    return account, access, refresh


def test_removing_an_oauth_account_revokes_its_grant(qtbot: QtBot, store: AccountStore, services: WizardServices,
                                                     google_oauth: Any, google_client_env: str) -> None:
    account, access, refresh = _google_account(google_oauth, store)
    folder = default_store_path(account.id).parent
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "store.sqlite3").write_bytes(b"x")
    dialog = AccountsDialog(store, services=services)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.revoked, timeout=15000) as revoked:
        assert dialog.remove(account.id)
    assert revoked.args == [account.id]
    assert google_oauth.token_owner(access) is None  # the whole grant is gone at Google
    assert keyring.get_password("Facteur", f"{account.id}:refresh-token") is None
    assert not folder.exists() and AccountStore(store.path).accounts == []
    assert dialog.problem_boxes == []


def test_failed_revocation_is_reported(qtbot: QtBot, store: AccountStore, services: WizardServices,
                                      google_oauth: Any, google_client_env: str) -> None:
    account, access, refresh = _google_account(google_oauth, store)
    account.oauth = OAuthClient(CLIENT_ID, token_uri=google_oauth.token_uri,
                                revoke_uri=f"https://127.0.0.1:{closed_port()}/revoke")
    store.update(account)
    dialog = AccountsDialog(store, services=services)
    qtbot.addWidget(dialog)
    assert dialog.remove(account.id)
    qtbot.waitUntil(lambda: len(dialog.problem_boxes) == 1, timeout=15000)
    text = dialog.problem_boxes[0].text()
    assert "could not be revoked" in text and "myaccount.google.com" in text, text
    assert refresh not in text
    assert google_oauth.token_owner(access) == ALICE  # still valid at Google: hence the report and the link
    assert keyring.get_password("Facteur", f"{account.id}:refresh-token") is None
    assert AccountStore(store.path).accounts == []
    dialog.problem_boxes[0].close()
