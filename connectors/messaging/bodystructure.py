"""A message's shape from its ``BODYSTRUCTURE``, and the message rebuilt from its text parts only.

Opening a message should not download its attachments. :func:`leaves` walks IMAPClient's parsed
``BODYSTRUCTURE`` (RFC 3501 §7.4.2) into the parts a reader cares about, each with its IMAP section number
("1", "2.1"), type, size and whether it is an attachment. :func:`text_sections` says which bodies to fetch for
reading (the text parts, and small inline images an HTML part refers to). :func:`assemble` rebuilds an RFC 822
message from the top header, every part's own ``MIME`` header and the bodies that were fetched: the parts left out
keep their headers and an empty body, marked with :data:`OMITTED_HEADER` and their (decoded) size, so the
ordinary MIME parser lists them (name, type, size) without their bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

OMITTED_HEADER = "X-Facteur-Omitted-Size"
"""Header of a part whose body was not downloaded; its value is the part's size once decoded (about)."""

INLINE_IMAGE_LIMIT = 256 * 1024
"""Inline images (a Content-ID, displayed inside the HTML) up to this size come with the text."""


@dataclass(frozen=True)
class ReadableMessage:
    """What opening a message downloads: ``raw`` is the whole message when ``complete``, else the message rebuilt
    from its text parts (parse it with ``parse_message(raw, partial=True)``). ``has_attachments`` comes from
    ``BODYSTRUCTURE``."""

    raw: bytes
    complete: bool
    has_attachments: bool


@dataclass(frozen=True)
class Leaf:
    section: str  # IMAP section number: "1", "2.1"
    content_type: str  # lower case, "text/plain"
    size: int  # encoded size on the server, in bytes
    disposition: str  # "attachment", "inline" or ""
    filename: str
    content_id: str
    encoding: str = ""  # Content-Transfer-Encoding, lower case

    @property
    def decoded_size(self) -> int:
        """About how many bytes the part is once decoded (what a person saving it gets)."""
        return self.size * 3 // 4 if self.encoding == "base64" else self.size

    @property
    def is_text(self) -> bool:
        """A text part the reader shows (not a text file attached)."""
        return self.content_type in ("text/plain", "text/html") and self.disposition != "attachment" \
            and not self.filename

    @property
    def is_attachment(self) -> bool:
        return not self.is_text


@dataclass(frozen=True)
class Node:
    """A multipart container: its subtype, boundary and children (Nodes or Leaves)."""

    section: str  # "" for the message itself
    subtype: str
    boundary: str
    children: tuple[Node | Leaf, ...]


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _params(value: Any) -> dict[str, str]:
    if not isinstance(value, (tuple, list)):
        return {}
    items = list(value)
    return {_text(items[i]).lower(): _text(items[i + 1]) for i in range(0, len(items) - 1, 2)}


def _disposition(value: Any) -> tuple[str, dict[str, str]]:
    if isinstance(value, (tuple, list)) and value:
        return _text(value[0]).lower(), _params(value[1] if len(value) > 1 else None)
    return "", {}


def parse(structure: Any, section: str = "") -> Node | Leaf:
    """The tree of a parsed ``BODYSTRUCTURE`` (IMAPClient's ``BodyData``)."""
    if isinstance(structure[0], list):
        children = tuple(parse(child, f"{section}.{n}" if section else str(n))
                         for n, child in enumerate(structure[0], start=1))
        subtype = _text(structure[1]).lower() if len(structure) > 1 else "mixed"
        params = _params(structure[2]) if len(structure) > 2 else {}
        return Node(section, subtype, params.get("boundary", ""), children)
    main, sub = _text(structure[0]).lower(), _text(structure[1]).lower()
    params = _params(structure[2])
    content_id = _text(structure[3]).strip("<>")
    size = int(structure[6] or 0) if len(structure) > 6 else 0
    # Extension data follows the basic fields, after the line count (text) or envelope/body/lines (message/rfc822).
    extension = 8 if main == "text" else 10 if (main, sub) == ("message", "rfc822") else 7
    disposition, disposition_params = _disposition(structure[extension + 1]) if len(structure) > extension + 1 \
        else ("", {})
    filename = disposition_params.get("filename") or params.get("name") or ""
    encoding = _text(structure[5]).lower() if len(structure) > 5 else ""
    return Leaf(section or "1", f"{main}/{sub}", size, disposition, filename, content_id, encoding)


def leaves(tree: Node | Leaf) -> list[Leaf]:
    if isinstance(tree, Leaf):
        return [tree]
    return [leaf for child in tree.children for leaf in leaves(child)]


def has_attachments(tree: Node | Leaf) -> bool:
    """The paperclip: a part that is not text shown in the reader nor an image shown inside it."""
    return any(leaf.is_attachment and not (leaf.content_id and leaf.disposition != "attachment"
                                           and leaf.content_type.startswith("image/"))
               for leaf in leaves(tree))


def text_sections(tree: Node | Leaf) -> list[str]:
    """The sections whose bodies reading needs: the text parts, and small inline images."""
    wanted = []
    for leaf in leaves(tree):
        inline_image = leaf.content_id and leaf.disposition != "attachment" \
            and leaf.content_type.startswith("image/") and leaf.size <= INLINE_IMAGE_LIMIT
        if leaf.is_text or inline_image:
            wanted.append(leaf.section)
    return wanted


def fetch_items(tree: Node | Leaf) -> list[str]:
    """The FETCH items that bring what :func:`assemble` needs (never an attachment's body)."""
    if isinstance(tree, Leaf):
        # A message that is one part: its header, and its body only when it is text to read.
        return ["BODY.PEEK[HEADER]"] + (["BODY.PEEK[TEXT]"] if tree.section in text_sections(tree) else [])
    items = ["BODY.PEEK[HEADER]"]
    items += [f"BODY.PEEK[{section}.MIME]" for section in _part_sections(tree)]
    items += [f"BODY.PEEK[{section}]" for section in text_sections(tree)]
    return items


def _part_sections(node: Node | Leaf) -> list[str]:
    """Every part's section but the message's own (nested multiparts included), in order."""
    if isinstance(node, Leaf):
        return [node.section]
    own = [node.section] if node.section else []
    return own + [section for child in node.children for section in _part_sections(child)]


def _get(data: Mapping[bytes, Any], key: str) -> bytes:
    value = data.get(key.encode("ascii"))
    return bytes(value) if isinstance(value, (bytes, bytearray)) else b""


def _ending_with_blank_line(header: bytes) -> bytes:
    header = header.rstrip(b"\r\n")
    return header + b"\r\n\r\n" if header else b"\r\n"


def _omitted_header(header: bytes, size: int) -> bytes:
    return header.rstrip(b"\r\n") + f"\r\n{OMITTED_HEADER}: {size}\r\n\r\n".encode("ascii")


def assemble(tree: Node | Leaf, data: Mapping[bytes, Any]) -> bytes:
    """The message rebuilt from a FETCH of :func:`fetch_items` (see the module's text)."""
    header = _get(data, "BODY[HEADER]")
    if isinstance(tree, Leaf):
        if tree.section in text_sections(tree):
            return _ending_with_blank_line(header) + _get(data, "BODY[TEXT]")
        return _omitted_header(header, tree.decoded_size)
    wanted = set(text_sections(tree))
    return _ending_with_blank_line(header) + _body(tree, data, wanted)


def _body(node: Node, data: Mapping[bytes, Any], wanted: set[str]) -> bytes:
    boundary = node.boundary.encode("utf-8", "replace")
    out: list[bytes] = []
    for child in node.children:
        out.append(b"--" + boundary + b"\r\n")
        if isinstance(child, Node):
            out.append(_ending_with_blank_line(_get(data, f"BODY[{child.section}.MIME]")))
            out.append(_body(child, data, wanted))
        elif child.section in wanted:
            out.append(_ending_with_blank_line(_get(data, f"BODY[{child.section}.MIME]")))
            out.append(_get(data, f"BODY[{child.section}]") + b"\r\n")
        else:
            out.append(_omitted_header(_get(data, f"BODY[{child.section}.MIME]"), child.decoded_size))
    out.append(b"--" + boundary + b"--\r\n")
    return b"".join(out)
