"""Where Local Folders live: beside the account stores, under the platformdirs data dir."""

from __future__ import annotations

from pathlib import Path

import platformdirs


def local_folders_dir() -> Path:
    """``<user data dir>/Facteur/Local Folders``; nothing is created."""
    return Path(platformdirs.user_data_dir("Facteur", "Facteur")) / "Local Folders"
