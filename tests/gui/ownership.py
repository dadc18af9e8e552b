"""Which Qt objects Python wrongly owns: a test helper.

A QObject with a parent is deleted by that parent. If its Python wrapper also owns it, whichever of the two lets it
go second frees it again: a crash when the garbage collector or the parent gets there last, or a page calling an
interceptor Python already freed. PySide hands ownership to C++ when it sees the parent passed (a constructor
argument named ``parent``, ``setParent``); a constructor whose parent argument has another name in Qt
(``QWebEngineUrlRequestInterceptor(QObject *p)``) keeps it Python's.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject
from shiboken6 import isValid, ownedByPython


def python_owned_children(roots: Iterable[QObject]) -> list[str]:
    """Every object under ``roots`` (the roots included) that has a parent yet is owned by its Python wrapper,
    as ``"Class under ParentClass"``."""
    found: list[str] = []
    seen: set[int] = set()
    stack = [root for root in roots if isValid(root)]
    while stack:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        parent = obj.parent()
        if parent is not None and ownedByPython(obj):
            found.append(f"{type(obj).__name__} under {type(parent).__name__}")
        stack.extend(child for child in obj.children() if isValid(child))
    return found
