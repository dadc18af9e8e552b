"""Opening, pragmas, paths and schema migrations."""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

import platformdirs
import pytest

from connectors.store import MailStore, MessageSummary, SchemaVersionError, StoreError, default_store_path, schema
from connectors.store.connection import safe_account_dirname


def test_new_store_is_wal_with_normal_sync_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "store.sqlite3"
    with MailStore(path) as store:
        conn = store._conn
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION


def test_version_1_database_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, target=1)
    conn.execute("INSERT INTO folders (name, delimiter) VALUES ('INBOX', '/')")
    conn.execute(
        "INSERT INTO messages (id, folder_id, date, flags, subject, from_addr) "
        "VALUES (?, 1, 1700000000, 0, 'Written by version 1', 'old@example.com')",
        (schema.message_rowid(1, 7),),
    )
    conn.execute(
        "INSERT INTO message_fts (rowid, sender, recipients, subject, body) VALUES (?, ?, ' ', ?, '')",
        (schema.message_rowid(1, 7), " old@example.com", "Written by version 1"),
    )
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'commands'").fetchone() is None
    conn.close()

    with MailStore(path) as store:
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        [message] = store.summaries("INBOX")
        assert (message.uid, message.subject, message.unread) == (7, "Written by version 1", True)
        assert store.count("INBOX") == 1 and store.count("INBOX", unread_only=True) == 1
        assert [m.uid for m in store.search("version")] == [7]
        command_id = store.enqueue("flags", "INBOX", [7], {"add": ["\\Seen"]})
        assert [c.id for c in store.pending()] == [command_id]


def test_bodies_cached_before_step_5_count_as_whole_messages(tmp_path: Path) -> None:
    path = tmp_path / "v4.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, target=4)
    conn.execute("INSERT INTO folders (name, delimiter) VALUES ('INBOX', '/')")
    rowid = schema.message_rowid(1, 3)
    conn.execute("INSERT INTO messages (id, folder_id, subject) VALUES (?, 1, 'Cached by version 4')", (rowid,))
    raw = b"Subject: Cached by version 4\r\n\r\nThe whole message.\r\n"
    conn.execute("INSERT INTO bodies (id, raw, text, stored_at) VALUES (?, ?, ?, 0)",
                 (rowid, zlib.compress(raw), zlib.compress(b"")))
    conn.close()
    with MailStore(path) as store:
        assert store.body("INBOX", 3) == raw and store.has_body("INBOX", 3)
        assert store.readable_body("INBOX", 3) == (raw, True)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    with pytest.raises(SchemaVersionError, match="newer"):
        MailStore(path)


def test_a_failing_migration_step_leaves_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.sqlite3"
    MailStore(path).close()
    broken_step = ("CREATE TABLE half_done (a)", "THIS IS NOT SQL")
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken_step))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", len(schema.MIGRATIONS))
    conn = sqlite3.connect(path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        schema.migrate(conn, target=schema.SCHEMA_VERSION)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION - 1
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchone() is None
    conn.close()


def test_reader_handles_cannot_write(store: MailStore) -> None:
    with store.open_reader() as reader:
        assert [folder.name for folder in reader.folders()] == ["INBOX", "Sent"]
        with pytest.raises(sqlite3.OperationalError):
            reader._conn.execute("DELETE FROM folders")


def test_reader_needs_an_existing_store(tmp_path: Path) -> None:
    from connectors.store import StoreReader

    with pytest.raises(StoreError, match="no mail store"):
        StoreReader(tmp_path / "missing.sqlite3")


def test_closed_store_refuses_writes(tmp_path: Path) -> None:
    store = MailStore(tmp_path / "store.sqlite3")
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.upsert_folders([((), "/", "INBOX")])


def test_default_store_path_is_under_the_user_data_dir() -> None:
    path = default_store_path("alice@example.com")
    assert path.parts[-3:] == ("accounts", "alice@example.com", "store.sqlite3")
    assert path.parents[2] == Path(platformdirs.user_data_dir("Facteur", "Facteur"))


@pytest.mark.parametrize("account_id", ["../../etc", "a/b", "a\\b", "CON", "nul.txt", "", ".", "x" * 300, "名前"])
def test_unsafe_account_ids_become_distinct_safe_names(account_id: str) -> None:
    name = safe_account_dirname(account_id)
    assert name and "/" not in name and "\\" not in name and not name.startswith(".")
    assert len(name) < 100
    assert name != safe_account_dirname(account_id + "?")


def test_step_9_widens_the_search_indexes_and_keeps_their_answers(tmp_path: Path) -> None:
    path = tmp_path / "v8.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    schema.migrate(conn, target=8)
    conn.close()
    with MailStore(path) as store:  # filled at step 9, then taken back to step 8's indexes to compare
        store.upsert_folders([((), "/", "INBOX")])
        store.add_messages("INBOX", [
            MessageSummary(uid=uid, subject=f"Message {uid}", date=1_700_000_000 + uid * (-1) ** uid,
                           flags=frozenset({"\\Seen"} if uid % 3 else {"\\Flagged"} if uid % 2 else set()),
                           has_attachments=uid % 5 == 0)
            for uid in range(1, 200)])
        queries = ["is:unread is:flagged", "-is:read", "is:flagged -has:attachment", "has:attachment", "is:read"]
        answers = {query: store.search_uids(query, "INBOX", 50) for query in queries}
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in schema.MIGRATIONS[8]:  # the indexes as step 8 left them
        if statement.startswith("CREATE INDEX"):
            conn.execute(f"DROP INDEX {statement.split()[2]}")
            conn.execute(statement.replace(schema._COVERING, "(folder_id, date)"))
    assert [row[2] for row in conn.execute("PRAGMA index_info(messages_unread)")] == ["folder_id", "date"]
    conn.execute("PRAGMA user_version = 8")
    conn.close()
    with MailStore(path) as store:
        columns = [row[2] for row in store._conn.execute("PRAGMA index_info(messages_unread)")]
        assert columns == ["folder_id", "date", "id", "flags", "has_attachments"]
        assert {query: store.search_uids(query, "INBOX", 50) for query in queries} == answers
        assert all(answers.values())
