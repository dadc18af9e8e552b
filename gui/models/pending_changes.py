"""What the person just did and a worker has not applied yet, shown at once by the list models.

Moving or deleting messages hides their rows; marking them read or starred shows the new flags. Both last until the
worker is done with those messages (``settle``), after which the models show what the store says. Keys are the
models' row keys: a UID in a folder's list and conversations, a token in the unified views.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from connectors.store import MessageSummary


def with_flags(summary: MessageSummary, add: frozenset[str], remove: frozenset[str]) -> MessageSummary:
    return dataclasses.replace(summary, flags=(summary.flags | add) - remove)


class PendingChanges:
    """Rows hidden and flags changed on screen ahead of the worker, for one list model."""

    def __init__(self) -> None:
        self.hidden: set[int] = set()
        self._flags: dict[int, tuple[frozenset[str], frozenset[str]]] = {}

    def clear(self) -> None:
        self.hidden.clear()
        self._flags.clear()

    def hide(self, keys: Iterable[int]) -> set[int]:
        """Hide these rows; returns the keys given."""
        hidden = set(keys)
        self.hidden |= hidden
        return hidden

    def overlay_flags(self, keys: Iterable[int], add: Iterable[str] = (), remove: Iterable[str] = ()) -> list[int]:
        """Show these flags added and removed (on top of earlier changes not settled yet); returns the keys."""
        add_set, remove_set = frozenset(add), frozenset(remove)
        changed = []
        for key in keys:
            previous_add, previous_remove = self._flags.get(key, (frozenset(), frozenset()))
            self._flags[key] = ((previous_add - remove_set) | add_set, (previous_remove - add_set) | remove_set)
            changed.append(key)
        return changed

    def shown(self, key: int, summary: MessageSummary) -> MessageSummary:
        """The summary as the person should see it now."""
        overlay = self._flags.get(key)
        return with_flags(summary, *overlay) if overlay else summary

    def settle(self, keys: Iterable[int]) -> tuple[set[int], list[int]]:
        """The worker is done with these: forget what was shown for them. Returns the keys that were hidden and
        those whose flags were overlaid (their rows change back to the store's view)."""
        key_list = list(keys)
        unhidden = self.hidden & set(key_list)
        self.hidden -= unhidden
        had_overlay = [key for key in key_list if self._flags.pop(key, None) is not None]
        return unhidden, had_overlay
