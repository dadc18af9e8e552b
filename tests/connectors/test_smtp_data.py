"""DATA goes out a slice at a time (so quoting a 25 MB message never holds the interpreter for long): lines that
begin with a dot arrive intact wherever the slices are cut."""

from __future__ import annotations

from typing import Any

import pytest

from connectors import create_connector
from connectors.messaging import smtp as smtp_module
from connectors.messaging.smtp import dot_stuffed
from tests.conftest import ALICE, BOB
from tests.servers.smtp import SMTPServer


def test_slices_begin_lines_and_quote_every_leading_dot() -> None:
    data = b".first\r\nplain\r\n..two\r\n.\r\nend."
    for size in (1, 2, 5, 9, 1000):
        slices = list(dot_stuffed(data, size))
        assert b"".join(slices) == b"..first\r\nplain\r\n...two\r\n..\r\nend."
        assert all(piece.endswith(b"\n") for piece in slices[:-1])
    assert list(dot_stuffed(b"")) == []


@pytest.mark.parametrize("slice_size", [3, 16, 1 << 20])
def test_dotted_lines_arrive_intact_across_slices(slice_size: int, smtp_config: dict[str, Any],
                                                  smtp_server: SMTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(smtp_module, "DATA_SLICE", slice_size)
    body = b"\r\n".join([b".", b"..", b".dot at the start", b"a line", b"x" * 40, b".", b"...three", b"end"])
    raw = (f"From: {ALICE}\r\nTo: {BOB}\r\nSubject: dots\r\nMessage-ID: <dots-{slice_size}@example.test>\r\n\r\n"
           .encode() + body)
    for ending in (b"", b"\r\n"):
        before = len(smtp_server.received)
        smtp = create_connector("smtp", smtp_config)
        with smtp.connection():
            smtp.send_raw(raw + ending, ALICE, [BOB])
        smtp_server.wait_for(before + 1)
        assert smtp_server.received[-1].data.replace(b"\r\n", b"\n") == (raw + b"\r\n").replace(b"\r\n", b"\n")
