"""Render Facteur's icon from its SVG masters into every PNG size, a Windows .ico and a macOS .icns.

Run from the repository root after editing an SVG master, then look at the PNGs and commit them:

    python packaging/render_icons.py

Qt's own SVG renderer does the work, so no tool beyond the project's dependencies is needed. The .ico and .icns
containers hold PNG images, which Windows (since Vista) and macOS (since 10.7) read directly.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

APP_ID = "app.facteur.Facteur"  # the same id as gui.accounts.APP_ID; kept literal so this script needs no gui import
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
MASTER = ICONS / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
SMALL_MASTER = ICONS / f"{APP_ID}-small.svg"
PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
# Below this size the detailed master turns to mush; the small master is drawn on a 16 px grid instead.
SMALL_UP_TO = 24
# (size, OSType) pairs macOS reads from PNG data; the @2x types reuse the next size up.
ICNS_TYPES = ((16, b"icp4"), (32, b"icp5"), (64, b"icp6"), (128, b"ic07"), (256, b"ic08"), (512, b"ic09"),
              (1024, b"ic10"), (32, b"ic11"), (64, b"ic12"), (256, b"ic13"), (512, b"ic14"))
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int) -> QImage:
    """The icon at size×size pixels, from the master that suits that size."""
    master = SMALL_MASTER if size <= SMALL_UP_TO else MASTER
    renderer = QSvgRenderer(str(master))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {master}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """An ICO file whose entries are PNG images (a width/height byte of 0 means 256)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, payload = b"", b""
    for size, data in images.items():
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset + len(payload))
        payload += data
    return header + entries + payload


def icns(images: list[tuple[bytes, bytes]]) -> bytes:
    """An ICNS file: big-endian (type, length) chunks, each holding one PNG."""
    chunks = b"".join(kind + struct.pack(">I", 8 + len(data)) + data for kind, data in images)
    return b"icns" + struct.pack(">I", 8 + len(chunks)) + chunks


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    rendered: dict[int, bytes] = {}
    for size in sorted({*PNG_SIZES, *ICO_SIZES, *(s for s, _ in ICNS_TYPES)}):
        rendered[size] = png_bytes(render(size))
    for size in PNG_SIZES:
        target = ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(rendered[size])
        print(target.relative_to(ICONS.parent.parent))
    (ICONS / f"{APP_ID}.ico").write_bytes(ico({size: rendered[size] for size in ICO_SIZES}))
    (ICONS / f"{APP_ID}.icns").write_bytes(icns([(kind, rendered[size]) for size, kind in ICNS_TYPES]))
    print(f"resources/icons/{APP_ID}.ico", f"resources/icons/{APP_ID}.icns", sep="\n")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
