"""GNOME Online Accounts (GOA): the desktop's Google and Microsoft accounts, and access tokens for them.

Where GOA runs, a person who signed in to Google or Microsoft once in GNOME Settings should not sign in again for
mail. :class:`GnomeOnlineAccounts` lists the accounts GOA holds with mail turned on and reads their addresses and
servers; :class:`GoaCredentials` is the connectors' credentials provider for one of them: every access token comes
from GOA (``GetAccessToken``), held in memory until it expires, and nothing is stored anywhere by Facteur.

The D-Bus interface followed is GOA's published one, ``data/dbus-interfaces.xml`` of gnome-online-accounts (the
``org.gnome.OnlineAccounts.Account``, ``.OAuth2Based`` and ``.Mail`` interfaces as documented since GOA 3.12, when
``SmtpAuthXoauth2`` appeared; unchanged in the 3.4x/3.5x series): the daemon owns ``org.gnome.OnlineAccounts`` on
the session bus and exports its accounts through ``org.freedesktop.DBus.ObjectManager`` at
``/org/gnome/OnlineAccounts`` (objects ``/org/gnome/OnlineAccounts/Accounts/<Id>``). Properties used:

* ``Account``: ``Id`` (s, stable), ``ProviderType`` (s: ``google``; ``windows_live`` and ``ms_graph`` for
  Microsoft), ``ProviderName`` (s), ``PresentationIdentity`` (s), ``AttentionNeeded`` (b), ``MailDisabled`` (b);
  method ``EnsureCredentials() -> (i expires_in)``.
* ``OAuth2Based``: ``GetAccessToken() -> (s access_token, i expires_in)`` (``expires_in`` 0 when unknown).
* ``Mail`` (present only while mail is enabled): ``EmailAddress``, ``Name``, ``ImapSupported``, ``ImapHost``,
  ``ImapUserName``, ``ImapUseSsl``, ``ImapUseTls``, ``SmtpSupported``, ``SmtpHost``, ``SmtpUserName``,
  ``SmtpUseAuth``, ``SmtpAuthXoauth2``, ``SmtpUseSsl``, ``SmtpUseTls``. A host may carry a ``:port``; without one,
  IMAP uses 993 with ``ImapUseSsl`` and 143 otherwise, SMTP 465 with ``SmtpUseSsl`` and 587 otherwise.

GOA's errors: ``org.gnome.OnlineAccounts.Error.NotAuthorized`` when its sign-in has expired or was withdrawn (the
person must sign in again in Settings › Online Accounts). The D-Bus client is jeepney, a pure-Python D-Bus library
already installed on Linux with keyring (SecretStorage uses it); one short-lived connection per question, so the
provider can be called from any thread. Off Linux, or without a session bus, GOA is simply not there.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .exceptions import AuthenticationError, ConfigurationError, OnlineAccountError

__all__ = [
    "GOA_BUS_NAME",
    "GnomeOnlineAccounts",
    "GoaCredentials",
    "GoaMailAccount",
    "GoaServer",
    "GoaWatcher",
]

GOA_BUS_NAME = "org.gnome.OnlineAccounts"
GOA_ROOT = "/org/gnome/OnlineAccounts"
ACCOUNT = "org.gnome.OnlineAccounts.Account"
OAUTH2 = "org.gnome.OnlineAccounts.OAuth2Based"
MAIL = "org.gnome.OnlineAccounts.Mail"
NOT_AUTHORIZED = "org.gnome.OnlineAccounts.Error.NotAuthorized"
_SERVICE_MISSING = (
    "org.freedesktop.DBus.Error.ServiceUnknown",
    "org.freedesktop.DBus.Error.NameHasNoOwner",
    "org.freedesktop.DBus.Error.NoReply",
    "org.freedesktop.DBus.Error.Disconnected",
    "org.freedesktop.DBus.Error.Spawn.ExecFailed",
    "org.freedesktop.DBus.Error.Spawn.ChildExited",
    "org.freedesktop.DBus.Error.Spawn.FileNotFound",
)
_OBJECT_MISSING = ("org.freedesktop.DBus.Error.UnknownObject", "org.freedesktop.DBus.Error.UnknownMethod",
                   "org.freedesktop.DBus.Error.UnknownInterface")

# GOA's provider types whose mail Facteur knows: Facteur's provider ids (gmail: labels, no copy to Sent).
PROVIDERS = {"google": "gmail", "windows_live": "outlook", "ms_graph": "outlook", "microsoft": "outlook"}

@dataclass(frozen=True)
class GoaServer:
    host: str
    port: int
    security: str  # "ssl", "starttls" or "none"
    username: str


@dataclass(frozen=True)
class GoaMailAccount:
    """One GOA account with mail: who it is, which provider, and its servers as GOA gives them."""

    id: str  # GOA's Account.Id: stable for the account's life, never shown
    provider_type: str  # GOA's ProviderType ("google", "windows_live", ...)
    provider_name: str  # "Google", "Microsoft" (GOA's words, for display)
    email: str
    name: str  # the person's full name, "" when GOA does not know it
    imap: GoaServer
    smtp: GoaServer
    attention_needed: bool = False  # GOA's sign-in needs the person (Settings › Online Accounts)

    @property
    def facteur_provider(self) -> str:
        return PROVIDERS.get(self.provider_type, "")


def split_host(host: str, default_port: int) -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]:port`` or a bare IPv6 address (GOA's ImapHost/SmtpHost forms)."""
    host = host.strip()
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    elif host.count(":") == 1:
        name, _, port_text = host.partition(":")
    else:
        name, port_text = host, ""
    if not port_text:
        return name, default_port
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        # GOA allows /etc/services names; the ones mail uses are known here.
        named = {"imap": 143, "imaps": 993, "imap2": 143, "smtp": 25, "submission": 587, "submissions": 465,
                 "smtps": 465}
        if port_text.lower() not in named:
            raise ConfigurationError(f"GNOME Online Accounts gives a server port Facteur does not understand: {host}",
                                     "host")
        return name, named[port_text.lower()]
    return name, int(port_text)


def _server(props: dict[str, Any], prefix: str, ssl_port: int, plain_port: int, email: str) -> GoaServer:
    use_ssl = bool(props.get(f"{prefix}UseSsl", False))
    use_tls = bool(props.get(f"{prefix}UseTls", False))
    host, port = split_host(str(props.get(f"{prefix}Host", "")), ssl_port if use_ssl else plain_port)
    security = "ssl" if use_ssl else "starttls" if use_tls else "none"
    return GoaServer(host, port, security, str(props.get(f"{prefix}UserName", "")) or email)


def _values(interface_props: dict[str, tuple[str, Any]]) -> dict[str, Any]:
    """jeepney gives variants as (signature, value) pairs."""
    return {name: variant[1] for name, variant in interface_props.items()}


def mail_account_from(interfaces: dict[str, dict[str, Any]]) -> GoaMailAccount | None:
    """A GOA account object's interfaces (name → property values) as a mail account, or None when it is not one
    Facteur can use: no Mail interface (mail off), no OAuth 2.0, IMAP or SMTP not offered, or SMTP without
    XOAUTH2."""
    account, mail = interfaces.get(ACCOUNT), interfaces.get(MAIL)
    if account is None or mail is None or OAUTH2 not in interfaces or account.get("MailDisabled", False):
        return None
    if not mail.get("ImapSupported", False) or not mail.get("SmtpSupported", False):
        return None
    if mail.get("SmtpUseAuth", True) and not mail.get("SmtpAuthXoauth2", False):
        return None
    email = str(mail.get("EmailAddress", "")) or str(account.get("PresentationIdentity", ""))
    if not email or not mail.get("ImapHost") or not mail.get("SmtpHost"):
        return None
    return GoaMailAccount(
        id=str(account.get("Id", "")),
        provider_type=str(account.get("ProviderType", "")),
        provider_name=str(account.get("ProviderName", "")),
        email=email,
        name=str(mail.get("Name", "")),
        imap=_server(mail, "Imap", 993, 143, email),
        smtp=_server(mail, "Smtp", 465, 587, email),
        attention_needed=bool(account.get("AttentionNeeded", False)),
    )


class GnomeOnlineAccounts:
    """The GOA daemon on the session bus (``bus``: "SESSION" or a D-Bus address); blocking calls, any thread."""

    def __init__(self, bus: str = "SESSION", *, timeout: float = 60.0) -> None:
        self.bus = bus
        self.timeout = timeout  # GetAccessToken may refresh over the network

    def __repr__(self) -> str:
        return f"GnomeOnlineAccounts(bus={self.bus!r})"

    # -- what the wizard asks ------------------------------------------------------------------------------------

    def mail_accounts(self) -> list[GoaMailAccount]:
        """Google and Microsoft accounts with mail enabled, in GOA's order; [] when GOA is not running."""
        try:
            objects = self._managed_objects(timeout=min(self.timeout, 10.0))
        except OnlineAccountError:
            return []
        found = (mail_account_from(interfaces) for _path, interfaces in sorted(objects.items()))
        return [account for account in found if account is not None and account.facteur_provider]

    def mail_account(self, account_id: str) -> GoaMailAccount:
        """The account's mail settings now; :class:`OnlineAccountError` when it is gone or its mail is off."""
        return self._find(account_id)[1]

    # -- tokens ----------------------------------------------------------------------------------------------------

    def access_token(self, account_id: str, *, ensure: bool = False) -> tuple[str, int]:
        """(access token, seconds it is valid for, 0 when unknown) from GOA. ``ensure`` first asks GOA to check its
        credentials (``EnsureCredentials``), which is what to do after a server refused the last token."""
        path, account = self._find(account_id)
        if ensure:
            self._call(path, ACCOUNT, "EnsureCredentials", account)
        body = self._call(path, OAUTH2, "GetAccessToken", account)
        token, expires_in = str(body[0]), int(body[1])
        if not token:
            raise OnlineAccountError(f"GNOME Online Accounts gave no access token for {account.email}", "sign-in",
                                     account.email)
        return token, expires_in

    # -- D-Bus -----------------------------------------------------------------------------------------------------

    def _find(self, account_id: str) -> tuple[str, GoaMailAccount]:
        objects = self._managed_objects(timeout=min(self.timeout, 10.0))
        for path, interfaces in objects.items():
            account = interfaces.get(ACCOUNT, {})
            if account.get("Id") != account_id:
                continue
            mail = mail_account_from(interfaces)
            if mail is None:
                who = str(account.get("PresentationIdentity", "")) or account_id
                raise OnlineAccountError(f"Mail is turned off for {who} in GNOME Online Accounts", "mail-disabled",
                                         who)
            return path, mail
        raise OnlineAccountError("This account was removed from GNOME Online Accounts", "removed")

    def _managed_objects(self, *, timeout: float) -> dict[str, dict[str, dict[str, Any]]]:
        body = self._send(GOA_ROOT, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", timeout=timeout)
        objects: dict[str, dict[str, dict[str, Any]]] = {}
        for path, interfaces in body[0].items():
            objects[str(path)] = {name: _values(props) for name, props in interfaces.items()}
        return objects

    def _call(self, path: str, interface: str, method: str, account: GoaMailAccount) -> tuple[Any, ...]:
        try:
            return self._send(path, interface, method, timeout=self.timeout)
        except _RemoteError as exc:
            if exc.name == NOT_AUTHORIZED:
                raise OnlineAccountError(
                    f"GNOME Online Accounts needs you to sign in to {account.email} again", "sign-in", account.email
                ) from None
            if exc.name in _OBJECT_MISSING:
                raise OnlineAccountError("This account was removed from GNOME Online Accounts", "removed",
                                         account.email) from None
            raise OnlineAccountError(f"GNOME Online Accounts could not sign {account.email} in: {exc.name}",
                                     "sign-in", account.email) from None

    def _send(self, path: str, interface: str, method: str, *, timeout: float) -> tuple[Any, ...]:
        try:
            from jeepney import DBusAddress, MessageType, new_method_call
            from jeepney.io.blocking import open_dbus_connection
            from jeepney.low_level import HeaderFields
        except ImportError:  # not on Linux
            raise OnlineAccountError("GNOME Online Accounts is not available here", "unavailable") from None
        try:
            connection = open_dbus_connection(bus=self.bus)
        except (OSError, KeyError, ValueError, TimeoutError) as exc:  # no session bus (KeyError: no address)
            raise OnlineAccountError(f"GNOME Online Accounts is not available: no session bus ({type(exc).__name__})",
                                     "unavailable") from None
        try:
            message = new_method_call(DBusAddress(path, GOA_BUS_NAME, interface), method)
            reply = connection.send_and_get_reply(message, timeout=timeout)
        except (OSError, TimeoutError) as exc:
            raise OnlineAccountError(f"GNOME Online Accounts did not answer ({type(exc).__name__})",
                                     "unavailable") from None
        finally:
            connection.close()
        if reply.header.message_type == MessageType.error:
            name = str(reply.header.fields.get(HeaderFields.error_name, ""))
            if name in _SERVICE_MISSING:
                raise OnlineAccountError("GNOME Online Accounts is not running", "unavailable")
            raise _RemoteError(name)
        return tuple(reply.body)


class _RemoteError(Exception):
    """A D-Bus error reply; only its name is kept (GOA's messages may quote tokens)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class GoaCredentials:
    """The connectors' credentials provider for a GOA account: tokens from GOA, in memory only.

    A token is reused until a minute before GOA says it expires (GOA logs every ``GetAccessToken``); after a server
    refused one (``force_refresh``), GOA is asked to check its credentials and a new token is fetched. When the
    account is gone from GOA, its mail is turned off there, GOA needs the person, or GOA is not running,
    :class:`OnlineAccountError` says which; ``on_problem`` (if given) is told too.
    """

    MARGIN = 60.0  # seconds before GOA's expiry when a token is no longer offered

    def __init__(self, account_id: str, email: str, *, goa: GnomeOnlineAccounts | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 on_problem: Callable[[OnlineAccountError], None] | None = None) -> None:
        self.account_id = account_id
        self.email = email
        self.goa = goa or GnomeOnlineAccounts()
        self._clock = clock
        self._on_problem = on_problem
        self._token: str | None = None
        self._valid_until = 0.0
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"GoaCredentials(account={self.email!r})"

    def password(self, username: str, host: str) -> str:
        raise AuthenticationError(f"{username} signs in through GNOME Online Accounts on {host}, not with a password",
                                  username, host)

    def access_token(self, username: str, *, force_refresh: bool = False) -> str:
        with self._lock:
            cached = self._token if not force_refresh and self._clock() < self._valid_until else None
            if cached is None:
                self._token = None
        try:
            if cached is not None:
                try:
                    self.goa.mail_account(self.account_id)  # still there, mail still on (GOA logs no such look-up)
                except OnlineAccountError as exc:
                    if exc.reason != "unavailable":
                        raise
                return cached  # GOA quit: the token it gave still works until it expires
            token, expires_in = self.goa.access_token(self.account_id, ensure=force_refresh)
        except OnlineAccountError as exc:
            with self._lock:
                self._token = None
            if exc.username is None:
                exc.username = self.email
            if self._on_problem is not None:
                self._on_problem(exc)
            raise
        with self._lock:
            self._token = token
            # 0: GOA does not know; ask again next time rather than guess.
            self._valid_until = self._clock() + expires_in - self.MARGIN if expires_in > 0 else 0.0
        return token


class GoaWatcher:
    """Calls ``on_change()`` (from its own thread) when GOA's accounts change (``InterfacesAdded``/``Removed`` on its
    object manager: an account added or removed, mail turned on or off) or GOA starts or quits (the bus name's
    ``NameOwnerChanged``). :meth:`start` returns False when there is no session bus to watch."""

    def __init__(self, on_change: Callable[[], None], bus: str = "SESSION") -> None:
        self._on_change = on_change
        self.bus = bus
        self._connection: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        try:
            from jeepney.bus_messages import MatchRule, message_bus
            from jeepney.io.blocking import open_dbus_connection
        except ImportError:
            return False
        try:
            connection = open_dbus_connection(bus=self.bus)
            accounts = MatchRule(type="signal", interface="org.freedesktop.DBus.ObjectManager", path=GOA_ROOT)
            owner = MatchRule(type="signal", sender="org.freedesktop.DBus", interface="org.freedesktop.DBus",
                              member="NameOwnerChanged", path="/org/freedesktop/DBus")
            owner.add_arg_condition(0, GOA_BUS_NAME)
            for rule in (accounts, owner):
                connection.send_and_get_reply(message_bus.AddMatch(rule), timeout=10)
        except (OSError, KeyError, ValueError, TimeoutError):
            return False
        self._connection = connection
        self._thread = threading.Thread(target=self._watch, args=(connection,), name="GoaWatcher", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.sock.shutdown(socket.SHUT_RDWR)  # ends the watching thread's receive()
        except OSError:
            pass
        if self._thread is not None:
            self._thread.join(5)
        connection.close()

    def _watch(self, connection: Any) -> None:
        from jeepney import MessageType

        while True:
            try:
                message = connection.receive()
            except (OSError, ValueError, EOFError):
                return
            if message.header.message_type == MessageType.signal:
                self._on_change()
