"""The message list's columns and what each shows for one message, shared by the flat and threaded models."""

from __future__ import annotations

from collections.abc import Callable
from email.utils import getaddresses
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont, QIcon, QPalette

from connectors.store import MessageSummary

from .formatting import data_size, full_date, list_date, names_another_address, shown_text
from .roles import Roles

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate


class Column(IntEnum):
    FLAG = 0
    ATTACHMENT = 1
    SENDER = 2
    SUBJECT = 3
    DATE = 4
    SIZE = 5


COLUMN_COUNT = len(Column)
SORT_KEYS: dict[Column, str] = {Column.SENDER: "sender", Column.SUBJECT: "subject", Column.DATE: "date"}
"""Columns the store can sort by (each has an index); the others are not sortable."""
COLUMN_OF_SORT_KEY = {key: column for column, key in SORT_KEYS.items()}

IconLookup = Callable[[str], QIcon]


def header_data(column: int, role: int, *, recipients: bool) -> Any:
    """Header titles; icon-only columns have a tooltip and an accessible name instead of text."""
    if column not in range(COLUMN_COUNT):
        return None
    names = {
        Column.FLAG: translate("MessageList", "Starred"),
        Column.ATTACHMENT: translate("MessageList", "Attachments"),
        Column.SENDER: translate("MessageList", "To") if recipients else translate("MessageList", "From"),
        Column.SUBJECT: translate("MessageList", "Subject"),
        Column.DATE: translate("MessageList", "Date"),
        Column.SIZE: translate("MessageList", "Size"),
    }
    name = names[Column(column)]
    if role == Qt.ItemDataRole.DisplayRole:
        return "" if column in (Column.FLAG, Column.ATTACHMENT) else name
    if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
        return name
    if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.DATE, Column.SIZE):
        return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return None


def who(summary: MessageSummary, recipients: bool) -> str:
    """The correspondent a row names: the sender, or the recipients in Sent, Drafts and the Outbox."""
    if recipients:
        # Split as an address list: a quoted name ("Doe, John" <j@x>) holds commas of its own.
        pairs = [pair for pair in getaddresses([summary.to]) if pair != ("", "")] if summary.to else []
        if not pairs:
            return shown_text(summary.to, 80)
        name, address = pairs[0]
        more = len(pairs) - 1
        text = shown_text(name or address, 80)
        return f"{text} +{more}" if more and text else text
    if summary.from_addr and names_another_address(summary.from_name, summary.from_addr):
        # A name dressed as another address: show whose it really is.
        return f"{shown_text(summary.from_name, 40)} <{shown_text(summary.from_addr)}>"
    return shown_text(summary.sender, 80)


def cell_data(summary: MessageSummary, column: int, role: int, *, recipients: bool, icons: IconLookup | None,
              thread_count: int = 1, thread_unread: int | None = None) -> Any:
    """What ``column`` shows for ``summary`` in ``role`` (thread rows pass the conversation's counts)."""
    unread = summary.unread if thread_unread is None else thread_unread > 0
    if role == Qt.ItemDataRole.DisplayRole:
        if column == Column.SENDER:
            return who(summary, recipients)
        if column == Column.SUBJECT:
            subject = shown_text(summary.subject, 300) or translate("MessageList", "(no subject)")
            return f"{subject}  ({thread_count})" if thread_count > 1 else subject
        if column == Column.DATE:
            return list_date(summary.date or summary.internal_date)
        if column == Column.SIZE:
            return data_size(summary.size)
        return None
    if role == Qt.ItemDataRole.DecorationRole and icons is not None:
        if column == Column.FLAG and summary.flagged:
            return icons("star")
        if column == Column.ATTACHMENT and summary.has_attachments:
            return icons("attachment")
        return None
    if role == Qt.ItemDataRole.FontRole:
        if unread or (column == Column.SUBJECT and not summary.subject):
            font = QFont()
            font.setBold(unread)
            font.setItalic(column == Column.SUBJECT and not summary.subject)
            return font
        return None
    if role == Qt.ItemDataRole.ForegroundRole and column == Column.SUBJECT and not summary.subject:
        return QPalette().color(QPalette.ColorGroup.Active, QPalette.ColorRole.PlaceholderText)
    if role == Qt.ItemDataRole.TextAlignmentRole:
        if column in (Column.DATE, Column.SIZE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if column in (Column.FLAG, Column.ATTACHMENT):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None
    if role == Qt.ItemDataRole.ToolTipRole:
        return _tooltip(summary, column, recipients)
    if role == Qt.ItemDataRole.AccessibleTextRole:
        return _accessible(summary, column, recipients, unread)
    return role_data(summary, column, role, thread_count=thread_count, unread=unread)


def role_data(summary: MessageSummary, column: int, role: int, *, thread_count: int = 1,
              unread: bool | None = None) -> Any:
    if role == Roles.UID:
        return summary.uid
    if role == Roles.SUMMARY:
        return summary
    if role == Roles.IS_UNREAD:
        return summary.unread if unread is None else unread
    if role == Roles.IS_FLAGGED:
        return summary.flagged
    if role == Roles.HAS_ATTACHMENTS:
        return summary.has_attachments
    if role == Roles.THREAD_COUNT:
        return thread_count
    if role == Roles.SORT_VALUE:
        return {
            Column.FLAG: summary.flagged,
            Column.ATTACHMENT: summary.has_attachments,
            Column.SENDER: summary.sender,
            Column.SUBJECT: summary.subject,
            Column.DATE: summary.date or summary.internal_date,
            Column.SIZE: summary.size,
        }.get(Column(column)) if column in range(COLUMN_COUNT) else None
    return None


def _tooltip(summary: MessageSummary, column: int, recipients: bool) -> str | None:
    if column == Column.SENDER:
        if recipients:
            return summary.to or None
        if summary.from_name and summary.from_addr:
            return f"{shown_text(summary.from_name, 80)} <{shown_text(summary.from_addr)}>"
        return shown_text(summary.from_addr) or None
    if column == Column.SUBJECT:
        return shown_text(summary.subject) or None
    if column == Column.DATE:
        return full_date(summary.date or summary.internal_date) or None
    if column == Column.FLAG:
        return translate("MessageList", "Starred") if summary.flagged else translate("MessageList", "Click to star")
    if column == Column.ATTACHMENT and summary.has_attachments:
        return translate("MessageList", "Has attachments")
    return None


def _accessible(summary: MessageSummary, column: int, recipients: bool, unread: bool) -> str | None:
    if column == Column.FLAG:
        return translate("MessageList", "Starred") if summary.flagged else translate("MessageList", "Not starred")
    if column == Column.ATTACHMENT:
        if summary.has_attachments:
            return translate("MessageList", "Has attachments")
        return translate("MessageList", "No attachments")
    if column == Column.SUBJECT:
        subject = shown_text(summary.subject) or translate("MessageList", "(no subject)")
        return translate("MessageList", "Unread: %1").replace("%1", subject) if unread else subject
    if column == Column.SENDER:
        return who(summary, recipients)
    if column == Column.DATE:
        return full_date(summary.date or summary.internal_date)
    if column == Column.SIZE:
        return data_size(summary.size)
    return None


def placeholder_data(column: int, role: int) -> Any:
    """A row whose summary is not loaded (or was just removed): empty, never an error."""
    if role == Qt.ItemDataRole.DisplayRole and column == Column.SUBJECT:
        return "…"
    return None
