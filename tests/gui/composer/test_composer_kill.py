"""kill -9 in the middle of a composer's autosave, then a restart on the same drafts store: the draft comes back
whole — the version being saved or the one before it, never a mix of two (subject, body and attachment all of
one version, the attachment's bytes those its digest names) — and the composer reopens on it.

The writer is a real composer in a child process (``autosave_child``) saving ~20 kB versions back to back; it is
killed right after it reported a chosen save (so inside the next one, wherever that is), or inside the save's own
transaction, paused there by its store. No delays.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.outbox import Draft, DraftStore
from tests.conftest import BOB
from tests.gui.composer.autosave_child import attachment, body
from tests.killable import Children

CHILD = "tests.gui.composer.autosave_child"


@pytest.fixture
def children() -> Iterator[Children]:
    made = Children()
    yield made
    made.close()


def _version(draft: Draft) -> int:
    match = re.fullmatch(r"Version (\d+)", draft.subject)
    assert match is not None, draft.subject
    return int(match.group(1))


def recovered_draft(local: Path) -> Draft:
    """The restart, as far as the drafts store goes: the file is sound and offers exactly one draft of the dead
    process back, all of one version."""
    path = local / "drafts.sqlite3"
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    with DraftStore(path) as drafts:
        (draft,) = drafts.orphans()
        version = _version(draft)
        # (the editor's text ends its last line with a newline)
        assert draft.text.removesuffix("\n") == body(version), "the body is the one of its subject's version, whole"
        assert draft.to == BOB
        wanted = attachment(version)
        if wanted is None:
            assert draft.attachments == ()
        else:
            (item,) = draft.attachments
            data = drafts.blob(item.sha256)
            assert (item.name, item.size, data) == (wanted[0], len(wanted[1]), wanted[1])
            assert hashlib.sha256(data).hexdigest() == item.sha256
    return draft


def _last_saved(lines: list[str]) -> int:
    return max((int(line.split()[1]) for line in lines if line.startswith("saved")), default=0)


def test_kills_mid_autosave_leave_the_last_or_the_previous_version(
        tmp_path: Path, account_store: Any, make_postbox: Any, children: Children) -> None:
    local = tmp_path / "Local Folders"
    job = {"accounts": str(account_store.path), "local": str(local)}
    version = 0
    for extra in (3, 9, 5):  # saves each run makes before the kill; runs go on from the recovered version
        child = children.start(CHILD, job)
        assert child.wait_for("editing") == f"editing {version}"
        target = version + extra
        while _last_saved(child.lines) < target:
            child.wait_for("saved")
        child.kill()  # right after save `target`: in the middle of the next one, or between the two
        reported = _last_saved(child.lines)
        version = _version(recovered_draft(local))
        assert version in (reported, reported + 1), f"saved up to {reported}, found {version}"

    postbox = make_postbox(account_store)
    (composer,) = postbox.recover_drafts(ask=False)
    assert composer.header.subject_field.text() == f"Version {version}"
    assert composer.editor.text_edit.toPlainText() == body(version)
    assert [(a.filename, a.data) for a in composer.attachment_list.attachments()] == \
        ([] if attachment(version) is None else [attachment(version)])


@pytest.mark.parametrize(("statement", "occurrence", "kept"), [
    # The 9th draft write is version 9's: its transaction has begun, nothing of it is committed.
    ("INSERT INTO drafts", 9, 8),
    # Version 10 brings a new attachment: its bytes are being stored (a transaction before the draft's own).
    ("INSERT OR IGNORE INTO blobs", 2, 9),
])
def test_a_kill_inside_the_saves_transaction_keeps_the_previous_version(
        tmp_path: Path, account_store: Any, children: Children, statement: str, occurrence: int,
        kept: int) -> None:
    local = tmp_path / "Local Folders"
    child = children.start(CHILD, {"accounts": str(account_store.path), "local": str(local),
                                   "pause_on": statement, "occurrence": occurrence})
    child.wait_for("paused")
    child.kill()
    assert _last_saved(child.lines) == kept
    assert _version(recovered_draft(local)) == kept
