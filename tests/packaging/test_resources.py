"""Facteur's icon and resource paths: every size rendered, readable, and found from a checkout."""

from __future__ import annotations

import struct

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer

from gui import resources
from gui.accounts import APP_ID


def test_resources_are_found_from_the_checkout() -> None:
    assert (resources.resources_dir() / "icons").is_dir()
    assert resources.translations_dir().is_dir()
    assert resources.desktop_entry_path().name == f"{APP_ID}.desktop"
    assert resources.metainfo_path().name == f"{APP_ID}.metainfo.xml"


def test_a_bundle_finds_its_resources_under_meipass(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "resources").mkdir()
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == tmp_path / "resources"


def test_the_scalable_icon_is_a_valid_svg() -> None:
    renderer = QSvgRenderer(str(resources.icon_path()))
    assert renderer.isValid()
    assert renderer.defaultSize() == QSize(128, 128)


@pytest.mark.parametrize("size", resources.ICON_SIZES)
def test_each_png_has_its_size_and_is_drawn(size: int) -> None:
    path = resources.icon_path(size)
    assert path.parent.parent.name == f"{size}x{size}"
    image = QImage(str(path))
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    # The satchel fills most of the square: a blank or mostly transparent render means a broken master.
    opaque = sum(image.pixelColor(x, y).alpha() > 200 for x in range(size) for y in range(size))
    assert opaque > 0.45 * size * size
    # The corners stay transparent, so the icon sits on any panel colour.
    assert image.pixelColor(0, 0).alpha() == 0


def test_icon_path_picks_the_next_size_up() -> None:
    assert resources.icon_path(20).parent.parent.name == "22x22"
    assert resources.icon_path(4000).parent.parent.name == "512x512"


def test_the_app_icon_offers_every_rendered_size(qapp) -> None:
    icon = resources.app_icon()
    assert not icon.isNull()
    sizes = {size.width() for size in icon.availableSizes()}
    assert set(resources.ICON_SIZES) <= sizes
    # The small, hand-fitted PNG is used at 16 px rather than a scaled-down large one.
    small = icon.pixmap(16, 16).toImage().convertToFormat(QImage.Format.Format_ARGB32)
    expected = QImage(str(resources.icon_path(16))).convertToFormat(QImage.Format.Format_ARGB32)
    assert small == expected


def test_the_windows_icon_holds_pngs_up_to_256() -> None:
    data = (resources.resources_dir() / "icons" / f"{APP_ID}.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sides = []
    for index in range(count):
        width, _height, _colours, _reserved, _planes, _bpp, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index)
        assert data[offset:offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert offset + length <= len(data)
        sides.append(width or 256)
    assert {16, 32, 48, 256} <= set(sides)


def test_the_macos_icon_holds_pngs_up_to_1024() -> None:
    data = (resources.resources_dir() / "icons" / f"{APP_ID}.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack_from(">I", data, 4)[0] == len(data)
    kinds, offset = [], 8
    while offset < len(data):
        kind, length = data[offset:offset + 4], struct.unpack_from(">I", data, offset + 4)[0]
        assert data[offset + 8:offset + 16] == b"\x89PNG\r\n\x1a\n"
        kinds.append(kind)
        offset += length
    assert offset == len(data)
    assert {b"icp4", b"ic07", b"ic10"} <= set(kinds)
