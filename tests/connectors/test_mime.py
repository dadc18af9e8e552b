"""Reading hostile and broken mail: pure tables, no network."""

from __future__ import annotations

import pytest

from connectors.messaging.html_text import html_to_text
from connectors.messaging.mime import parse_message, safe_filename


@pytest.mark.parametrize(
    ("raw_name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\system32\\evil.dll", "evil.dll"),
        ("..", "attachment.bin"),
        ("", "attachment.bin"),
        (None, "attachment.bin"),
        ("   ", "attachment.bin"),
        ("a\x00b\x1fc.txt", "abc.txt"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),  # a bidi override would make it read "invoiceexe.jpg"
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ('what?<x>:"y"|*.txt', "what__x___y___.txt"),
        (".hidden", "hidden"),
        ("Résumé été.pdf", "Résumé été.pdf"),
    ],
)
def test_safe_filename(raw_name: str | None, expected: str) -> None:
    assert safe_filename(raw_name) == expected


def test_safe_filename_keeps_extension_when_truncating() -> None:
    name = safe_filename("é" * 300 + ".pdf")
    assert name.endswith(".pdf")
    assert len(name.encode()) <= 200


def test_safe_filename_fallback_uses_content_type() -> None:
    assert safe_filename("", "image/png") == "attachment.png"


def _parse(raw: str | bytes):  # type: ignore[no-untyped-def]
    return parse_message(raw.encode() if isinstance(raw, str) else raw)


def test_plain_message() -> None:
    msg = _parse(
        "From: =?utf-8?q?Andr=C3=A9?= <andre@example.test>\r\nTo: bob@example.test\r\n"
        "Subject: =?utf-8?b?w4l0w6k=?=\r\nDate: Tue, 24 Nov 2026 10:00:00 +0100\r\nMessage-ID: <1@x>\r\n\r\nHello\r\n"
    )
    assert msg.from_ == "André <andre@example.test>"
    assert msg.subject == "Été"
    assert msg.body.strip() == "Hello"
    assert msg.datetime is not None and msg.datetime.utcoffset() is not None
    assert msg.message_id == "<1@x>"
    assert not msg.has_attachments


def test_unknown_charset_is_decoded_best_effort() -> None:
    msg = _parse(
        b"Subject: test\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\ncaf\xc3\xa9\r\n"
    )
    assert "café" in msg.body


def test_broken_base64_does_not_crash() -> None:
    msg = _parse(
        "Subject: b64\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        "SGVsbG8gd29ybGQ!!!*&^\r\n"
    )
    assert "Hello" in msg.body


def test_missing_boundary_yields_text() -> None:
    msg = _parse('Subject: x\r\nContent-Type: multipart/mixed\r\n\r\nsome text without any boundary\r\n')
    assert "some text" in msg.body


def test_undeclared_boundary_never_closed() -> None:
    msg = _parse(
        'Subject: x\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\n'
        "part one\r\n--b1\r\nContent-Type: application/pdf; name=a.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        "JVBERi0=\r\n"
    )
    assert "part one" in msg.body
    assert [a.filename for a in msg.attachments] == ["a.pdf"]
    assert msg.attachments[0].data == b"%PDF-"


def test_malformed_headers_do_not_crash() -> None:
    msg = _parse(
        "From: \"unterminated <a@b\r\nTo: ,,,@@@\r\nSubject: =?unknown-charset?q?abc?=\r\n"
        "Date: not a date\r\n\r\nbody\r\n"
    )
    assert msg.datetime is None
    assert "abc" in msg.subject
    assert msg.body.strip() == "body"


def test_html_only_message_gets_text_body() -> None:
    msg = _parse(
        "Subject: news\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head>"
        "<body><h1>Title</h1><p>Hello &amp; welcome</p><img src='http://x/y.png' alt='logo'></body></html>"
    )
    assert msg.html_body is not None and "<h1>" in msg.html_body
    assert "Title" in msg.body and "Hello & welcome" in msg.body
    assert "alert" not in msg.body and "color" not in msg.body


def test_attachments_with_hostile_and_duplicate_names() -> None:
    raw = (
        'Subject: x\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n'
        '--B\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="../../.bashrc"\r\n\r\nevil\r\n'
        "--B\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; "
        "filename*=utf-8''r%C3%A9sum%C3%A9.txt\r\n\r\none\r\n"
        "--B\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; "
        "filename*=utf-8''r%C3%A9sum%C3%A9.txt\r\n\r\ntwo\r\n"
        "--B\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment\r\n\r\nnoname\r\n--B--\r\n"
    )
    msg = _parse(raw)
    names = [a.filename for a in msg.attachments]
    assert names == ["bashrc", "résumé.txt", "résumé (2).txt", "attachment.bin"]
    assert msg.has_attachments
    assert msg.body.strip() == "hi"


def test_inline_cid_image_is_not_counted_as_attachment() -> None:
    raw = (
        'Subject: x\r\nContent-Type: multipart/related; boundary="R"\r\n\r\n--R\r\nContent-Type: text/html\r\n\r\n'
        '<img src="cid:logo@x">\r\n--R\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\n'
        "Content-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--R--\r\n"
    )
    msg = _parse(raw)
    assert not msg.has_attachments
    assert msg.attachments[0].content_id == "logo@x"
    assert msg.attachments[0].inline


def test_garbage_bytes_never_crash() -> None:
    empty = parse_message(b"")
    assert (empty.subject, empty.from_, empty.body, empty.attachments) == ("", "", "", [])
    binary = parse_message(b"\x00\xff\xfe" * 100)
    assert len(binary.body) == 300 and binary.attachments == []  # shown as text, byte for byte, not dropped
    broken = parse_message(b"Content-Type: multipart/alternative; boundary=\r\n\r\n--\r\n--")
    assert "NoBoundaryInMultipartDefect" in broken.defects  # said, not hidden
    assert broken.body.split() == ["--", "--"] and broken.attachments == []


def test_html_to_text_handles_broken_html() -> None:
    assert "a" in html_to_text("<div><p>a<b>unclosed")
    assert "  keep\n  spaces" in html_to_text("<p>x</p><pre>  keep\n  spaces</pre>")
