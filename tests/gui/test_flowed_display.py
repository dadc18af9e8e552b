"""The reader shows a ``format=flowed`` body as paragraphs the view wraps, quote levels coloured, no soft breaks."""

from __future__ import annotations

from connectors.messaging.message_text import QUOTE_COLOURS, plain_text_html
from connectors.messaging.mime import parse_message

RAW = (
    b"From: zoe@example.test\r\nSubject: Re: jeudi\r\n"
    b'Content-Type: text/plain; charset="windows-1252"; format=flowed; delsp=yes\r\n\r\n'
    b"C\x92est d\xe9pla \r\nc\xe9 \xe0 vendredi.\r\n"
    b"> La r\xe9union tient-elle  \r\n> toujours ?\r\n"
    b">> Oui, jeudi,  \r\n>> 10 \x80 la place.\r\n"
)


def test_flowed_plain_text_shows_paragraphs_with_quote_levels() -> None:
    html = plain_text_html(parse_message(RAW).body)
    lines = html.split("<br>")
    assert lines[0].endswith("C\u2019est déplacé à vendredi.")  # DelSp=yes: the space before a soft break goes
    assert lines[1] == f'<span style="color:{QUOTE_COLOURS[0]}">&gt; La réunion tient-elle toujours ?</span>'
    assert lines[2] == f'<span style="color:{QUOTE_COLOURS[1]}">&gt;&gt; Oui, jeudi, 10 € la place.</span>'
