"""MailStore: one account's local mail store."""

from __future__ import annotations

import os
from pathlib import Path

from .connection import default_store_path
from .gmail import GmailViews
from .queries import StoreReader
from .queue import CommandQueue


class MailStore(GmailViews, CommandQueue):
    """One account's local copy of its mail: folders, message summaries, cached bodies, the full-text index,
    the offline command queue and change events, in one SQLite file.

    Threading: the object is the store's single writer, to be used by the account's sync worker thread (it
    may be created elsewhere). Reads on it share the writer's connection; other threads (GUI models, the
    benchmarks) call ``open_reader()`` in their own thread and read through that handle, which never blocks
    the writer and sees each write once it is committed.

    Reads: ``folders``, ``folder``, ``count``, ``uids``, ``max_uid``, ``flags_by_uid``, ``summaries``,
    ``sorted_uids``, ``uid_at``, ``summary``, ``summaries_for``, ``thread``, ``threads``, ``thread_keys``,
    ``threads_for``, ``thread_uids``, ``body``, ``readable_body``, ``compressed_readable_body``, ``has_body``,
    ``has_readable_body``, ``search``, ``search_uids``, ``known_addresses`` (shared with StoreReader).
    Writes (each one transaction, events after commit; group them with ``batch()``): ``upsert_folders``,
    ``update_folder_state``, ``rename_folder``, ``remove_folder``, ``reset_folder``, ``add_messages``,
    ``update_flags``, ``change_flags``, ``update_labels``, ``remove_messages``, ``store_body``, ``drop_body``,
    ``note_written_to``, ``backfill_addresses``, ``build_search_index``; on Gmail ``set_gmail_views``,
    ``change_labels`` (labels' folders as views of All Mail, see ``connectors.store.gmail``).
    Queue: ``enqueue``, ``pending``, ``command``, ``complete``, ``fail``, ``rollback``.
    """

    def __init__(self, path: str | os.PathLike[str], *, check: bool = True) -> None:
        """Open (creating if needed) the store at ``path``; ``check`` reads the whole file first (quick_check) and
        raises StoreCorruptError if it is damaged — see also ``check_integrity`` and ``open_store``."""
        super().__init__(Path(path), check=check)

    @classmethod
    def for_account(cls, account_id: str) -> MailStore:
        """The store at ``default_store_path(account_id)``, created if needed."""
        return cls(default_store_path(account_id))

    def open_reader(self) -> StoreReader:
        """A read-only handle for the calling thread; close it (or use ``with``) when done."""
        return StoreReader(self._path)

    def __enter__(self) -> MailStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
