"""What Facteur remembers about its window and reading preferences, through QSettings.

Accounts and secrets live elsewhere (:mod:`gui.accounts`, :mod:`gui.secrets`); this is only the UI's memory:
geometry, splitters, the last folder open, the mark-as-read delay, the threaded view, the reader's font size,
new-mail notifications, how often accounts are checked, and the senders (or whole domains) whose remote content
the person chose to always load. What the composer needs is in :class:`gui.composer.ComposeSettings`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from .accounts import APP_NAME
from .private_paths import private_settings

DEFAULT_MARK_READ_DELAY_MS = 0
DEFAULT_CHECK_MINUTES = 10


class UiSettings:
    """Typed access to the UI settings. ``path`` gives tests (and the demo) a file of their own."""

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None:
            self._settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, APP_NAME, "ui")
        else:
            self._settings = QSettings(str(path), QSettings.Format.IniFormat)
        private_settings(self._settings)

    def sync(self) -> None:
        self._settings.sync()

    # Window layout: opaque blobs from saveGeometry()/saveState(), restored as they were saved.

    def layout(self, key: str) -> QByteArray | None:
        value = self._settings.value(f"layout/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_layout(self, key: str, value: QByteArray) -> None:
        self._settings.setValue(f"layout/{key}", value)

    # The folder shown at startup.

    def last_folder(self) -> tuple[str, str] | None:
        account = self._settings.value("session/account")
        folder = self._settings.value("session/folder")
        if isinstance(account, str) and isinstance(folder, str) and account and folder:
            return account, folder
        return None

    def set_last_folder(self, account_id: str, folder: str) -> None:
        self._settings.setValue("session/account", account_id)
        self._settings.setValue("session/folder", folder)

    # Reading.

    @property
    def mark_read_automatically(self) -> bool:
        return self._bool("reading/mark_read", True)

    @mark_read_automatically.setter
    def mark_read_automatically(self, value: bool) -> None:
        self._settings.setValue("reading/mark_read", bool(value))

    @property
    def mark_read_delay_ms(self) -> int:
        """How long a message must stay open before it is marked read (0: at once)."""
        return max(0, self._int("reading/mark_read_delay_ms", DEFAULT_MARK_READ_DELAY_MS))

    @mark_read_delay_ms.setter
    def mark_read_delay_ms(self, value: int) -> None:
        self._settings.setValue("reading/mark_read_delay_ms", max(0, int(value)))

    @property
    def threaded(self) -> bool:
        return self._bool("list/threaded", False)

    @threaded.setter
    def threaded(self, value: bool) -> None:
        self._settings.setValue("list/threaded", bool(value))

    @property
    def reader_font_size(self) -> int:
        """The reader's text size in points; 0 for the desktop's own."""
        return min(40, max(0, self._int("reading/font_size", 0)))

    @reader_font_size.setter
    def reader_font_size(self, value: int) -> None:
        self._settings.setValue("reading/font_size", min(40, max(0, int(value))))

    # New mail.

    @property
    def notifications(self) -> bool:
        """Whether new mail in an Inbox is announced (a desktop notification, or the window flashing)."""
        return self._bool("notifications/new_mail", True)

    @notifications.setter
    def notifications(self, value: bool) -> None:
        self._settings.setValue("notifications/new_mail", bool(value))

    @property
    def check_minutes(self) -> int:
        """How often every folder of every account is checked for changes: what brings new mail where the server
        has no push (IDLE), and to the folders push does not watch."""
        return min(24 * 60, max(1, self._int("accounts/check_minutes", DEFAULT_CHECK_MINUTES)))

    @check_minutes.setter
    def check_minutes(self, value: int) -> None:
        self._settings.setValue("accounts/check_minutes", min(24 * 60, max(1, int(value))))

    def sort_order(self) -> tuple[str, bool]:
        """The message list's sort key (``"date"``, ``"sender"``, ``"subject"``) and whether it is descending."""
        key = self._settings.value("list/sort", "date")
        descending = self._bool("list/descending", True)
        return (key if key in ("date", "sender", "subject") else "date"), descending

    def set_sort_order(self, key: str, descending: bool) -> None:
        self._settings.setValue("list/sort", key)
        self._settings.setValue("list/descending", bool(descending))

    # Remote content: the senders (``news@shop.example``) and domains (``shop.example``: any address there or in its
    # subdomains) the person trusts to load images and styles from the network.

    def remote_content_senders(self) -> set[str]:
        value = self._settings.value("privacy/remote_content_senders", [])
        if isinstance(value, str):  # QSettings hands a one-element list back as a plain string
            value = [value]
        return {str(item).strip().lower() for item in value or [] if str(item).strip()}

    def allows_remote_content(self, sender: str) -> bool:
        address = sender.strip().lower()
        if not address:
            return False
        trusted = self.remote_content_senders()
        if address in trusted:
            return True
        domain = address.rpartition("@")[2]
        parts = domain.split(".")
        return bool(domain) and any(".".join(parts[i:]) in trusted for i in range(len(parts) - 1))

    def allow_remote_content(self, sender: str, allowed: bool = True) -> None:
        senders = self.remote_content_senders()
        address = remote_content_entry(sender) or sender.strip().lower()
        if not address:
            return
        if allowed:
            senders.add(address)
        else:
            senders.discard(address)
        self._settings.setValue("privacy/remote_content_senders", sorted(senders))

    # Helpers: INI files give every value back as a string.

    def _bool(self, key: str, default: bool) -> bool:
        value = self._settings.value(key, default)
        if isinstance(value, str):
            return value.lower() in ("true", "1", "yes")
        return bool(value)

    def _int(self, key: str, default: int) -> int:
        try:
            return int(self._settings.value(key, default))
        except (TypeError, ValueError):
            return default


def remote_content_entry(text: str) -> str | None:
    """``text`` as a remote-content exception (an address, or a domain, "@domain" too) in lower case; None when it
    is neither."""
    entry = text.strip().lower().removeprefix("@")
    local, at, domain = entry.rpartition("@")
    if at and not local:
        return None
    labels = domain.split(".")
    if len(labels) < 2 or not all(labels) or any(ch.isspace() or ch in "<>,;\"/\\" for ch in entry):
        return None
    return entry
