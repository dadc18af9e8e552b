"""Which OAuth client Facteur signs in with, for each provider of :mod:`connectors.oauth_providers`.

Google and Microsoft require every app to register its own OAuth client. Facteur looks, in order, at the
provider's environment variables (``GOOGLE_CLIENT_ID`` / ``GOOGLE_CLIENT_SECRET``, ``MICROSOFT_CLIENT_ID``), then
at the clients the bundle was built with (``resources/oauth_clients.json``, written by ``packaging/build.py``), and
only then (builds without one) at a client file the person picked (Google's ``client_secret.json``; its path is
remembered in ``<provider>_client.json`` in the config dir), then at ``<provider>_client.json`` itself holding
``client_id`` and ``client_secret``. An installed app's client secret is not confidential (Google says so), so it
may live there.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from connectors.oauth_providers import oauth_provider
from connectors.private_files import write_private

from .accounts import config_dir
from .resources import resources_dir


@dataclass(frozen=True)
class ClientRegistration:
    client_id: str
    client_secret: str
    source: str
    provider: str = "google"


GoogleClient = ClientRegistration  # the name it had when Google was the only provider


def _settings_path(provider: str = "google") -> Path:
    return config_dir() / f"{oauth_provider(provider).id}_client.json"


def read_client_secret_file(path: Path, provider: str = "google") -> ClientRegistration:
    """A Google Cloud Console download ("installed" or "web" section); ValueError if it is not one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path.name} is not a readable client secret file: {exc}") from None
    section = data.get("installed") or data.get("web") or data
    if not isinstance(section, dict) or not section.get("client_id"):
        raise ValueError(f"{path.name} has no client_id: download the OAuth client of type 'Desktop app'")
    return ClientRegistration(str(section["client_id"]), str(section.get("client_secret", "")), str(path), provider)


def find_client(provider: str) -> ClientRegistration | None:
    """The configured client for ``provider``, or None when the person must provide one."""
    entry = oauth_provider(provider)
    if entry.client_id_env and os.environ.get(entry.client_id_env):
        secret = os.environ.get(entry.client_secret_env, "") if entry.client_secret_env else ""
        return ClientRegistration(os.environ[entry.client_id_env], secret, "environment", entry.id)
    built = build_client(entry.id)
    if built is not None:
        return built
    path = _settings_path(entry.id)
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    if settings.get("client_secret_file"):
        try:
            return read_client_secret_file(Path(settings["client_secret_file"]), entry.id)
        except ValueError:
            return None
    if settings.get("client_id"):
        return ClientRegistration(str(settings["client_id"]), str(settings.get("client_secret", "")), str(path),
                                  entry.id)
    return None


def build_clients_path() -> Path:
    return resources_dir() / "oauth_clients.json"


def build_client(provider: str) -> ClientRegistration | None:
    """The client this build was made with (a distributor's registration), if any."""
    path = build_clients_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    fields = data.get(provider) if isinstance(data, dict) else None
    if not isinstance(fields, dict) or not fields.get("client_id"):
        return None
    return ClientRegistration(str(fields["client_id"]), str(fields.get("client_secret", "")), "build", provider)


def google_client() -> ClientRegistration | None:
    return find_client("google")


def remember_client_secret_file(path: Path, provider: str = "google") -> ClientRegistration:
    client = read_client_secret_file(path, provider)
    write_private(_settings_path(provider), json.dumps({"client_secret_file": str(path.resolve())}))
    return client


def client_secret_for(client_id: str, provider: str = "google") -> str:
    client = find_client(provider)
    return client.client_secret if client is not None and client.client_id == client_id else ""


def remember_client(client_id: str, client_secret: str, provider: str = "google") -> ClientRegistration:
    """Keep a client ID (and its non-confidential installed-app secret) in Facteur's config."""
    client_id, client_secret = client_id.strip(), client_secret.strip()
    if not client_id:
        raise ValueError("a client ID is required")
    path = _settings_path(provider)
    write_private(path, json.dumps({"client_id": client_id, "client_secret": client_secret}))
    return ClientRegistration(client_id, client_secret, str(path), oauth_provider(provider).id)
