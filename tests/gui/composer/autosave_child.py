"""A Facteur writing a message, to be killed mid-autosave: ``python -m tests.gui.composer.autosave_child '<job>'``.

A real composer (offscreen) on the drafts store in ``job["local"]`` is edited and autosaved as fast as it can be
(each save once the previous one is on disk): version N has the subject ``Version N``, a body of ~20 kB that says
N on every line and, from version 5 on, one attachment whose bytes depend on N // 5 (replaced every fifth
version). Each save prints ``saved N`` once it is on disk. When the drafts store holds a draft that a killed run
was editing, it is recovered first and the editing goes on from its version: so runs can be killed and restarted
on the same files again and again.

With ``pause_on``, the drafts store's connection prints ``paused`` and waits on stdin for ever when it is about to
run that statement for the ``occurrence``-th time (inside the save's transaction, in the thread that writes
drafts): the test kills it there.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from connectors.messaging.compose import Attachment  # noqa: E402
from connectors.outbox import DraftStore, Outbox  # noqa: E402
from gui.accounts import AccountStore  # noqa: E402
from gui.composer import ComposeSettings, Postbox  # noqa: E402


def body(version: int) -> str:
    return f"Version {version}\n" + "\n".join(f"line {line} of version {version}" for line in range(800))


def attachment(version: int) -> tuple[str, bytes] | None:
    """The attachment version ``version`` carries (None before version 5)."""
    if version < 5:
        return None
    series = version // 5
    return f"part {series}.bin", hashlib.sha256(str(series).encode()).digest() * 2048


def _say(*words: object) -> None:
    print(*words, flush=True)


def main() -> None:
    job: dict[str, Any] = json.loads(sys.argv[1])
    app = QApplication([])
    local = Path(job["local"])
    drafts = DraftStore(local / "drafts.sqlite3")
    postbox = Postbox(AccountStore(Path(job["accounts"])), outbox=Outbox(local / "outbox.sqlite3"), drafts=drafts,
                      settings=ComposeSettings(autosave_seconds=3600, server_draft_seconds=3600))
    recovered = postbox.recover_drafts(ask=False)
    if recovered:
        (composer,) = recovered
        match = re.fullmatch(r"Version (\d+)", composer.header.subject_field.text())
        assert match is not None, composer.header.subject_field.text()
        version = int(match.group(1))
    else:
        composer = postbox.open_composer(to=["bob@example.test"], subject="Version 0")
        version = 0
    _say("editing", version)
    if job.get("pause_on"):
        seen = [0]

        def trace(statement: str) -> None:
            if statement.lstrip().upper().startswith(job["pause_on"].upper()):
                seen[0] += 1
                if seen[0] == int(job["occurrence"]):
                    _say("paused")
                    sys.stdin.read()  # until killed: the test never writes

        drafts._conn.set_trace_callback(trace)

    def next_version() -> None:
        nonlocal version
        version += 1
        composer.header.subject_field.setText(f"Version {version}")
        composer.editor.text_edit.setPlainText(body(version))
        wanted, current = attachment(version), attachment(version - 1)
        if wanted != current:
            composer.attachment_list.remove_rows(range(len(composer.attachment_list.attachments())))
            if wanted is not None:
                composer.attachment_list.add([Attachment(wanted[0], wanted[1], "application/octet-stream")])
        # The write runs off the GUI thread; ``then`` comes once it is on disk, and only then is the next one made.
        composer.autosave(then=lambda _saved, done=version: (_say("saved", done), QTimer.singleShot(0, next_version)))

    QTimer.singleShot(0, next_version)
    app.exec()


if __name__ == "__main__":
    main()
