"""Facteur's local mail store: one SQLite database per account, written by the sync engine, read by the GUI.

Contracts, in short (details in each module):

* Threading: ``MailStore`` is the single writer (the account's sync worker). Other threads read through their
  own ``store.open_reader()`` handle, opened in that thread; WAL mode means readers never wait for the writer.
* Every write call is one transaction; ``with store.batch():`` groups several. Subscribers get small frozen
  events (``MessagesAdded(folder, uids)``...) in the writer's thread, after the commit, once per write/batch.
* Flags are given and returned as IMAP strings (``"\\Seen"``, keywords as-is; bytes accepted on input).
* UIDs are only meaningful with the folder's UIDVALIDITY: when it changes, call ``reset_folder``.
* Search syntax: see ``connectors.store.search``; ``parse_query`` raises ``SearchQueryError`` (a ValueError).
"""

from .addresses import KnownAddress
from .connection import default_store_path
from .errors import (
    FolderNotFoundError,
    MessageNotFoundError,
    SchemaVersionError,
    SearchQueryError,
    StoreCorruptError,
    StoreError,
)
from .events import (
    FolderReset,
    FoldersChanged,
    MessagesAdded,
    MessagesChanged,
    MessagesRemoved,
    StoreEvent,
)
from .folders import FolderListing
from .mailstore import MailStore
from .messages import CompressedBody, compress_body
from .models import Folder, MessageSummary, SortKey, SpecialUse, ThreadSummary
from .queries import StoreReader
from .queue import Command
from .reader_pool import ReaderPool
from .recovery import OpenedStore, needs_upgrade, open_store
from .search import ParsedQuery, parse_query
from .views import VIEWS, View, ViewCounts

__all__ = [
    "Command",
    "CompressedBody",
    "Folder",
    "FolderListing",
    "FolderNotFoundError",
    "FolderReset",
    "KnownAddress",
    "FoldersChanged",
    "MailStore",
    "MessageNotFoundError",
    "MessageSummary",
    "MessagesAdded",
    "MessagesChanged",
    "MessagesRemoved",
    "OpenedStore",
    "ParsedQuery",
    "ReaderPool",
    "SchemaVersionError",
    "SearchQueryError",
    "SortKey",
    "SpecialUse",
    "StoreCorruptError",
    "StoreError",
    "StoreEvent",
    "StoreReader",
    "ThreadSummary",
    "VIEWS",
    "View",
    "ViewCounts",
    "compress_body",
    "default_store_path",
    "needs_upgrade",
    "open_store",
    "parse_query",
]
