"""Addresses to complete from: everyone the person has written to or heard from, as the local stores know them.

Read through the store's public API only (folders and summary windows, newest first, a bounded number per
folder), so opening a composer never scans a million-message folder. People one *wrote to* (Sent) rank first.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterable
from email.utils import getaddresses
from pathlib import Path

from connectors.store import StoreError, StoreReader

from .outgoing import format_address

log = logging.getLogger(__name__)

_PER_FOLDER = 2000
_SENT_WEIGHT = 5


class AddressBook:
    """Known (name, address) pairs ranked by how often they were seen. Thread-safe; ``load`` may run anywhere."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._names: dict[str, str] = {}
        self._scores: Counter[str] = Counter()

    def add(self, name: str, address: str, weight: int = 1) -> None:
        address = address.strip()
        if "@" not in address or any(ch.isspace() for ch in address):
            return
        key = address.lower()
        with self._lock:
            if name and (key not in self._names or not self._names[key]):
                self._names[key] = name.strip().strip('"')
            elif key not in self._names:
                self._names[key] = ""
            self._scores[key] += weight

    def add_header(self, text: str, weight: int = 1) -> None:
        for name, address in getaddresses([text]):
            self.add(name, address, weight)

    def load_store(self, path: Path, per_folder: int = _PER_FOLDER) -> None:
        """Read one account's store (a missing or unreadable store just adds nothing)."""
        if not path.exists():
            return
        try:
            with StoreReader(path) as reader:
                for folder in reader.folders():
                    if not folder.selectable:
                        continue
                    weight = _SENT_WEIGHT if folder.special_use == "sent" else 1
                    for summary in reader.summaries(folder.name, limit=per_folder):
                        if folder.special_use == "sent":
                            self.add_header(summary.to, weight)
                            self.add_header(summary.cc, weight)
                        else:
                            self.add(summary.from_name, summary.from_addr, weight)
                            self.add_header(summary.cc, 1)
        except StoreError as exc:
            log.info("Address completion skips %s: %s", path, exc)

    def load(self, paths: Iterable[Path]) -> None:
        for path in paths:
            self.load_store(path)

    def __len__(self) -> int:
        with self._lock:
            return len(self._scores)

    def matches(self, prefix: str, limit: int = 12, exclude: Iterable[str] = ()) -> list[str]:
        """Formatted addresses whose name (any word) or address starts with ``prefix``, most used first."""
        needle = prefix.strip().lower()
        if not needle:
            return []
        skip = {e.lower() for e in exclude}
        with self._lock:
            found = []
            for key, score in self._scores.items():
                if key in skip:
                    continue
                name = self._names.get(key, "")
                words = [name.lower(), *name.lower().split(), key, key.split("@")[1]]
                if any(word.startswith(needle) for word in words):
                    found.append((-score, name.lower() or key, key, name))
        found.sort()
        return [format_address(name, key) for _, _, key, name in found[:limit]]
