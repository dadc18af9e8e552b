"""Facteur's drawn icons are rendered when a view asks, at the size and pixel ratio it asks for, once each: the
folder tree's first paint used to render every drawing at five sizes × two ratios up front."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon

from gui.views import icons


def _near(colour: QColor, expected: str) -> bool:
    """The same colour, but for the rounding of antialiased (premultiplied) edges."""
    want = QColor(expected)
    return all(abs(a - b) <= 4 for a, b in zip(colour.getRgb()[:3], want.getRgb()[:3], strict=True))


def test_a_drawn_icon_renders_only_what_is_asked_and_keeps_it(qapp: Any) -> None:
    before = len(icons._ENGINES)
    icon = icons.icon("archive", "#123456")  # a colour of its own: a fresh drawing, not one cached by others
    assert len(icons._ENGINES) == before + 1
    engine = icons._ENGINES[-1]
    assert engine.rendered() == 0, "nothing is rendered before a view asks"

    small = icon.pixmap(QSize(16, 16))
    assert (small.width(), small.height(), small.devicePixelRatio()) == (16, 16, 1.0)
    assert engine.rendered() == 1
    image = small.toImage()
    drawn = [image.pixelColor(x, y) for x in range(16) for y in range(16) if image.pixelColor(x, y).alpha() > 200]
    assert drawn and all(_near(colour, "#123456") for colour in drawn), "the drawing, in its colour"

    assert icon.pixmap(QSize(16, 16)).cacheKey() == small.cacheKey(), "asked again: the same rendering"
    assert engine.rendered() == 1

    sharp = icon.pixmap(QSize(16, 16), 2.0)  # a 2× screen: rendered at 32 device pixels, not scaled up
    assert (sharp.width(), sharp.height(), sharp.devicePixelRatio()) == (32, 32, 2.0)
    assert engine.rendered() == 2


def test_the_disabled_drawing_is_in_the_palettes_disabled_colour(qapp: Any) -> None:
    icon = icons._drawn("trash", "#000000", "#c0c0c0")
    enabled = icon.pixmap(QSize(24, 24)).toImage()
    disabled = icon.pixmap(QSize(24, 24), QIcon.Mode.Disabled).toImage()

    def opaque(image: Any) -> list[QColor]:
        return [image.pixelColor(x, y) for x in range(24) for y in range(24) if image.pixelColor(x, y).alpha() > 200]

    assert opaque(enabled) and all(_near(colour, "#000000") for colour in opaque(enabled))
    assert opaque(disabled) and all(_near(colour, "#c0c0c0") for colour in opaque(disabled))
