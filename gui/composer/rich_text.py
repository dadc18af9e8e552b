"""The editor's document as mail: clean HTML (what other mail clients render well) and its plain-text twin.

Qt's own ``toHtml()`` is full of Qt-only CSS and turns quotes into margins; mail wants ``<blockquote>``, lists and
plain inline tags. Both outputs come from one walk over the document, so the text part always says what the HTML
part says: quotes as "> ", bullets as "- ", links as "text <url>".
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtGui import QFont, QTextBlock, QTextBlockFormat, QTextCursor, QTextDocument, QTextFormat, QTextListFormat

QUOTE_INDENT = 40.0  # pixels per quote level in the editor, as Qt's HTML importer does for <blockquote>
SIGNATURE_PROPERTY = QTextFormat.Property.UserProperty + 1  # marks the blocks of the inserted signature

_ORDERED = {
    QTextListFormat.Style.ListDecimal,
    QTextListFormat.Style.ListLowerAlpha,
    QTextListFormat.Style.ListUpperAlpha,
    QTextListFormat.Style.ListLowerRoman,
    QTextListFormat.Style.ListUpperRoman,
}


def quote_level(block_format: QTextBlockFormat) -> int:
    value = block_format.property(QTextFormat.Property.BlockQuoteLevel)
    if not value:
        return 0
    return max(int(value), round(block_format.leftMargin() / QUOTE_INDENT))


def set_quote_level(cursor: QTextCursor, change: int) -> None:
    """Quote (+1) or unquote (-1) the blocks under the cursor's selection."""
    document = cursor.document()
    start = document.findBlock(cursor.selectionStart())
    end = document.findBlock(cursor.selectionEnd())
    edit = QTextCursor(cursor)
    edit.beginEditBlock()
    block = start
    while block.isValid():
        fmt = block.blockFormat()
        level = max(0, quote_level(fmt) + change)
        fmt.setProperty(QTextFormat.Property.BlockQuoteLevel, level)
        fmt.setLeftMargin(QUOTE_INDENT * level)
        edit.setPosition(block.position())
        edit.setBlockFormat(fmt)
        if block == end:
            break
        block = block.next()
    edit.endEditBlock()


@dataclass(frozen=True)
class _Line:
    quote: int
    list_tag: str | None  # "ul" / "ol" for a list item
    list_id: int
    list_indent: int
    list_number: int
    html: str
    text: str


def _fragments(block: QTextBlock) -> tuple[str, str]:
    html_parts: list[str] = []
    text_parts: list[str] = []
    iterator = block.begin()
    while not iterator.atEnd():
        fragment = iterator.fragment()
        iterator += 1
        if not fragment.isValid():
            continue
        raw = fragment.text().replace("\ufffc", "")  # embedded objects (images) are not carried over
        if not raw:
            continue
        fmt = fragment.charFormat()
        markup = html.escape(raw).replace("\u2028", "<br>")
        plain = raw.replace("\u2028", "\n")
        href = fmt.anchorHref() if fmt.isAnchor() else ""
        if fmt.fontWeight() >= QFont.Weight.Bold:
            markup = f"<b>{markup}</b>"
        if fmt.fontItalic():
            markup = f"<i>{markup}</i>"
        if fmt.fontUnderline() and not href:
            markup = f"<u>{markup}</u>"
        if fmt.fontStrikeOut():
            markup = f"<s>{markup}</s>"
        if fmt.fontFixedPitch():
            markup = f"<code>{markup}</code>"
        if href:
            markup = f'<a href="{html.escape(href, quote=True)}">{markup}</a>'
            if href != raw and href != f"mailto:{raw}":
                plain = f"{plain} <{href}>"
        html_parts.append(markup)
        text_parts.append(plain)
    return "".join(html_parts), "".join(text_parts)


def _lines(document: QTextDocument) -> list[_Line]:
    lines = []
    block = document.begin()
    while block.isValid():
        body_html, body_text = _fragments(block)
        text_list = block.textList()
        tag = None
        list_id = 0
        indent = 0
        number = 0
        if text_list is not None:
            style = text_list.format().style()
            tag = "ol" if style in _ORDERED else "ul"
            list_id = text_list.formatIndex()
            indent = max(1, text_list.format().indent())
            number = text_list.itemNumber(block) + 1
        lines.append(_Line(quote_level(block.blockFormat()), tag, list_id, indent, number, body_html, body_text))
        block = block.next()
    while lines and not lines[-1].text.strip() and lines[-1].list_tag is None:
        lines.pop()  # trailing empty lines say nothing
    return lines


def document_to_html(document: QTextDocument) -> str:
    """Mail HTML: one <div> per line, <blockquote type="cite"> for quotes, <ul>/<ol> for lists."""
    out: list[str] = []
    depth = 0
    open_list: tuple[str, int] | None = None
    for line in _lines(document):
        current_list = (line.list_tag, line.list_id) if line.list_tag else None
        if open_list is not None and (current_list != open_list or line.quote != depth):
            out.append(f"</{open_list[0]}>")
            open_list = None
        while depth > line.quote:
            out.append("</blockquote>")
            depth -= 1
        while depth < line.quote:
            out.append(
                '<blockquote type="cite" style="margin:0 0 0 .8ex;border-left:2px solid #729fcf;padding-left:1ex">'
            )
            depth += 1
        if current_list is not None:
            if open_list is None:
                out.append(f"<{current_list[0]}>")
                open_list = (current_list[0] or "ul", current_list[1])
            out.append(f"<li>{line.html or '<br>'}</li>")
        else:
            out.append(f"<div>{line.html or '<br>'}</div>")
    if open_list is not None:
        out.append(f"</{open_list[0]}>")
    out.extend("</blockquote>" for _ in range(depth))
    body = "\n".join(out)
    return f'<html><head><meta charset="utf-8"></head><body>\n{body}\n</body></html>\n'


def document_to_text(document: QTextDocument) -> str:
    """The plain-text part: "> " per quote level, "- " / "1. " for list items, links spelled out."""
    out = []
    for line in _lines(document):
        quote = ">" * line.quote
        bullet = ""
        if line.list_tag == "ul":
            bullet = "  " * (line.list_indent - 1) + "- "
        elif line.list_tag == "ol":
            bullet = "  " * (line.list_indent - 1) + f"{line.list_number}. "
        for index, piece in enumerate(line.text.split("\n")):
            lead = bullet if index == 0 else " " * len(bullet)
            body = lead + piece
            # Quote markers stack without spaces (">> "), as every mail client writes them.
            if quote:
                body = quote + ("" if body.startswith(">") else " ") + body
            # "-- " (with its space) is the signature separator mail clients look for: keep it exact.
            out.append(body if body == "-- " else body.rstrip())
    return "\n".join(out).rstrip() + "\n" if out else ""
