"""Facteur's folders on disk (data, config, cache, state) and keeping them private: 0700 folders, 0600 files.

New files are created private where they are written (see :mod:`connectors.private_files`); at start-up
:func:`make_private` also tightens what an older version left readable to others.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, QSettings

from connectors.private_files import private_dir, private_file, tighten_tree

from .accounts import APP_NAME, config_dir

# lupdate reads translate("Context", "text") calls; the strings are looked up under that context.
translate = QCoreApplication.translate


def app_folders() -> list[Path]:
    """Every folder Facteur keeps files in, on this platform."""
    folders = [
        Path(platformdirs.user_data_dir(APP_NAME, APP_NAME)),
        config_dir(),
        Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)),
    ]
    return list(dict.fromkeys(folders))


@dataclass(frozen=True)
class Unusable:
    """A place Facteur must write to and cannot, with the reason in plain words."""

    path: Path
    reason: str


WALK_AT_MOST = 20_000  # entries looked at under one folder: the data folder holds a few files per account


def unusable_folders() -> list[Unusable]:
    """What in Facteur's folders the person running it cannot write: typically files left by a run as another user
    (``sudo facteur``), which would otherwise fail later (the Outbox, a store, the settings) with less clear words.

    The data and config folders are looked at whole; the cache and state folders at their top (they hold many
    files, and only need to be writable there for new ones)."""
    found: list[Unusable] = []
    for index, folder in enumerate(app_folders()):
        found += _unusable(folder, whole=index < 2)
    return found


def _unusable(root: Path, *, whole: bool) -> list[Unusable]:
    probe = root
    while not os.path.exists(probe) and probe != probe.parent:
        probe = probe.parent  # the nearest folder that exists must let the missing ones be created
    if probe != root:
        return [] if _writable_folder(probe) else [Unusable(root, _cannot_create(probe))]
    if not os.path.isdir(root):
        return [Unusable(root, _is_a_file())]
    if not _writable_folder(root):
        return [Unusable(root, _not_yours(root, "folder"))]
    found: list[Unusable] = []
    looked = 0
    for folder, subfolders, files in os.walk(root) if whole else []:
        for name in list(subfolders):  # looked at from here: os.walk skips, in silence, a folder it cannot read
            path = Path(folder, name)
            if not os.path.islink(path) and not _writable_folder(path):
                found.append(Unusable(path, _not_yours(path, "folder")))
                subfolders.remove(name)  # what it holds cannot be looked at, or replaced anyway
        for name in files:
            path = Path(folder, name)
            try:
                mode = path.lstat().st_mode
            except OSError:
                continue  # gone meanwhile
            if stat.S_ISREG(mode) and not os.access(path, os.W_OK):
                found.append(Unusable(path, _not_yours(path, "file")))
        looked += len(files) + len(subfolders)
        if looked > WALK_AT_MOST:
            break
    return found


def _writable_folder(path: Path) -> bool:
    return os.path.isdir(path) and os.access(path, os.W_OK | os.X_OK)


def _cannot_create(parent: Path) -> str:
    if not os.path.isdir(parent):
        return translate("Startup", "it cannot be created: {parent} is a file, not a folder").format(parent=parent)
    return translate("Startup", "it cannot be created: {reason} ({parent})").format(
        reason=_not_yours(parent, "folder"), parent=parent)


def _not_yours(path: Path, kind: str) -> str:
    folder = kind == "folder"
    if not os.path.exists(path):
        return translate("Startup", "the folder is missing") if folder else translate("Startup", "the file is missing")
    if folder and not os.path.isdir(path):
        return _is_a_file()
    owner = _owner(path)
    if owner is not None and owner != _owner_name(os.getuid()):
        return (translate("Startup", "the folder belongs to {owner}, not to you") if folder else
                translate("Startup", "the file belongs to {owner}, not to you")).format(owner=owner)
    return translate("Startup", "the folder is read-only") if folder else translate("Startup", "the file is read-only")


def _is_a_file() -> str:
    return translate("Startup", "it is a file, where Facteur keeps a folder")


def _owner(path: Path) -> str | None:
    try:
        return _owner_name(path.stat().st_uid)
    except OSError:
        return None


def _owner_name(uid: int) -> str:
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return f"user {uid}"


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
