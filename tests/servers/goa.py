"""GNOME Online Accounts' D-Bus service, emulated on the tests' private session bus.

An emulation, because the real daemon (goa-daemon) cannot be used in a test: it signs in through Google's and
Microsoft's real web pages, keeps its refresh tokens in the person's keyring and would need a whole GNOME session.
This service owns ``org.gnome.OnlineAccounts`` on the bus the tests run in (scripts/with-test-session.sh starts a
private one), and answers as GOA does, after its published interface (``data/dbus-interfaces.xml`` of
gnome-online-accounts) and its Google and Windows Live providers (``goagoogleprovider.c``,
``goawindowsliveprovider.c``), which set the Mail properties used here:

* ``org.freedesktop.DBus.ObjectManager.GetManagedObjects`` at ``/org/gnome/OnlineAccounts``: GOA's manager object
  (``/org/gnome/OnlineAccounts/Manager``, interface ``org.gnome.OnlineAccounts.Manager``) and one object per
  account at ``/org/gnome/OnlineAccounts/Accounts/<Id>`` with ``org.gnome.OnlineAccounts.Account`` (Id,
  ProviderType, ProviderName, ProviderIcon, Identity, PresentationIdentity, IsTemporary, AttentionNeeded,
  MailDisabled and the other *Disabled switches), ``org.gnome.OnlineAccounts.OAuth2Based`` (ClientId,
  ClientSecret) and, only while mail is on, ``org.gnome.OnlineAccounts.Mail`` (EmailAddress, Name, Imap*, Smtp*).
  ``InterfacesAdded``/``InterfacesRemoved`` are emitted when an account comes or goes.
* ``org.freedesktop.DBus.Properties.Get``/``GetAll`` and ``org.freedesktop.DBus.Introspectable.Introspect``.
* ``OAuth2Based.GetAccessToken() -> (s, i)``: the access token comes from the test's token source (the loopback
  Google or Microsoft identity emulation, whose tokens the loopback IMAP/SMTP servers accept); GOA hands out the same
  token until it expires. ``Account.EnsureCredentials() -> (i)``. A withdrawn sign-in
  (:meth:`FakeOnlineAccounts.withdraw`) answers ``org.gnome.OnlineAccounts.Error.NotAuthorized`` and sets
  AttentionNeeded, as GOA does; an account that is gone answers ``org.freedesktop.DBus.Error.UnknownObject``.

Not emulated: adding accounts (``Manager.AddAccount``), the other interfaces (Calendar, Contacts, Files...),
``PropertiesChanged`` signals, ``Account.Remove`` from clients, and the daemon's D-Bus activation. Stopping the
service (:meth:`FakeOnlineAccounts.stop`) drops its name from the bus, which is what a client sees when GOA quits.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jeepney import DBusAddress, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.low_level import HeaderFields, Message

BUS_NAME = "org.gnome.OnlineAccounts"
ROOT = "/org/gnome/OnlineAccounts"
ACCOUNT = "org.gnome.OnlineAccounts.Account"
OAUTH2 = "org.gnome.OnlineAccounts.OAuth2Based"
MAIL = "org.gnome.OnlineAccounts.Mail"
OBJECT_MANAGER = "org.freedesktop.DBus.ObjectManager"
PROPERTIES = "org.freedesktop.DBus.Properties"
INTROSPECTABLE = "org.freedesktop.DBus.Introspectable"
NOT_AUTHORIZED = "org.gnome.OnlineAccounts.Error.NotAuthorized"

TokenSource = Callable[[], tuple[str, int]]
"""(access token, lifetime in seconds): what GOA's refresh at the provider would give."""


@dataclass
class FakeAccount:
    id: str
    provider_type: str  # "google", "windows_live"
    provider_name: str
    email: str
    name: str
    imap_host: str  # GOA's form: "host" or "host:port"
    smtp_host: str
    token_source: TokenSource
    imap_use_ssl: bool = True
    imap_use_tls: bool = False
    smtp_use_ssl: bool = False
    smtp_use_tls: bool = True
    mail_disabled: bool = False
    attention_needed: bool = False
    client_id: str = ""
    token_calls: int = 0
    ensure_calls: int = 0
    _token: tuple[str, float] | None = field(default=None, repr=False)

    @property
    def path(self) -> str:
        return f"{ROOT}/Accounts/{self.id}"

    def interfaces(self) -> dict[str, dict[str, tuple[str, Any]]]:
        account = {
            "ProviderType": ("s", self.provider_type), "ProviderName": ("s", self.provider_name),
            "ProviderIcon": ("s", f". GThemedIcon goa-account-{self.provider_type}"),
            "Id": ("s", self.id), "IsTemporary": ("b", False), "AttentionNeeded": ("b", self.attention_needed),
            "Identity": ("s", self.email), "PresentationIdentity": ("s", self.email),
            "MailDisabled": ("b", self.mail_disabled), "CalendarDisabled": ("b", False),
            "ContactsDisabled": ("b", False), "ChatDisabled": ("b", True), "DocumentsDisabled": ("b", False),
            "PrintersDisabled": ("b", True), "PhotosDisabled": ("b", True), "FilesDisabled": ("b", True),
            "TicketingDisabled": ("b", True), "ReadLaterDisabled": ("b", True),
        }
        found: dict[str, dict[str, tuple[str, Any]]] = {
            ACCOUNT: account,
            OAUTH2: {"ClientId": ("s", self.client_id), "ClientSecret": ("s", "")},
        }
        if not self.mail_disabled:
            found[MAIL] = {
                "EmailAddress": ("s", self.email), "Name": ("s", self.name),
                "ImapSupported": ("b", True), "ImapAcceptSslErrors": ("b", False), "ImapHost": ("s", self.imap_host),
                "ImapUseSsl": ("b", self.imap_use_ssl), "ImapUseTls": ("b", self.imap_use_tls),
                "ImapUserName": ("s", self.email),
                "SmtpSupported": ("b", True), "SmtpAcceptSslErrors": ("b", False), "SmtpHost": ("s", self.smtp_host),
                "SmtpUseAuth": ("b", True), "SmtpAuthLogin": ("b", False), "SmtpAuthPlain": ("b", False),
                "SmtpAuthXoauth2": ("b", True), "SmtpUseSsl": ("b", self.smtp_use_ssl),
                "SmtpUseTls": ("b", self.smtp_use_tls), "SmtpUserName": ("s", self.email),
            }
        return found

    def access_token(self) -> tuple[str, int]:
        """GOA's cache: the same token until it expires, then a refresh at the provider."""
        now = time.monotonic()
        if self._token is None or self._token[1] <= now:
            token, lifetime = self.token_source()
            self._token = (token, now + lifetime)
        return self._token[0], max(int(self._token[1] - now), 0)


class FakeOnlineAccounts:
    """The emulated GOA daemon: ``start()`` claims the bus name, ``stop()`` leaves the bus (GOA quit)."""

    def __init__(self, bus: str = "SESSION") -> None:
        self.bus = bus
        self.accounts: dict[str, FakeAccount] = {}
        self.calls: list[str] = []  # "Interface.Method" of every method call received
        self._lock = threading.Lock()  # the state, and sending on the connection
        self._connection: DBusConnection | None = None
        self._thread: threading.Thread | None = None

    # -- test-side API -----------------------------------------------------------------------------------------

    def start(self) -> FakeOnlineAccounts:
        connection = open_dbus_connection(bus=self.bus)
        reply = connection.send_and_get_reply(message_bus.RequestName(BUS_NAME, 4), timeout=10)  # DO_NOT_QUEUE
        if reply.body != (1,):  # PRIMARY_OWNER
            connection.close()
            raise RuntimeError(f"{BUS_NAME} is already owned on this bus: is a real GOA running here?")
        self._connection = connection
        self._thread = threading.Thread(target=self._serve, args=(connection,), name="FakeOnlineAccounts",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Leave the bus: the name goes with the connection, as when goa-daemon exits."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.sock.shutdown(socket.SHUT_RDWR)  # wakes the serving thread's receive()
        except OSError:
            pass
        if self._thread is not None:
            self._thread.join(10)
        connection.close()

    def add(self, account: FakeAccount) -> FakeAccount:
        with self._lock:
            self.accounts[account.id] = account
            self._emit(OBJECT_MANAGER, "InterfacesAdded", "oa{sa{sv}}", (account.path, account.interfaces()))
        return account

    def remove(self, account_id: str) -> None:
        """The person removed the account in Settings › Online Accounts."""
        with self._lock:
            account = self.accounts.pop(account_id)
            self._emit(OBJECT_MANAGER, "InterfacesRemoved", "oas", (account.path, list(account.interfaces())))

    def withdraw(self, account_id: str) -> None:
        """The provider no longer accepts GOA's refresh token: GOA needs the person to sign in again."""
        with self._lock:
            self.accounts[account_id].attention_needed = True

    def token_calls(self, account_id: str) -> int:
        with self._lock:
            return self.accounts[account_id].token_calls

    # -- the service -------------------------------------------------------------------------------------------

    def _emit(self, interface: str, member: str, signature: str, body: tuple[Any, ...]) -> None:
        if self._connection is not None:  # callers hold the lock
            self._connection.send(new_signal(DBusAddress(ROOT, interface=interface), member, signature, body))

    def _serve(self, connection: DBusConnection) -> None:
        while True:
            try:
                message = connection.receive()
            except (OSError, ValueError, EOFError):
                return  # stopped
            if message.header.message_type != MessageType.method_call:
                continue
            with self._lock:
                reply = self._answer(message)
                if self._connection is not None:
                    try:
                        connection.send(reply)
                    except OSError:
                        return

    def _answer(self, message: Message) -> Message:
        fields = message.header.fields
        path = fields.get(HeaderFields.path, "")
        interface = fields.get(HeaderFields.interface, "")
        member = fields.get(HeaderFields.member, "")
        self.calls.append(f"{interface}.{member}")
        if interface == INTROSPECTABLE and member == "Introspect":
            return new_method_return(message, "s", (self._introspection(path),))
        if path == ROOT and interface == OBJECT_MANAGER and member == "GetManagedObjects":
            objects: dict[str, dict[str, dict[str, tuple[str, Any]]]] = {
                f"{ROOT}/Manager": {"org.gnome.OnlineAccounts.Manager": {}},  # GOA's, for AddAccount: not an account
                **{account.path: account.interfaces() for account in self.accounts.values()},
            }
            return new_method_return(message, "a{oa{sa{sv}}}", (objects,))
        account = next((a for a in self.accounts.values() if a.path == path), None)
        if account is None:
            return new_error(message, "org.freedesktop.DBus.Error.UnknownObject", "s",
                             (f"No such object path '{path}'",))
        interfaces = account.interfaces()
        if interface == PROPERTIES and member in ("Get", "GetAll"):
            wanted = message.body[0]
            if wanted not in interfaces:
                return new_error(message, "org.freedesktop.DBus.Error.InvalidArgs", "s",
                                 (f"No such interface '{wanted}'",))
            if member == "GetAll":
                return new_method_return(message, "a{sv}", (interfaces[wanted],))
            prop = interfaces[wanted].get(message.body[1])
            if prop is None:
                return new_error(message, "org.freedesktop.DBus.Error.InvalidArgs", "s",
                                 (f"No such property '{message.body[1]}'",))
            return new_method_return(message, "v", (prop,))
        if interface not in interfaces:
            return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s",
                             (f"No such interface '{interface}' on object at path {path}",))
        if interface == OAUTH2 and member == "GetAccessToken":
            account.token_calls += 1
            if account.attention_needed:
                return new_error(message, NOT_AUTHORIZED, "s", ("Failed to refresh the access token (invalid_grant)",))
            return new_method_return(message, "si", account.access_token())
        if interface == ACCOUNT and member == "EnsureCredentials":
            account.ensure_calls += 1
            if account.attention_needed:
                return new_error(message, NOT_AUTHORIZED, "s", ("Failed to refresh the access token (invalid_grant)",))
            return new_method_return(message, "i", (account.access_token()[1],))
        return new_error(message, "org.freedesktop.DBus.Error.UnknownMethod", "s",
                         (f"No such method '{member}' on interface '{interface}'",))

    def _introspection(self, path: str) -> str:
        if path == ROOT:
            body = f'<interface name="{OBJECT_MANAGER}"><method name="GetManagedObjects">' \
                   '<arg type="a{oa{sa{sv}}}" direction="out"/></method></interface><node name="Accounts"/>'
        elif path == f"{ROOT}/Accounts":
            body = "".join(f'<node name="{a.id}"/>' for a in self.accounts.values())
        else:
            body = "".join(f'<interface name="{name}"/>' for name in
                           next((a.interfaces() for a in self.accounts.values() if a.path == path), {}))
        return f"<node>{body}</node>"
