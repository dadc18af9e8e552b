"""IMAP message sets (RFC 3501 ``sequence-set``) written as ranges, and split so no command line grows too long.

Servers limit the length of a command line: Courier closes the session at a 16 KB argument, Dovecot answers
"Too long argument" a little further, and RFC 7162 (section 4) asks clients to stay under 8,192 octets. Every
command that names messages (FETCH, STORE, COPY, MOVE, UID EXPUNGE, SEARCH UID) goes through ``message_sets``:
consecutive UIDs become ``a:b`` and a set that would still be too long becomes several commands.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

# RFC 7162's advice is 8,192 octets per line; what is left after the set (tag, command, items, a mailbox name)
# fits comfortably in the rest.
MAX_LINE = 8192
SET_BUDGET = 6000


def ranges(ids: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted, de-duplicated ``(first, last)`` runs of consecutive numbers."""
    runs: list[tuple[int, int]] = []
    for n in sorted(set(ids)):
        if n < 1:
            raise ValueError(f"Not a message number: {n}")
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def _run_text(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}:{last}"


def compress(ids: Iterable[int]) -> str:
    """``[1, 2, 3, 5, 7, 8]`` → ``"1:3,5,7:8"`` (empty string for no ids)."""
    return ",".join(_run_text(first, last) for first, last in ranges(ids))


def message_sets(ids: Iterable[int], budget: int = SET_BUDGET) -> Iterator[str]:
    """Compressed sets covering ``ids``, ascending, each at most ``budget`` characters long: one per command."""
    if budget < 24:  # room for one run of two 10-digit numbers at least
        raise ValueError(f"A message set budget of {budget} characters is too small")
    parts: list[str] = []
    length = 0
    for first, last in ranges(ids):
        text = _run_text(first, last)
        if parts and length + 1 + len(text) > budget:
            yield ",".join(parts)
            parts, length = [], 0
        length += len(text) + (1 if parts else 0)
        parts.append(text)
    if parts:
        yield ",".join(parts)


def expand(message_set: str, limit: int) -> list[int]:
    """The numbers a set without ``*`` names, ascending: the inverse of ``compress`` (also reads ESEARCH ALL).

    A set comes from the server, so it is trusted no further than ``limit`` numbers (``1:4294967295`` is ten
    characters): more raises ValueError instead of filling the memory.
    """
    out: list[int] = []
    for part in message_set.split(","):
        if not part:
            continue
        first, colon, last = part.partition(":")
        low, high = int(first), int(last) if colon else int(first)
        if low > high:
            low, high = high, low
        if low < 1:
            raise ValueError(f"Not a message number: {low}")
        if len(out) + high - low + 1 > limit:
            raise ValueError(f"The message set names more than {limit} messages")
        out.extend(range(low, high + 1))
    return sorted(set(out))
