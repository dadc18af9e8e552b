"""Locking and unlocking the test session's real gnome-keyring over D-Bus, as a screen lock or the person would.

``scripts/with-test-session.sh`` unlocks the login collection with the password below. Locking uses the Secret
Service's own ``Lock``; unlocking without a prompt uses gnome-keyring's ``UnlockWithMasterPassword`` (its standard
``Unlock`` needs a prompter, which a headless session cannot show: such prompts end as dismissed).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing, contextmanager

from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection

TEST_KEYRING_PASSWORD = b"facteur-test"  # as in scripts/with-test-session.sh

_SERVICE = DBusAddress("/org/freedesktop/secrets", bus_name="org.freedesktop.secrets",
                       interface="org.freedesktop.Secret.Service")
_GNOME = DBusAddress("/org/freedesktop/secrets", bus_name="org.freedesktop.secrets",
                     interface="org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface")
_PROPERTIES = "org.freedesktop.DBus.Properties"


def _default_collection(connection: DBusConnection) -> str:
    reply = connection.send_and_get_reply(new_method_call(_SERVICE, "ReadAlias", "s", ("default",)))
    return str(reply.body[0])


def lock_keyring() -> None:
    with closing(open_dbus_connection(bus="SESSION")) as connection:
        collection = _default_collection(connection)
        connection.send_and_get_reply(new_method_call(_SERVICE, "Lock", "ao", ([collection],)))
    assert keyring_locked()


def unlock_keyring_with_password(password: bytes = TEST_KEYRING_PASSWORD) -> None:
    with closing(open_dbus_connection(bus="SESSION")) as connection:
        collection = _default_collection(connection)
        session = connection.send_and_get_reply(new_method_call(_SERVICE, "OpenSession", "sv",
                                                                ("plain", ("s", "")))).body[1]
        secret = (session, b"", password, "text/plain")
        reply = connection.send_and_get_reply(new_method_call(_GNOME, "UnlockWithMasterPassword", "o(oayays)",
                                                              (collection, secret)))
        assert reply.header.message_type.name == "method_return", reply.body
    assert not keyring_locked()


def keyring_locked() -> bool:
    with closing(open_dbus_connection(bus="SESSION")) as connection:
        collection = _default_collection(connection)
        address = DBusAddress(collection, bus_name="org.freedesktop.secrets", interface=_PROPERTIES)
        reply = connection.send_and_get_reply(new_method_call(address, "Get", "ss",
                                                              ("org.freedesktop.Secret.Collection", "Locked")))
        return bool(reply.body[0][1])


@contextmanager
def locked_keyring() -> Iterator[None]:
    """The keyring locked for the block, and unlocked again whatever happens (the next tests need it)."""
    lock_keyring()
    try:
        yield
    finally:
        if keyring_locked():
            unlock_keyring_with_password()
