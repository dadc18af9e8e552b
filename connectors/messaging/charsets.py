"""Turning the bytes of a header or a text part into text, whatever charset they claim — or fail to claim.

Mail in the wild is often labelled wrongly or not at all. Like web browsers (the WHATWG Encoding Standard), labels
are read as the superset the sender almost certainly used (``iso-8859-1`` and ``us-ascii`` mean windows-1252), UTF-8
is tried when the label does not fit, and windows-1252 is the last resort: it shows the curly quotes, € and œ of
unlabelled Western mail, where Latin-1 showed control characters and strict UTF-8 showed replacement characters.
"""

from __future__ import annotations

import codecs

__all__ = ["decode_text"]

# Labels whose bytes are, in practice, the superset browsers decode them as (codec names as ``codecs`` gives them).
_SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "iso8859-11": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
}

# Python codecs that are not charsets a message may choose: they interpret backslashes or always fail.
_REFUSED = frozenset({"unicode-escape", "raw-unicode-escape", "undefined", "idna", "punycode", "charmap"})

# windows-1252 leaves five bytes undefined; browsers map them to the C1 controls of the same value, as here.
_CP1252_HIGH = {
    byte: (bytes([byte]).decode("cp1252", "ignore") or chr(byte)) for byte in range(0x80, 0xA0)
}


def _codec(label: str | None) -> str | None:
    """The codec to decode ``label``'s bytes with, or None for a missing, unknown or unsafe label."""
    if not label:
        return None
    try:
        info = codecs.lookup(label.strip().strip("\"'"))
    except (LookupError, ValueError):
        return None
    # Bytes-to-bytes codecs (base64, zlib...) are not text encodings: bytes.decode() refuses them anyway.
    if info.name in _REFUSED or not getattr(info, "_is_text_encoding", True):
        return None
    return _SUPERSETS.get(info.name, info.name)


def _windows_1252(data: bytes) -> str:
    """Decode as windows-1252, never failing (Latin-1 maps each byte to the code point of the same value)."""
    return data.decode("latin-1").translate(_CP1252_HIGH)


def _has_utf8_sequence(data: bytes) -> bool:
    """True when some non-ASCII bytes form valid UTF-8: text that is UTF-8 apart from a few damaged bytes."""
    return any(ord(ch) > 0x7F and ch != "\ufffd" for ch in data.decode("utf-8", "replace"))


def decode_text(data: bytes, charset: str | None) -> str:
    """``data`` as text: the declared charset if it decodes, else UTF-8, else windows-1252. Never raises.

    A declared multi-byte or non-Latin charset that meets a few bad bytes keeps its decoding (with replacement
    characters), and so does UTF-8 text with a few damaged bytes: guessing windows-1252 there would garble the rest.
    """
    codec = _codec(charset)
    if codec is not None:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError, ValueError):
            pass
    if codec != "utf-8":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if codec is not None and codec not in ("utf-8", "cp1252"):
        try:
            return data.decode(codec, "replace")
        except (LookupError, ValueError):
            pass
    if codec == "utf-8" and _has_utf8_sequence(data):
        return data.decode("utf-8", "replace")
    return _windows_1252(data)
