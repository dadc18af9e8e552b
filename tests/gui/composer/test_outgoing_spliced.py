"""Large attachments are base64-encoded a slice at a time (so building a 25 MB message never holds the interpreter
for seconds): the bytes are exactly those the email package would have written."""

from __future__ import annotations

import os
import re

import pytest

from connectors.messaging.compose import Attachment
from connectors.messaging.mime import parse_message
from gui.composer import outgoing
from gui.composer.outgoing import Composition, build_draft, build_outgoing


def _same_but_ids(spliced: bytes, plain: bytes) -> None:
    """Equal apart from what is random in every build: the Message-ID, the Date and the MIME boundaries."""
    def normal(raw: bytes) -> bytes:
        raw = re.sub(rb"Message-ID: <[^>]+>", b"Message-ID: <id>", raw)
        raw = re.sub(rb"Date: [^\r]+", b"Date: now", raw)
        return re.sub(rb"=+_?\d+==+", b"BOUNDARY", raw)
    assert normal(spliced) == normal(plain)


@pytest.mark.parametrize("size", [outgoing.SPLICED_ABOVE + 1, 57 * 1024 * 3, 1_000_003])
def test_spliced_attachments_are_the_bytes_the_email_package_writes(size: int,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    big = os.urandom(size)
    composition = Composition(
        "Alice Exemple", "alice@example.test", to=["Bob <bob@example.test>"], bcc=["carol@example.test"],
        subject="Figures ü", text="See attached.", html="<p>See <b>attached</b>.</p>", draft_id="d1",
        attachments=[Attachment("figures.bin", big, "application/octet-stream"),
                     Attachment("notes ü.csv", b"a,b\r\n1,2\r\n", "text/csv"),
                     Attachment("second.bin", big[::-1], "image/png")])
    sent = build_outgoing(composition)
    draft = build_draft(composition)
    monkeypatch.setattr(outgoing, "SPLICED_ABOVE", 10**12)  # the email package encodes everything
    _same_but_ids(sent.raw, build_outgoing(composition).raw)
    _same_but_ids(draft, build_draft(composition))
    parsed = parse_message(sent.raw)
    assert [(a.filename, a.data) for a in parsed.attachments] == [
        ("figures.bin", big), ("notes ü.csv", b"a,b\r\n1,2\r\n"), ("second.bin", big[::-1])]
    assert all(len(line) <= 78 for line in sent.raw.split(b"\r\n"))
    assert b"facteur-attachment" not in sent.raw and b"\n" not in sent.raw.replace(b"\r\n", b"")
