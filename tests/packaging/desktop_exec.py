"""Reading a desktop entry's Exec= line the way a launcher does (Desktop Entry Specification, "The Exec key")."""

from __future__ import annotations

import configparser
from pathlib import Path

_STRING_ESCAPES = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}


def unescape_string(value: str) -> str:
    """Undo the escapes every desktop-entry string value may hold."""
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            out.append(_STRING_ESCAPES.get(following, "\\" + following))
        else:
            out.append(char)
    return "".join(out)


def exec_argv(value: str) -> list[str]:
    """The argument vector of an Exec= value, field codes (%u, %f...) left in place and %% made %."""
    text = unescape_string(value)
    argv: list[str] = []
    current: list[str] | None = None
    index = 0
    while index < len(text):
        char = text[index]
        if char == '"':
            current = current if current is not None else []
            index += 1
            while text[index] != '"':
                if text[index] == "\\" and text[index + 1] in '"`$\\':
                    index += 1
                current.append(text[index])
                index += 1
        elif char == " ":
            if current is not None:
                argv.append("".join(current))
            current = None
        else:
            current = (current if current is not None else []) + [char]
        index += 1
    if current is not None:
        argv.append("".join(current))
    return [arg.replace("%%", "%") for arg in argv]


def desktop_keys(path: Path, section: str = "Desktop Entry") -> dict[str, str]:
    """One group of a desktop entry, keys kept case-sensitive (``Name[fr]``)."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return dict(parser[section])
