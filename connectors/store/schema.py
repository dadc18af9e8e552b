"""The store's tables and how a database is brought up to the current version.

``PRAGMA user_version`` holds the number of migration steps applied. Each step is a tuple of single SQL
statements run, with the version bump, in one IMMEDIATE transaction, so a crash leaves the database at the
previous version and two processes opening the same file do not both migrate. Never edit a released step:
append a new one.

Message rows are keyed by ``id = folder_id << 32 | uid`` (UIDs are 32-bit, RFC 3501): the (folder, UID) lookup
is a primary-key lookup without a second index, rows of a folder sit together in UID order, and the id is a
stable rowid for the full-text index.
"""

# The trigger bodies below are assembled from this module's own constants ("new"/"old"), never outside input.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3

from .errors import SchemaVersionError

# Sort keys of the message list. The index expressions below must be spelled exactly like these for SQLite to
# use the indexes in ORDER BY (checked by tests/connectors/store/test_store_listing.py).
SENDER_SORT = "coalesce(nullif(m.from_name, ''), m.from_addr) COLLATE NOCASE"
SUBJECT_SORT = "substr(m.subject, m.subject_skip + 1) COLLATE NOCASE"

_V1: tuple[str, ...] = (
    """CREATE TABLE folders (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        delimiter TEXT,
        attributes TEXT NOT NULL DEFAULT '',
        special_use TEXT,
        uidvalidity INTEGER,
        uidnext INTEGER,
        highestmodseq INTEGER,
        total INTEGER NOT NULL DEFAULT 0,
        unread INTEGER NOT NULL DEFAULT 0,
        last_sync REAL
    )""",
    """CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        date INTEGER NOT NULL DEFAULT 0,
        internal_date INTEGER NOT NULL DEFAULT 0,
        flags INTEGER NOT NULL DEFAULT 0,
        keywords TEXT NOT NULL DEFAULT '',
        size INTEGER NOT NULL DEFAULT 0,
        has_attachments INTEGER NOT NULL DEFAULT 0,
        thread_key INTEGER NOT NULL DEFAULT 0,
        subject TEXT NOT NULL DEFAULT '',
        subject_skip INTEGER NOT NULL DEFAULT 0,
        from_name TEXT NOT NULL DEFAULT '',
        from_addr TEXT NOT NULL DEFAULT '',
        to_addrs TEXT NOT NULL DEFAULT '',
        cc_addrs TEXT NOT NULL DEFAULT '',
        message_id TEXT NOT NULL DEFAULT '',
        in_reply_to TEXT NOT NULL DEFAULT '',
        refs TEXT NOT NULL DEFAULT '',
        gm_msgid INTEGER,
        gm_thrid INTEGER,
        gm_labels TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX messages_by_date ON messages (folder_id, date)",
    "CREATE INDEX messages_by_sender ON messages "
    "(folder_id, coalesce(nullif(from_name, ''), from_addr) COLLATE NOCASE, date)",
    "CREATE INDEX messages_by_subject ON messages "
    "(folder_id, substr(subject, subject_skip + 1) COLLATE NOCASE, date)",
    "CREATE INDEX messages_by_thread ON messages (thread_key, folder_id, date)",
    # Newest-first walks across folders, for searches that match many messages.
    "CREATE INDEX messages_by_time ON messages (date)",
    # Folder counts are kept by triggers so that every path (bulk insert, cascade, rollback) keeps them right
    # at the cost of one primary-key update per changed row.
    """CREATE TRIGGER messages_count_insert AFTER INSERT ON messages BEGIN
        UPDATE folders SET total = total + 1, unread = unread + ((new.flags & 1) = 0)
        WHERE id = new.folder_id;
    END""",
    """CREATE TRIGGER messages_count_delete AFTER DELETE ON messages BEGIN
        UPDATE folders SET total = total - 1, unread = unread - ((old.flags & 1) = 0)
        WHERE id = old.folder_id;
    END""",
    """CREATE TRIGGER messages_count_seen AFTER UPDATE OF flags ON messages
    WHEN (old.flags & 1) != (new.flags & 1) BEGIN
        UPDATE folders SET unread = unread + ((new.flags & 1) = 0) - ((old.flags & 1) = 0)
        WHERE id = new.folder_id;
    END""",
    # Bodies are cached on first open, zlib-compressed. ``text`` keeps the (compressed) words given to the
    # full-text index: a contentless FTS5 row can only be removed by repeating exactly what was indexed.
    """CREATE TABLE bodies (
        id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
        raw BLOB NOT NULL,
        text BLOB NOT NULL,
        stored_at REAL NOT NULL
    )""",
    # Contentless: the index stores no copy of the text (the messages table has it), and no per-row column
    # sizes (results are ordered by date, never by rank).
    """CREATE VIRTUAL TABLE message_fts USING fts5 (
        sender, recipients, subject, body,
        content = '', columnsize = 0, tokenize = 'unicode61 remove_diacritics 2'
    )""",
)

_V2: tuple[str, ...] = (
    # The offline command queue. ``snapshot`` holds the affected summaries as they were before the caller's
    # optimistic update, so a command the server refuses can be rolled back.
    """CREATE TABLE commands (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        folder TEXT NOT NULL,
        uids TEXT NOT NULL,
        args TEXT NOT NULL,
        snapshot TEXT NOT NULL,
        created_at REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    )""",
)

_V3: tuple[str, ...] = (
    # A queued command's UIDs mean something only under the UIDVALIDITY they were taken from: the replay compares
    # it with the server's and, when it changed, finds the messages again by Message-ID ({"uid": "<id>", ...}).
    # Commands queued before this step take their folder's current UIDVALIDITY and their snapshot's Message-IDs.
    "ALTER TABLE commands ADD COLUMN uidvalidity INTEGER",
    "ALTER TABLE commands ADD COLUMN message_ids TEXT NOT NULL DEFAULT '{}'",
    "UPDATE commands SET uidvalidity = (SELECT uidvalidity FROM folders WHERE folders.name = commands.folder)",
    """UPDATE commands SET message_ids = coalesce((
        SELECT json_group_object(json_extract(item.value, '$.uid'), json_extract(item.value, '$.message_id'))
        FROM json_each(commands.snapshot) AS item
        WHERE coalesce(json_extract(item.value, '$.message_id'), '') != ''
    ), '{}')""",
)

# Where a thread's (folder, key) contribution goes when a message arrives, leaves or changes: in trigger bodies.
# ``row`` is the trigger's "new" or "old", never outside input.
def _thread_add(row: str) -> str:
    return f"""INSERT INTO threads (folder_id, thread_key, latest_date, latest_id, count, unread)
        VALUES ({row}.folder_id, {row}.thread_key, {row}.date, {row}.id, 1, ({row}.flags & 1) = 0)
        ON CONFLICT (folder_id, thread_key) DO UPDATE SET
            count = count + 1,
            unread = unread + excluded.unread,
            latest_date = CASE WHEN (excluded.latest_date, excluded.latest_id) > (latest_date, latest_id)
                          THEN excluded.latest_date ELSE latest_date END,
            latest_id = CASE WHEN (excluded.latest_date, excluded.latest_id) > (latest_date, latest_id)
                        THEN excluded.latest_id ELSE latest_id END;"""


def _thread_remove(row: str) -> str:
    where = f"folder_id = {row}.folder_id AND thread_key = {row}.thread_key"
    return f"""UPDATE threads SET count = count - 1, unread = unread - (({row}.flags & 1) = 0) WHERE {where};
        DELETE FROM threads WHERE {where} AND count <= 0;
        UPDATE threads SET (latest_date, latest_id) = (
            SELECT m.date, m.id FROM messages AS m
            WHERE m.thread_key = {row}.thread_key AND m.folder_id = {row}.folder_id
            ORDER BY m.date DESC, m.id DESC LIMIT 1)
        WHERE {where} AND latest_id = {row}.id AND count > 0;"""


_V4: tuple[str, ...] = (
    # One row per conversation of a folder, kept by triggers on every path that changes messages: the
    # conversation view pages through it by (latest_date, latest_id) from an index, in constant time per page,
    # instead of walking the folder's messages from the newest to an offset.
    """CREATE TABLE threads (
        folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
        thread_key INTEGER NOT NULL,
        latest_date INTEGER NOT NULL,
        latest_id INTEGER NOT NULL,
        count INTEGER NOT NULL,
        unread INTEGER NOT NULL,
        PRIMARY KEY (folder_id, thread_key)
    ) WITHOUT ROWID""",
    """INSERT INTO threads (folder_id, thread_key, latest_date, latest_id, count, unread)
        SELECT folder_id, thread_key, max(date), 0, count(*), sum((flags & 1) = 0)
        FROM messages GROUP BY folder_id, thread_key""",
    """UPDATE threads SET latest_id = (
        SELECT m.id FROM messages AS m WHERE m.thread_key = threads.thread_key AND m.folder_id = threads.folder_id
        ORDER BY m.date DESC, m.id DESC LIMIT 1)""",
    "CREATE INDEX threads_by_latest ON threads (folder_id, latest_date, latest_id)",
    f"""CREATE TRIGGER threads_insert AFTER INSERT ON messages BEGIN
        {_thread_add("new")}
    END""",
    f"""CREATE TRIGGER threads_delete AFTER DELETE ON messages BEGIN
        {_thread_remove("old")}
    END""",
    f"""CREATE TRIGGER threads_move AFTER UPDATE OF date, thread_key ON messages
    WHEN old.date != new.date OR old.thread_key != new.thread_key BEGIN
        {_thread_remove("old")}
        {_thread_add("new")}
    END""",
    """CREATE TRIGGER threads_seen AFTER UPDATE OF flags ON messages
    WHEN (old.flags & 1) != (new.flags & 1) AND old.date = new.date AND old.thread_key = new.thread_key BEGIN
        UPDATE threads SET unread = unread + ((new.flags & 1) = 0) - ((old.flags & 1) = 0)
        WHERE folder_id = new.folder_id AND thread_key = new.thread_key;
    END""",
    # Search operators that usually match few messages get partial indexes, newest first within a folder, so
    # "has:attachment" with no hit reads an empty index instead of every message (see ReadQueries.search).
    "CREATE INDEX messages_with_attachments ON messages (folder_id, date) WHERE has_attachments != 0",
    "CREATE INDEX messages_unread ON messages (folder_id, date) WHERE (flags & 1) = 0",
    "CREATE INDEX messages_answered ON messages (folder_id, date) WHERE (flags & 2) != 0",
    "CREATE INDEX messages_flagged ON messages (folder_id, date) WHERE (flags & 4) != 0",
    "CREATE INDEX messages_deleted ON messages (folder_id, date) WHERE (flags & 8) != 0",
    "CREATE INDEX messages_draft ON messages (folder_id, date) WHERE (flags & 16) != 0",
)

_V5: tuple[str, ...] = (
    # Opening a message downloads only its text parts (BODYSTRUCTURE + partial fetches): that rebuilt message is
    # cached too, marked incomplete, so it opens again offline and its words are searchable; a complete body
    # (an attachment saved, "download for offline use") replaces it, never the other way round.
    "ALTER TABLE bodies ADD COLUMN complete INTEGER NOT NULL DEFAULT 1",
)

_V6: tuple[str, ...] = (
    # The people the person writes to and hears from, for address completion (see connectors.store.addresses).
    # ``address_links`` ties each message to the addresses it counts for (its sender, or the recipients of a
    # message in Sent), so the counts follow every path that adds or removes a message (a move is a removal and
    # an addition, never counted twice): the writer adds to the counts as it links new messages (one update per
    # person per batch), and triggers take a removed message's links and counts away.
    """CREATE TABLE addresses (
        id INTEGER PRIMARY KEY,
        address TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL DEFAULT '',
        sent INTEGER NOT NULL DEFAULT 0,
        received INTEGER NOT NULL DEFAULT 0,
        last_sent INTEGER NOT NULL DEFAULT 0,
        last_received INTEGER NOT NULL DEFAULT 0
    )""",
    # Every word a person is found by (their address, its domain, each word of their name, folded to lower case
    # without accents): a prefix is a range of this index.
    """CREATE TABLE address_words (
        word TEXT NOT NULL,
        address_id INTEGER NOT NULL REFERENCES addresses(id) ON DELETE CASCADE,
        PRIMARY KEY (word, address_id)
    ) WITHOUT ROWID""",
    """CREATE TABLE address_links (
        message INTEGER NOT NULL,
        address_id INTEGER NOT NULL,
        sent INTEGER NOT NULL,
        PRIMARY KEY (message, address_id)
    ) WITHOUT ROWID""",
    """CREATE TRIGGER address_links_delete AFTER DELETE ON address_links BEGIN
        UPDATE addresses SET sent = sent - old.sent, received = received - 1 + old.sent
        WHERE id = old.address_id;
    END""",
    """CREATE TRIGGER messages_address_links AFTER DELETE ON messages BEGIN
        DELETE FROM address_links WHERE message = old.id;
    END""",
    # Stores made before this step index their messages in the background, a slice at a time
    # (MailStore.backfill_addresses), from the smallest message id of each folder.
    """CREATE TABLE address_backfill (
        folder_id INTEGER PRIMARY KEY REFERENCES folders(id) ON DELETE CASCADE,
        next_id INTEGER NOT NULL
    )""",
    "INSERT INTO address_backfill (folder_id, next_id) SELECT id, id << 32 FROM folders",
)

_V7: tuple[str, ...] = (
    # Messages stored by a header sync whose full-text entry and address links are not written yet: a sync
    # stores its batches without them and writes them for tens of thousands of messages at once, in one
    # statement (connectors.store.fts.index_pending), before it ends and before anything else touches the
    # index. Written in the same transaction as the messages, so a crash leaves the list to finish, never an
    # entry lost or doubled.
    "CREATE TABLE index_pending (id INTEGER PRIMARY KEY)",
)

_V8: tuple[str, ...] = (
    # Gmail stores each message once (see connectors.store.gmail): its labels' folders (INBOX, Sent, user labels...)
    # become views of All Mail. ``view_of`` is the folder (All Mail) whose rows a view repeats under the same UIDs,
    # ``gmail_label`` the X-GM-LABELS value that puts a message in it. Bodies live on the All Mail row only. Stores
    # made before this step keep their label folders' rows until the sync engine, right after a complete sync of
    # All Mail, turns them into views (their cached bodies move to All Mail, their offline commands stay queued).
    "ALTER TABLE folders ADD COLUMN view_of INTEGER",
    "ALTER TABLE folders ADD COLUMN gmail_label TEXT",
)

# The columns every search operator without words reads (flags: is:, has_attachments: has:), after the date and
# id that order a folder's list: a search walks these indexes without reading a message row.
_COVERING = "(folder_id, date, id, flags, has_attachments)"

_V9: tuple[str, ...] = (
    # Searches without words walk a folder's date index or the partial index of a rare operator newest first
    # and test the other operators on each entry: with flags and has_attachments in the index, that test reads
    # no message row (at 300k, 'is:unread is:flagged' over INBOX: 92 ms -> 3 ms). Same names and order: every
    # query that named them is served as before.
    "DROP INDEX messages_by_date",
    f"CREATE INDEX messages_by_date ON messages {_COVERING}",
    *(statement for name, where in (
        ("messages_with_attachments", "has_attachments != 0"),
        ("messages_unread", "(flags & 1) = 0"),
        ("messages_answered", "(flags & 2) != 0"),
        ("messages_flagged", "(flags & 4) != 0"),
        ("messages_deleted", "(flags & 8) != 0"),
        ("messages_draft", "(flags & 16) != 0"),
    ) for statement in (f"DROP INDEX {name}", f"CREATE INDEX {name} ON messages {_COVERING} WHERE {where}")),
)

_V10: tuple[str, ...] = (
    # A new row's folder counts and conversation are written per statement by the code that inserts rows
    # (connectors.store.inserts.insert_rows: one UPDATE per folder, one upsert per conversation of the batch)
    # instead of by these two triggers: a trigger runs a sub-program for every row (even one whose WHEN is false),
    # which cost a header sync ~30 µs of its ~90 µs per stored message. The delete and update triggers stay: a row
    # can leave or change through a cascade or a rollback path that no single function sees.
    "DROP TRIGGER IF EXISTS messages_count_insert",
    "DROP TRIGGER IF EXISTS threads_insert",
)

_V11: tuple[str, ...] = (
    # A Gmail message is one message exchanged, however many labels it has: the address index counts it on its
    # All Mail row, by its labels, and no more on each label's view (connectors.store.addresses). The views' links
    # go (the delete trigger takes their counts away) and All Mail is counted again in the background.
    "DELETE FROM address_links WHERE message >> 32 IN (SELECT id FROM folders WHERE view_of IS NOT NULL)",
    "INSERT OR REPLACE INTO address_backfill (folder_id, next_id) "
    "SELECT DISTINCT view_of, view_of << 32 FROM folders WHERE view_of IS NOT NULL",
)

_V12: tuple[str, ...] = (
    # Prefix entries for words of two and three letters: FTS5 otherwise answers a short prefix ("re", "me") by
    # merging the lists of every word it starts (at 300k, the first 2,000 hits of re*: 202 ms -> 5 ms). A
    # contentless index cannot be altered, and rewriting every entry takes ~8 s of CPU at 300k: stores with
    # messages build this one in the background a slice at a time while message_fts keeps serving, and it
    # replaces message_fts when complete (connectors.store.fts.build_slice); a store without messages takes it
    # at once when opened (fts.finish_empty_build).
    """CREATE VIRTUAL TABLE IF NOT EXISTS message_fts_building USING fts5 (
        sender, recipients, subject, body,
        content = '', columnsize = 0, prefix = '2 3', tokenize = 'unicode61 remove_diacritics 2'
    )""",
    # Every message of a folder with an id up to next_id has its entry in message_fts_building.
    """CREATE TABLE IF NOT EXISTS fts_backfill (
        folder_id INTEGER PRIMARY KEY REFERENCES folders(id) ON DELETE CASCADE,
        next_id INTEGER NOT NULL
    )""",
    "INSERT OR REPLACE INTO fts_backfill (folder_id, next_id) SELECT f.id, f.id << 32 FROM folders AS f "
    "WHERE EXISTS (SELECT 1 FROM messages AS m WHERE m.id BETWEEN f.id << 32 AND (f.id << 32) | 4294967295)",
)

_V13: tuple[str, ...] = (
    # Indexes a big first sync leaves out while it stores its rows and builds once they are all in
    # (connectors.store.deferred): their keys (the list's sorts by sender and subject) follow no order the rows
    # arrive in, so every batch of rows touched most of their pages. The definition of each index left out is written
    # here in the transaction that drops it: a Facteur stopped meanwhile builds it when the store is next opened.
    "CREATE TABLE IF NOT EXISTS deferred_indexes (name TEXT PRIMARY KEY, sql TEXT NOT NULL)",
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11, _V12, _V13)
SCHEMA_VERSION = len(MIGRATIONS)

MAX_UID = 2**32 - 1


def message_rowid(folder_id: int, uid: int) -> int:
    if not 0 < uid <= MAX_UID:
        raise ValueError(f"UID {uid} is outside the IMAP range 1..{MAX_UID}")
    return (folder_id << 32) | uid


def uid_of(rowid: int) -> int:
    return rowid & MAX_UID


def folder_id_range(folder_id: int) -> tuple[int, int]:
    """The smallest and largest message id a folder can hold."""
    return folder_id << 32, (folder_id << 32) | MAX_UID


def schema_version(conn: sqlite3.Connection) -> int:
    version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Apply the missing migration steps up to ``target``; returns the version the database started at.

    ``conn`` must be in autocommit mode (``isolation_level=None``) and outside a transaction.
    """
    if not 0 <= target <= SCHEMA_VERSION:
        raise ValueError(f"No schema version {target}; this Facteur knows versions 0..{SCHEMA_VERSION}")
    conn.execute("BEGIN IMMEDIATE")
    try:
        start = schema_version(conn)
        if start > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"This mail store has schema version {start}, newer than the {SCHEMA_VERSION} this Facteur "
                "understands; update Facteur or remove the account's local store to resynchronise it"
            )
        for version in range(start, target):
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
        if target > start:
            conn.execute(f"PRAGMA user_version = {int(target)}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return start
