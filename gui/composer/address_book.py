"""Addresses to complete from: everyone the person has written to or heard from, as the accounts' stores know them.

Each store keeps an index of the people its messages name, filled as mail is synced and when mail is sent
(``StoreReader.known_addresses``: an indexed prefix query, a few milliseconds however big the mailbox), so what
arrives is offered at once, from the first session, without reading any summary. The answers of every account are
merged: the same person known to two accounts counts once, at their best rank.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from email.utils import getaddresses
from pathlib import Path

from connectors.store import KnownAddress, StoreError, StoreReader

from .outgoing import format_address

log = logging.getLogger(__name__)

Readers = Callable[[], Iterable[StoreReader]]


class StoreReaders:
    """Read handles on the stores at ``paths()``, opened in the calling (GUI) thread on first use and closed when
    a store leaves the list (its account was removed)."""

    def __init__(self, paths: Callable[[], Iterable[Path]]) -> None:
        self._paths = paths
        self._open: dict[Path, StoreReader] = {}

    def __call__(self) -> list[StoreReader]:
        wanted = [Path(path) for path in self._paths()]
        for path in set(self._open) - set(wanted):
            self._open.pop(path).close()
        readers = []
        for path in wanted:
            reader = self._open.get(path)
            if reader is None:
                if not path.exists():
                    continue  # the account's first sync has not created it yet
                try:
                    reader = self._open[path] = StoreReader(path)
                except StoreError as exc:
                    log.info("Address completion skips %s: %s", path, exc)
                    continue
            readers.append(reader)
        return readers

    def close(self) -> None:
        for reader in self._open.values():
            reader.close()
        self._open.clear()


class AddressBook:
    """Known people, ranked. ``readers`` gives the stores to ask (the main window hands its accounts' GUI-thread
    readers); ``add`` adds people known otherwise (a demo's address book)."""

    def __init__(self, readers: Readers | None = None, *, own: Callable[[], Iterable[str]] | None = None) -> None:
        self._readers: Readers = readers or (lambda: [])
        self._own = own or (lambda: [])
        self._lock = threading.Lock()
        self._names: dict[str, str] = {}
        self._scores: Counter[str] = Counter()

    def set_readers(self, readers: Readers) -> None:
        self._readers = readers

    def add(self, name: str, address: str, weight: int = 1) -> None:
        address = address.strip()
        if "@" not in address or any(ch.isspace() for ch in address):
            return
        key = address.lower()
        with self._lock:
            if name and not self._names.get(key):
                self._names[key] = name.strip().strip('"')
            self._names.setdefault(key, "")
            self._scores[key] += weight

    def add_header(self, text: str, weight: int = 1) -> None:
        for name, address in getaddresses([text]):
            self.add(name, address, weight)

    def known(self, prefix: str, limit: int = 12) -> list[KnownAddress]:
        """The people ``prefix`` finds in every store, best first (the same address once, at its best)."""
        best: dict[str, KnownAddress] = {}
        for reader in self._readers():
            try:
                found = reader.known_addresses(prefix, limit)
            except StoreError as exc:
                log.info("Address completion skips %s: %s", reader.path, exc)
                continue
            for person in found:
                held = best.get(person.address)
                if held is None or person.score > held.score:
                    best[person.address] = person if person.name or held is None else replace(person, name=held.name)
                elif not held.name and person.name:
                    best[person.address] = replace(held, name=person.name)
        needle = prefix.strip().lower()
        with self._lock:
            for key, score in self._scores.items():
                name = self._names.get(key, "")
                words = [name.lower(), *name.lower().split(), key, key.split("@")[1]]
                if needle and key not in best and any(word.startswith(needle) for word in words):
                    best[key] = KnownAddress(key, name, 0, score, 0, float(score))
        return sorted(best.values(), key=lambda person: (-person.score, person.address))[:limit]

    def matches(self, prefix: str, limit: int = 12, exclude: Iterable[str] = ()) -> list[str]:
        """Formatted addresses whose name (any word), address or domain starts with ``prefix``, best first, leaving
        out ``exclude`` (already typed) and the person's own addresses."""
        if not prefix.strip():
            return []
        skip = {address.lower() for address in (*exclude, *self._own())}
        found = [person for person in self.known(prefix, limit + len(skip)) if person.address not in skip]
        return [format_address(person.name, person.address) for person in found[:limit]]
