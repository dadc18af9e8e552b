"""The accounts dialog: add through the wizard, edit identities and servers, reorder, remove everything."""

from __future__ import annotations

from pathlib import Path

import keyring
from pytestqt.qtbot import QtBot

from connectors.store import default_store_path
from gui.accounts import Account, AccountStore, Identity, ServerSettings
from gui.accounts_dialog import AccountsDialog
from gui.cert_trust import pin_path
from gui.secrets import store_secret
from gui.wizard import WizardServices
from tests.conftest import ALICE, USERS
from tests.gui.wizard.conftest import WizardDriver, add_account_through, answer_message_box


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
