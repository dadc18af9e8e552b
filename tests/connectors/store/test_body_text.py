"""The searchable text of a message, read with the compat32 policy for speed, is the text ``EmailMessage.get_body``
chooses with ``policy.default``: compared on generated MIME trees (nested alternatives, related with and without a
start, attachments of every kind, inline text with file names, odd and folded headers, broken multiparts) and on
the benchmarks' realistic mail."""

from __future__ import annotations

import base64
import email
import email.policy
import random
from email.message import EmailMessage

import pytest

from bench.mailgen import messages as realistic_messages
from connectors.store.bodytext import MAX_INDEXED_CHARS, _part_text, best_text_part, body_text, html_to_text


def reference_text(raw: bytes) -> str | None:
    """What the searchable text was when it came from ``policy.default``'s ``get_body`` (None: it raised)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except (LookupError, ValueError):
        part = None
    except (AttributeError, TypeError):
        return None  # the standard library's walk trips on some broken multiparts; the old code indexed nothing
    if part is None:
        return ""
    text = _part_text(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return text[:MAX_INDEXED_CHARS]


_TEXT_TYPES = ["text/plain", "text/html", "text/plain; charset=iso-8859-1", "text/html; charset=\"utf-8\"",
               "text/plain;\r\n charset=utf-8;\r\n format=flowed", "TEXT/PLAIN; CHARSET=UTF-8", "text/enriched",
               "text/plain; format=flowed; delsp=yes", "Text/Html;charset=windows-1252", "text/calendar"]
_DISPOSITIONS = ["", "inline", "attachment", "Attachment; filename=a.txt", "inline; filename=\"notes.txt\"",
                 "attachment;\r\n filename*=utf-8''r%C3%A9sum%C3%A9.txt", "form-data"]
_OTHER_TYPES = ["application/pdf", "image/png", "message/rfc822", "application/octet-stream", "foo", "text",
                "multipart", "application/x-whatever; name=x.bin"]


def _leaf(rng: random.Random, boundary_counter: list[int]) -> str:
    kind = rng.random()
    ctype = rng.choice(_TEXT_TYPES) if kind < 0.75 else rng.choice(_OTHER_TYPES)
    headers = [f"Content-Type: {ctype}"] if rng.random() < 0.95 else []
    disposition = rng.choice(_DISPOSITIONS)
    if disposition:
        headers.append(f"Content-Disposition: {disposition}")
    if rng.random() < 0.2:
        headers.append(f"Content-ID: <part{boundary_counter[0]}@x>")
    encoding = rng.choice(["", "quoted-printable", "base64", "8bit"])
    words = " ".join(rng.choice(["meeting", "café", "<b>bold</b>", "naïve", "plan", "=C3=A9t=C3=A9", "€"])
                     for _ in range(rng.randint(0, 12)))
    if encoding == "base64":
        body = base64.encodebytes(words.encode("utf-8")).decode("ascii")
    else:
        body = words
    if encoding:
        headers.append(f"Content-Transfer-Encoding: {encoding}")
    return "\r\n".join(headers) + "\r\n\r\n" + body + "\r\n"


def _tree(rng: random.Random, depth: int, counter: list[int]) -> str:
    if depth == 0 or rng.random() < 0.35:
        return _leaf(rng, counter)
    counter[0] += 1
    boundary = f"b{counter[0]}"
    subtype = rng.choice(["mixed", "alternative", "related", "related", "signed", "digest", "Alternative"])
    params = f"; boundary={boundary}"
    parts = [_tree(rng, depth - 1, counter) for _ in range(rng.randint(0, 4))]
    if subtype.lower() == "related" and rng.random() < 0.5:
        params += f'; start="<part{rng.randint(0, counter[0] + 2)}@x>"'
    header = f"Content-Type: multipart/{subtype}{params}\r\n"
    if rng.random() < 0.1:
        header = f"Content-Type: multipart/{subtype}\r\n"  # no boundary: the parser keeps it as one string
    if rng.random() < 0.1:
        header += "Content-Disposition: attachment\r\n"
    body = "".join(f"--{boundary}\r\n{part}" for part in parts) + f"--{boundary}--\r\n"
    return header + "\r\n" + body


def generated_messages(count: int, seed: int = 13) -> list[bytes]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        body = _tree(rng, rng.randint(0, 4), [0])
        raw = f"From: a@example.test\r\nSubject: test\r\nMIME-Version: 1.0\r\n{body}"
        out.append(raw.encode("utf-8"))
    return out


def test_generated_mime_trees_give_the_text_get_body_gives() -> None:
    compared = 0
    for raw in generated_messages(1200):
        expected = reference_text(raw)
        if expected is None:
            continue
        assert body_text(raw) == expected, raw.decode("utf-8", "replace")
        compared += 1
    assert compared > 1000


def test_realistic_mail_gives_the_text_get_body_gives() -> None:
    texts = 0
    for raw in realistic_messages(600, seed=3):
        expected = reference_text(raw)
        assert body_text(raw) == expected
        texts += bool(expected)
    assert texts == 600


@pytest.mark.parametrize(("start", "expected"), [("<b@x>", "second"), ("", "first"), ("<nowhere@x>", "first")])
def test_related_with_a_start_parameter_takes_that_part(start: str, expected: str) -> None:
    start_param = f'; start="{start}"' if start else ""
    raw = (f"Content-Type: multipart/related; boundary=r{start_param}\r\n\r\n"
           "--r\r\nContent-Type: text/plain\r\nContent-ID: <a@x>\r\n\r\nfirst\r\n"
           "--r\r\nContent-Type: text/plain\r\nContent-ID: <b@x>\r\n\r\nsecond\r\n--r--\r\n").encode()
    assert body_text(raw) == expected == reference_text(raw)


def test_an_attached_text_file_is_not_the_body() -> None:
    raw = (b"Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/plain\r\n"
           b"Content-Disposition: attachment; filename=log.txt\r\n\r\nlog lines\r\n"
           b"--m\r\nContent-Type: text/html\r\n\r\n<p>the <i>message</i></p>\r\n--m--\r\n")
    parsed = email.message_from_bytes(raw, policy=email.policy.compat32)
    chosen = best_text_part(parsed)
    assert chosen is not None and chosen.get_content_type() == "text/html"
    assert body_text(raw) == "the message"
