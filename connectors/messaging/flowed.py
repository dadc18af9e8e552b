"""``format=flowed`` plain text (RFC 3676): reading it back into paragraphs, and writing it.

A flowed line that ends in a space continues on the next line ("soft" break); other line ends are hard. Quote
depth is the count of leading ``>``; a line that starts with a space, ``>`` (unquoted) or ``From `` is
"space-stuffed" with one extra space, which the reader removes. With ``DelSp=yes`` the space before a soft break
is not part of the text (used for languages written without spaces).
"""

from __future__ import annotations

__all__ = ["flow", "unflow", "SIGNATURE_SEPARATOR"]

SIGNATURE_SEPARATOR = "-- "
# RFC 3676 4.2: lines SHOULD be no more than 78 characters; 72 leaves room for a few levels of quoting in replies.
DEFAULT_WIDTH = 72


def _split_quote(line: str) -> tuple[int, str]:
    """Quote depth and content of a received flowed line, the stuffing space removed (RFC 3676 4.4, 4.5)."""
    content = line.lstrip(">")
    depth = len(line) - len(content)
    if content.startswith(" "):
        content = content[1:]
    return depth, content


def _quoted(depth: int, content: str) -> str:
    if not depth:
        return content
    return ">" * depth + (" " + content if content else "")


def unflow(text: str, delsp: bool = False) -> str:
    """Flowed text as logical lines: soft breaks joined, stuffing removed, each quoted paragraph on one line that
    starts with its depth in ``>`` and a space (``">> text"``)."""
    out: list[str] = []
    paragraph: list[str] = []
    paragraph_depth = 0

    def finish() -> None:
        out.append(_quoted(paragraph_depth, "".join(paragraph)))
        paragraph.clear()

    for line in text.replace("\r\n", "\n").split("\n"):
        depth, content = _split_quote(line)
        if paragraph and depth != paragraph_depth:
            finish()  # a soft break followed by another quote depth: RFC 3676 4.5 treats it as hard
        soft = content.endswith(" ") and content != SIGNATURE_SEPARATOR
        if soft and delsp:
            content = content[:-1]
        paragraph.append(content)
        paragraph_depth = depth
        if not soft:
            finish()
    if paragraph:
        finish()
    return "\n".join(out)


def _read_quote(line: str) -> tuple[int, str]:
    """Quote depth and content of a line the person wrote: "> > text", ">> text" and ">text" are all quotes."""
    depth, index = 0, 0
    while index < len(line) and line[index] == ">":
        depth += 1
        index += 1
        if line.startswith(" >", index):
            index += 1
    if depth and line.startswith(" ", index):
        index += 1
    return depth, line[index:]


def _wrap(content: str, room: int) -> list[str]:
    """``content`` cut after spaces into pieces of at most ``room`` characters where possible; every piece but the
    last keeps the space it was cut after, which marks the soft break. A word longer than ``room`` stays whole."""
    pieces: list[str] = []
    while len(content) > room:
        cut = content.rfind(" ", 0, room)
        if cut <= 0:
            cut = content.find(" ", room)
            if cut < 0:
                break
        pieces.append(content[:cut + 1])
        content = content[cut + 1:]
    pieces.append(content)
    return pieces


def _stuffed(line: str) -> str:
    return " " + line if line.startswith((" ", ">", "From ")) else line


def flow(text: str, width: int = DEFAULT_WIDTH) -> str:
    """Plain text as ``format=flowed`` (without DelSp): long lines wrapped at spaces with soft breaks, trailing
    spaces removed from hard breaks, quoted lines re-quoted as ``">> "`` on every piece, lines space-stuffed.
    ``unflow(flow(text))`` gives ``text`` back (minus trailing spaces, with quote marks normalised)."""
    out: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line == SIGNATURE_SEPARATOR:
            out.append(line)
            continue
        depth, content = _read_quote(line.rstrip(" "))
        prefix = ">" * depth + " " if depth else ""
        for piece in _wrap(content, max(width - len(prefix), 20)):
            if depth:
                # The space after the quote marks is the stuffing a reader removes, so the piece keeps its own.
                out.append(prefix + piece if piece else ">" * depth)
            else:
                out.append(_stuffed(piece))
    return "\n".join(out)
