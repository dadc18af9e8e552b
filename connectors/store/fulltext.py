"""Searches with words, answered in time bounded by how many results are asked for, not by how many messages
hold the words ("meeting" is in 144,000 of the bench's 300,000 messages).

FTS5 lists a word's messages by rowid, newest UID first, as far as asked (``ORDER BY rowid DESC``); it cannot
list them by date, which is how results are shown. Messages are keyed ``folder_id << 32 | uid``, so in one
folder rowid order is UID order, and UIDs grow with arrival, close to the date order. Each folder is therefore
read in UID windows from the newest down, each twice as wide as the last: the window's hits come from one FTS5
statement read newest first (a prefix word costs FTS5 a merge of its terms' lists once per statement, so one
statement serves the whole folder), their rows are checked against the search's other criteria by primary key,
and the walk stops as soon as the ``limit``-th newest match found is newer than every message below the window
(the newest such message is read from the date index). A folder with fewer than FEW_HITS hits has them all read
at once and fetched by id, without windows. A message whose date is out of step with its UID only
widens the walk: the answer is exactly the newest ``limit`` matches by (date, id), as a full scan would give.
Across folders the same bound skips folders whose newest message is older than the matches already found.
Words in most messages, asked for alone, are found the other way round: the folder's date index is walked newest
first and each message tested against the hits read so far (_walk_by_date).
"""

# SQL in this module is assembled only from its own constants and "?" placeholders; every value a caller
# or user supplies is a bound parameter.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

from .rows import SUMMARY_COLUMNS, SUMMARY_FROM
from .schema import folder_id_range
from .search import IN_FOLDER, ParsedQuery, sparse_index

FIRST_WINDOW = 1024  # UIDs in the first window; each next one is twice as wide
FEW_CANDIDATES = 200  # fewer messages than this left by the other criteria are looked up one by one
FEW_HITS = 2000  # fewer hits than this in a folder are all read at once, without windows
ESTIMATE = 1.25  # margin of the last window's width over what the density seen so far says it needs
# A search whose words are in at least WALK_DENSITY of the newest messages, and that asks nothing else, walks the
# folder's date index (_walk_by_date) rather than looking up each hit's date: the hits are read on WALK_STEP UIDs
# at a time; a message more than WALK_REACH UIDs below them is looked up alone, and more than WALK_ALONE such
# messages send the search back to the windows. (At 300k, 5,000 results, CPU: "re*", 67% of the messages,
# 13 -> 10 ms; "meeting", 48%, even; "report", 30%, 17 -> 23 ms: each message walked costs about half a lookup.)
WALK_DENSITY = 0.5
WALK_STEP = 1024
WALK_REACH = 1 << 16
WALK_ALONE = 64
SKIPS_PER_LOOKUP = 25  # date index entries walked past in the time one hit is looked up by id (measured at 300k)
_HIT = "SELECT 1 FROM message_fts WHERE message_fts MATCH ? AND rowid = ?"
_CHUNK = 500
_STREAM_BATCH = 1024

Match = tuple[int, int]  # (date, id)


def _chunks(values: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


class _Hits:
    """The rowids of one folder matching an FTS5 expression, newest first, handed out window by window from a
    single statement."""

    def __init__(self, conn: sqlite3.Connection, expression: str, low: int, high: int) -> None:
        self._cursor = conn.execute(
            "SELECT rowid FROM message_fts WHERE message_fts MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid DESC",
            (expression, low, high))
        self._pending: list[int] = []  # read, below the window asked for last
        self._done = False

    def down_to(self, lower: int) -> list[int]:
        """The hits not handed out yet whose rowid is at least ``lower``."""
        taken: list[int] = []
        while True:
            if not self._pending:
                if self._done:
                    return taken
                rows = self._cursor.fetchmany(_STREAM_BATCH)
                if not rows:
                    self._done = True
                    return taken
                self._pending = [row[0] for row in rows]
            if self._pending[-1] >= lower:
                taken += self._pending
                self._pending = []
                continue
            cut = next(index for index, rowid in enumerate(self._pending) if rowid < lower)
            taken += self._pending[:cut]
            self._pending = self._pending[cut:]
            return taken

    def all_if_fewer(self, count: int) -> list[int] | None:
        """Every hit, if there are fewer than ``count``; else None (what was read stays to be handed out)."""
        while not self._done and len(self._pending) < count:
            rows = self._cursor.fetchmany(_STREAM_BATCH)
            if not rows:
                self._done = True
            self._pending += [row[0] for row in rows]
        return self._pending if self._done and len(self._pending) < count else None

    def fewer_left(self, count: int) -> bool:
        """Whether at most ``count`` hits are left to hand out (reading at most ``count + 1`` of them ahead: they
        stay to be handed out)."""
        while not self._done and len(self._pending) <= count:
            rows = self._cursor.fetchmany(count + 1 - len(self._pending))
            if not rows:
                self._done = True
            self._pending += [row[0] for row in rows]
        return len(self._pending) <= count

    def density(self, upper: int) -> float:
        """The share of UIDs holding a hit among those of the hits read so far (from ``upper`` down)."""
        if not self._pending:
            return 0.0
        return len(self._pending) / (upper - self._pending[-1] + 1)

    def close(self) -> None:
        self._cursor.close()


def _walk_by_date(conn: sqlite3.Connection, expression: str, folder_id: int, upper: int, hits: _Hits, limit: int,
                  older: Match | None) -> list[Match] | None:
    """The newest ``limit`` messages of the folder among ``hits`` (read from ``upper``, the folder's last message,
    down; none handed out yet), newer than ``older`` (if given), newest first: the folder's date index walked
    newest first, each message tested against the hits read so far, which are read on as the walk goes down the
    UIDs. A message far below them (its date out of step with its UID) is tested alone. None if too many are (the
    UIDs say little about the dates): the windows serve better then."""
    walk = conn.execute("SELECT date, id FROM messages INDEXED BY messages_by_date WHERE folder_id = ? "
                        "ORDER BY date DESC, id DESC", (folder_id,))
    known: set[int] = set()  # every hit at or above floor
    floor = upper + 1
    low = folder_id << 32
    found: list[Match] = []
    alone = 0
    budget = WALK_ALONE if "*" not in expression else WALK_ALONE // 16  # (a prefix costs FTS5 a merge per lookup)
    try:
        while rows := walk.fetchmany(_STREAM_BATCH):
            for row in rows:
                if older is not None and row < older:
                    return found
                rowid = row[1]
                if rowid < floor:
                    if floor - rowid > WALK_REACH:
                        alone += 1
                        if alone > budget:
                            return None
                        if conn.execute(_HIT, (expression, rowid)).fetchone() is not None:
                            found.append(row)
                            if len(found) == limit:
                                return found
                        continue
                    floor = max(low, min(rowid, floor - WALK_STEP))
                    known.update(hits.down_to(floor))
                if rowid in known:
                    found.append(row)
                    if len(found) == limit:
                        return found
        return found
    finally:
        walk.close()


def _folders(conn: sqlite3.Connection, parsed: ParsedQuery, folder_id: int | None) -> list[int]:
    if folder_id is not None:
        return [folder_id]
    # Across folders a Gmail label's view is not read: its messages are found on their All Mail rows, once each.
    folder_ids = [row[0] for row in conn.execute(
        "SELECT id FROM folders WHERE total > 0 AND view_of IS NULL ORDER BY id")]
    # in:folder criteria choose the folders to read, rather than filter every folder's messages: in:X reads X
    # (All Mail for a label's view), -in:X skips X unless it is a view.
    for condition in parsed.conditions:
        if IN_FOLDER in condition.sql:
            named = conn.execute(
                "SELECT id, view_of FROM folders WHERE name = ? COLLATE NOCASE OR special_use = ?",
                condition.params[:2]).fetchall()
            if condition.sql == IN_FOLDER:
                chosen = {view_of if view_of is not None else fid for fid, view_of in named}
                folder_ids = [fid for fid in folder_ids if fid in chosen]
            else:
                skipped = {fid for fid, view_of in named if view_of is None}
                folder_ids = [fid for fid in folder_ids if fid not in skipped]
    return folder_ids


def _newest_below(conn: sqlite3.Connection, folder_id: int, below: int) -> Match | None:
    """(date, id) of the newest message of the folder whose id is below ``below`` (from the date index)."""
    row = conn.execute(
        "SELECT date, id FROM messages INDEXED BY messages_by_date WHERE folder_id = ? AND id < ? "
        "ORDER BY date DESC, id DESC LIMIT 1", (folder_id, below)).fetchone()
    return None if row is None else (row[0], row[1])


def _kept(rows: list[tuple[Any, ...]], keys: dict[int, tuple[Any, ...]] | None) -> list[Match]:
    """(date, id) of (date, id, columns...) rows, their columns kept in ``keys``."""
    if keys is None:
        return rows
    keys.update((row[1], row[2:]) for row in rows)
    return [(row[0], row[1]) for row in rows]


def full_text_rows(conn: sqlite3.Connection, parsed: ParsedQuery, folder_id: int | None, limit: int,
                   extra: Sequence[str] = (), extra_params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    """SUMMARY_COLUMNS rows of the newest ``limit`` messages matching ``parsed`` (which has words), newest
    first, in ``folder_id`` or in every folder; ``extra`` SQL conditions on ``m`` (with ``extra_params``) narrow
    them further (a Gmail label's view searched through All Mail)."""
    best = full_text_ids(conn, parsed, folder_id, limit, extra, extra_params)
    by_id: dict[int, tuple[Any, ...]] = {}
    for chunk in _chunks(best):
        by_id.update((row[0], row) for row in conn.execute(
            f"SELECT {SUMMARY_COLUMNS} FROM {SUMMARY_FROM} WHERE m.id IN ({', '.join('?' * len(chunk))})",
            tuple(chunk)))
    return [by_id[rowid] for rowid in best if rowid in by_id]


def full_text_ids(conn: sqlite3.Connection, parsed: ParsedQuery, folder_id: int | None, limit: int,
                  extra: Sequence[str] = (), extra_params: Sequence[object] = (), *,
                  columns: str = "", keys: dict[int, tuple[Any, ...]] | None = None) -> list[int]:
    """The ids of the messages :func:`full_text_rows` answers, in the same order (newest first): no row is
    read beyond its date, and ``columns`` of ``m`` (", m.subject, ..."), put in ``keys`` by id for the messages
    found (a list sorted on them, read in the same row reads)."""
    expression = parsed.match if parsed.match is not None else parsed.exclude
    if expression is None:
        raise ValueError("a search without words has no full-text part")
    wanted = parsed.match is not None  # else a message matches when the words are *not* in it
    conditions = [*(condition.sql for condition in parsed.conditions), *extra]
    if not wanted:  # a row a header sync left to index later has no entries yet, not entries without the words:
        conditions.append("m.id NOT IN (SELECT id FROM index_pending)")  # like any word search, it waits for them
    where = " AND ".join(conditions) or "1"
    params = (*(param for condition in parsed.conditions for param in condition.params), *extra_params)
    best: list[Match] = []  # the newest matches so far, newest first
    # A rare criterion with a partial index may leave fewer messages than the words match. (A prefix word costs
    # FTS5 a whole merge per statement, so it is never looked up message by message.)
    few = sparse_index(parsed.conditions)
    if few is not None and "*" in expression:
        few = None
    for fid in _folders(conn, parsed, folder_id):
        low, high = folder_id_range(fid)
        newest = _newest_below(conn, fid, high + 1)
        if newest is None or (len(best) >= limit and newest < best[limit - 1]):
            continue  # empty, or older than every match already found
        found: list[Match] = []
        if few is not None:
            candidates = conn.execute(
                f"SELECT m.date, m.id{columns} FROM messages AS m INDEXED BY {few} WHERE m.folder_id = ? AND {where} "
                f"ORDER BY m.date DESC, m.id DESC LIMIT {FEW_CANDIDATES}", (fid, *params)).fetchall()
            if len(candidates) < FEW_CANDIDATES:
                # The other criteria leave few messages (is:draft, is:deleted...): look each up in the index.
                found += _kept([row for row in candidates
                                if (conn.execute(_HIT, (expression, row[1])).fetchone() is not None) == wanted][:limit],
                               keys)
                best = sorted([*best, *found], reverse=True)[:limit]
                continue
        upper = conn.execute("SELECT max(id) FROM messages WHERE id BETWEEN ? AND ?", (low, high)).fetchone()[0]
        hits = _Hits(conn, expression, low, upper)
        width = FIRST_WINDOW
        every = hits.all_if_fewer(FEW_HITS) if wanted else None
        if every is not None:  # few hits, all read: one window, the whole folder, their rows fetched by id
            width = upper - low + 1
        elif wanted and where == "1" and keys is None and hits.density(upper) >= WALK_DENSITY:
            # Many messages hold the words, nothing else is asked and no column wanted: the folder's date index,
            # walked newest first, costs less than looking up each hit's date. (A list sorted on a column needs
            # each match's row anyway: the windows read it once.)
            walked = _walk_by_date(conn, expression, fid, upper, hits, limit,
                                   best[limit - 1] if len(best) >= limit else None)
            if walked is not None:
                hits.close()
                best = sorted([*best, *walked], reverse=True)[:limit]
                continue
            hits.close()  # (the walk met too many messages out of step with their UIDs: windows after all)
            hits = _Hits(conn, expression, low, upper)
        top = upper
        try:
            while True:
                lower = max(low, upper - width + 1)
                if wanted:
                    for chunk in _chunks(hits.down_to(lower)):
                        found += _kept(conn.execute(
                            f"SELECT m.date, m.id{columns} FROM messages AS m NOT INDEXED "
                            f"WHERE m.id IN ({', '.join('?' * len(chunk))}) AND {where}", (*chunk, *params)).fetchall(),
                            keys)
                else:
                    excluded = set(hits.down_to(lower))
                    found += _kept([row for row in conn.execute(
                        f"SELECT m.date, m.id{columns} FROM messages AS m NOT INDEXED "
                        f"WHERE m.id BETWEEN ? AND ? AND {where}", (lower, upper, *params)) if row[1] not in excluded],
                        keys)
                if lower == low:
                    break
                if len(found) + len(best) >= limit:
                    # Could a match below the window be newer than the limit-th found? The newest message below
                    # it, from the date index, answers that for every match at once, but that walk passes every
                    # message of the windows read: when the matches are sparse, the few hits left below are
                    # fewer to look up by id (SKIPS_PER_LOOKUP index entries cost about one lookup). They are
                    # counted by reading them ahead, unless the matches seen so far say there are far too many.
                    span = top - lower + 1
                    left = len(found) * (lower - low) / span  # hits expected below, at the density seen
                    if wanted and left <= 2 * (span // SKIPS_PER_LOOKUP) \
                            and hits.fewer_left(span // SKIPS_PER_LOOKUP):  # (all below the window)
                        upper, width = lower - 1, lower - low  # one last window: the rest of the folder
                        continue
                    kept = sorted([*best, *found], reverse=True)[:limit]
                    below = _newest_below(conn, fid, lower)
                    if below is None or (len(kept) >= limit and below < kept[-1]):
                        break
                # The next window is twice as wide, or as wide as the matches still missing need at the density
                # seen so far (with a margin), if that is less: the last window is not read far beyond the limit.
                missing = limit - len(found) - len(best)
                width *= 2
                if ESTIMATE and found and missing > 0:
                    width = min(width, max(FIRST_WINDOW, int(missing * (top - lower + 1) / len(found) * ESTIMATE)))
                upper = lower - 1
        finally:
            hits.close()
        best = sorted([*best, *found], reverse=True)[:limit]
    return [rowid for _date, rowid in best]
