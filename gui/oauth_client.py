"""Which Google OAuth client Facteur signs in with.

Google requires every app to register its own OAuth client. Facteur looks, in order, at ``GOOGLE_CLIENT_ID`` /
``GOOGLE_CLIENT_SECRET``, then at a ``client_secret.json`` the person picked (its path is remembered in
``google_client.json`` in the config dir), then at ``google_client.json`` itself holding ``client_id`` and
``client_secret``. An installed app's client secret is not confidential (Google says so), so it may live there.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from connectors.private_files import write_private

from .accounts import config_dir


@dataclass(frozen=True)
class GoogleClient:
    client_id: str
    client_secret: str
    source: str


def _settings_path() -> Path:
    return config_dir() / "google_client.json"


def read_client_secret_file(path: Path) -> GoogleClient:
    """A Google Cloud Console download ("installed" or "web" section); ValueError if it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path.name} is not a readable client secret file: {exc}") from None
    section = data.get("installed") or data.get("web") or data
    if not isinstance(section, dict) or not section.get("client_id"):
        raise ValueError(f"{path.name} has no client_id: download the OAuth client of type 'Desktop app'")
    return GoogleClient(str(section["client_id"]), str(section.get("client_secret", "")), str(path))


def google_client() -> GoogleClient | None:
    """The configured client, or None when the person must provide one."""
    if os.environ.get("GOOGLE_CLIENT_ID"):
        return GoogleClient(os.environ["GOOGLE_CLIENT_ID"], os.environ.get("GOOGLE_CLIENT_SECRET", ""), "environment")
    try:
        settings = json.loads(_settings_path().read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if settings.get("client_secret_file"):
        try:
            return read_client_secret_file(Path(settings["client_secret_file"]))
        except ValueError:
            return None
    if settings.get("client_id"):
        return GoogleClient(str(settings["client_id"]), str(settings.get("client_secret", "")), str(_settings_path()))
    return None


def remember_client_secret_file(path: Path) -> GoogleClient:
    client = read_client_secret_file(path)
    write_private(_settings_path(), json.dumps({"client_secret_file": str(path.resolve())}))
    return client


def client_secret_for(client_id: str) -> str:
    client = google_client()
    return client.client_secret if client is not None and client.client_id == client_id else ""


def remember_client(client_id: str, client_secret: str) -> GoogleClient:
    """Keep a client ID (and its non-confidential installed-app secret) in Facteur's config."""
    client_id, client_secret = client_id.strip(), client_secret.strip()
    if not client_id:
        raise ValueError("a client ID is required")
    path = _settings_path()
    write_private(path, json.dumps({"client_id": client_id, "client_secret": client_secret}))
    return GoogleClient(client_id, client_secret, str(path))
