"""Facteur's folders on disk (data, config, cache, state) and keeping them private: 0700 folders, 0600 files.

New files are created private where they are written (see :mod:`connectors.private_files`); at start-up
:func:`make_private` also tightens what an older version left readable to others.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings

from connectors.private_files import private_dir, private_file, tighten_tree

from .accounts import APP_NAME, config_dir


def app_folders() -> list[Path]:
    """Every folder Facteur keeps files in, on this platform."""
    folders = [
        Path(platformdirs.user_data_dir(APP_NAME, APP_NAME)),
        config_dir(),
        Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)),
    ]
    return list(dict.fromkeys(folders))


def make_private() -> None:
    """Create the data and config folders 0700, and take others' rights off everything Facteur already has."""
    for folder in app_folders()[:2]:
        private_dir(folder)
    for folder in app_folders():
        tighten_tree(folder)


def private_settings(settings: QSettings) -> QSettings:
    """``settings`` whose file exists as 0600 before Qt first writes it (Qt keeps an existing file's mode)."""
    name = settings.fileName()
    if name.endswith((".conf", ".ini")):  # a file (not the Windows registry)
        private_file(Path(name))
    return settings
