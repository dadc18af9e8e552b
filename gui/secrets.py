"""Secrets in the OS keyring (service "Facteur"), and the credentials provider the connectors are given.

Passwords and refresh tokens never touch a config file. If the only keyring backend available stores secrets in
plain text (or there is none), :func:`secure_backend_available` says so, and the app asks before going on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import keyring
import keyring.backend
import keyring.errors

from connectors.exceptions import AuthenticationError, ReauthenticationRequired, SecretsUnavailable
from connectors.messaging.oauth_utils import OAuth2Manager

from .accounts import APP_NAME, Account

SERVICE = APP_NAME
_INSECURE_BACKENDS = ("PlaintextKeyring", "EncryptedKeyring", "fail.Keyring", "null.Keyring")

log = logging.getLogger(__name__)


def _writing_backend() -> keyring.backend.KeyringBackend:
    """The backend a secret is written to: keyring's chainer writes to the first of its backends that works."""
    backend = keyring.get_keyring()
    chain = getattr(backend, "backends", None)
    return chain[0] if chain else backend


def backend_name() -> str:
    backend = _writing_backend()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def secure_backend_available() -> bool:
    """True when secrets go to an OS keyring (Secret Service, macOS Keychain, Windows Credential Locker)."""
    name = backend_name()
    return not any(name.endswith(bad) for bad in _INSECURE_BACKENDS) and _writing_backend().priority > 0


def _backend_failures() -> tuple[type[BaseException], ...]:
    """What a keyring call can raise when the store is unreachable: keyring's own errors, and on Linux the Secret
    Service library's and the D-Bus socket's, which keyring lets through (a daemon gone, a connection cut). A
    backend whose D-Bus connection breaks while keyring weighs the backends raises RuntimeError ("Unable to
    initialize SecretService"), e.g. when quitting interrupts a connect that was reading the password."""
    failures: list[type[BaseException]] = [keyring.errors.KeyringError, OSError, RuntimeError]
    try:
        from secretstorage.exceptions import SecretStorageException
    except ImportError:  # not on this platform
        pass
    else:
        failures.append(SecretStorageException)
    return tuple(failures)


_FAILURES = _backend_failures()


def _key(account_id: str, kind: str) -> str:
    return f"{account_id}:{kind}"


def store_secret(account_id: str, kind: str, value: str) -> None:
    try:
        keyring.set_password(SERVICE, _key(account_id, kind), value)
    except _FAILURES as exc:
        raise SecretsUnavailable(f"The keyring refused to store the {kind}: {type(exc).__name__}",
                                 locked=isinstance(exc, keyring.errors.KeyringLocked)) from None


def load_secret(account_id: str, kind: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, _key(account_id, kind))
    except keyring.errors.KeyringLocked:
        raise SecretsUnavailable("The keyring is locked, and its unlock prompt was dismissed or could not be shown: "
                                 "unlock it to let Facteur read the password") from None
    except _FAILURES as exc:
        raise SecretsUnavailable(f"The keyring could not be read: {type(exc).__name__}", locked=False) from None


def unlock_keyring() -> None:
    """Ask the keyring to open: the Secret Service shows its own unlock prompt, and this waits for the person's
    answer (call it off the GUI thread). Raises :class:`SecretsUnavailable` if it is still locked afterwards."""
    load_secret("facteur", "unlock-check")


def keyring_locked() -> bool | None:
    """Whether the keyring is locked, asked without ever prompting: True or False from a Secret Service (its
    collection's ``Locked`` property); None when that cannot be known quietly (another backend, no keyring, a D-Bus
    error). Unlike reading a secret, this never brings up an unlock prompt, so it may be asked repeatedly."""
    backend = _writing_backend()
    if type(backend).__module__ != "keyring.backends.SecretService":
        return None
    try:
        import secretstorage

        connection = secretstorage.dbus_init()
        try:
            path = getattr(backend, "preferred_collection", None)
            collection = (secretstorage.Collection(connection, path) if path
                          else secretstorage.get_default_collection(connection))
            return bool(collection.is_locked())
        finally:
            connection.close()
    except Exception as exc:  # noqa: BLE001 - unknown is an answer: the person's Unlock still works
        log.debug("Could not tell whether the keyring is locked: %s", type(exc).__name__)
        return None


def delete_secrets(account_id: str) -> None:
    """Forget every secret of an account (on removal)."""
    for kind in ("password", "smtp-password", "refresh-token"):
        try:
            keyring.delete_password(SERVICE, _key(account_id, kind))
        except keyring.errors.PasswordDeleteError:
            pass
        except _FAILURES as exc:
            raise SecretsUnavailable(f"The keyring could not delete a secret: {type(exc).__name__}",
                                     locked=isinstance(exc, keyring.errors.KeyringLocked)) from None


class KeyringCredentials:
    """The connectors' credentials provider for one account, backed by the keyring.

    Access tokens are kept in memory only and refreshed silently; a revoked refresh token raises
    :class:`ReauthenticationRequired` once and calls ``on_reauth_needed`` so the app can ask the person to sign in.
    """

    def __init__(self, account: Account, *, on_reauth_needed: Callable[[Account], None] | None = None,
                 manager_factory: Callable[[Account, str], OAuth2Manager] | None = None) -> None:
        self.account = account
        self._on_reauth_needed = on_reauth_needed
        self._manager_factory = manager_factory or _default_manager
        self._manager: OAuth2Manager | None = None
        self._stored_refresh: str | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"KeyringCredentials(account={self.account.email!r})"

    def password(self, username: str, host: str) -> str:
        kind = "smtp-password" if host == self.account.smtp.host and host != self.account.imap.host else "password"
        secret = load_secret(self.account.id, kind) or load_secret(self.account.id, "password")
        if not secret:
            raise AuthenticationError(f"No password is stored for {username}: enter it in the account settings",
                                      username, host)
        return secret

    def access_token(self, username: str, *, force_refresh: bool = False) -> str:
        with self._lock:
            if self._manager is None:
                refresh = load_secret(self.account.id, "refresh-token")
                if not refresh:
                    self._reauth()
                    raise ReauthenticationRequired(f"{username} is not signed in: sign in again in the browser")
                self._manager = self._manager_factory(self.account, refresh)
                self._stored_refresh = refresh
            manager = self._manager
        try:
            token = manager.get_access_token(force_refresh=force_refresh)
        except ReauthenticationRequired:
            with self._lock:
                self._manager = None
            self._reauth()
            raise
        rotated = manager.refresh_token
        if rotated and rotated != self._stored_refresh:
            # Microsoft issues a new refresh token with each refresh: keep the newest, which lives longest.
            try:
                store_secret(self.account.id, "refresh-token", rotated)
                self._stored_refresh = rotated
            except SecretsUnavailable as exc:  # the one stored still works until it expires: say so, go on
                log.warning("The renewed sign-in of %s could not be kept: %s", self.account.email, exc)
        return token

    def _reauth(self) -> None:
        if self._on_reauth_needed is not None:
            self._on_reauth_needed(self.account)


def _default_manager(account: Account, refresh_token: str) -> OAuth2Manager:
    client = account.oauth
    if client is None:
        raise ReauthenticationRequired(f"{account.email} has no OAuth client configured: sign in again")
    from .oauth_client import client_secret_for

    return OAuth2Manager(client.client_id, client_secret_for(client.client_id, client.provider), client.scopes,
                         provider=client.provider, auth_uri=client.auth_uri, token_uri=client.token_uri,
                         revoke_uri=client.revoke_uri, refresh_token=refresh_token)
