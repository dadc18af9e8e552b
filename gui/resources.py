"""Where Facteur's files are — icons, translations, the desktop entry — from a checkout or a PyInstaller bundle.

In a checkout, ``resources/`` sits next to the ``gui`` package. In a bundle, PyInstaller unpacks data files under
``sys._MEIPASS`` (the one-folder bundle's ``_internal/``), and ``packaging/facteur.spec`` puts ``resources/`` there.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from gui.accounts import APP_ID

#: The PNG sizes rendered in ``resources/icons/hicolor`` (see ``packaging/render_icons.py``).
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


def resources_dir() -> Path:
    """The ``resources`` folder, whether Facteur runs from source or from a frozen bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = [Path(bundle) / "resources"] if bundle else []
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Facteur's resources folder is missing (looked in {', '.join(map(str, candidates))})")


def translations_dir() -> Path:
    return resources_dir() / "translations"


def desktop_entry_path() -> Path:
    return resources_dir() / "linux" / f"{APP_ID}.desktop"


def metainfo_path() -> Path:
    return resources_dir() / "linux" / f"{APP_ID}.metainfo.xml"


def icon_path(size: int | None = None) -> Path:
    """The scalable icon, or the smallest rendered PNG at least ``size`` pixels wide (the largest if none is)."""
    hicolor = resources_dir() / "icons" / "hicolor"
    if size is None:
        return hicolor / "scalable" / "apps" / f"{APP_ID}.svg"
    chosen = next((s for s in ICON_SIZES if s >= size), ICON_SIZES[-1])
    return hicolor / f"{chosen}x{chosen}" / "apps" / f"{APP_ID}.png"


def app_icon() -> QIcon:
    """Facteur's icon for windows, the tray and notifications.

    Every rendered PNG is added, so Qt shows the hand-fitted small ones at 16–24 px and scales the next larger one
    down elsewhere (512 px covers high-DPI screens). The installed theme icon is not preferred: it is the same
    picture, and a stale copy from an old install must not win over the program's own.
    """
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icon_path(size)), QSize(size, size))
    return icon
