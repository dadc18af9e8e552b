"""Client IDs as a build option: packaging/build.py gathers them, the app prefers them to the person's own."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from gui import oauth_client

# packaging/build.py by its path: "packaging" is also the name of a PyPI package.
_spec = importlib.util.spec_from_file_location("facteur_build", Path(__file__).resolve().parents[2] / "packaging"
                                               / "build.py")
assert _spec is not None and _spec.loader is not None
_build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_build)
oauth_clients = _build.oauth_clients


def test_build_gathers_clients_from_a_file_and_the_environment(tmp_path: Path) -> None:
    file = tmp_path / "clients.json"
    file.write_text(json.dumps({"google": {"client_id": "g-file", "client_secret": "s"},
                                "microsoft": {"client_id": ""}, "yahoo": {"client_id": "y"}}))
    env = {"FACTEUR_MICROSOFT_CLIENT_ID": "m-env", "FACTEUR_GOOGLE_CLIENT_ID": "g-env"}
    assert oauth_clients(env, file) == {"google": {"client_id": "g-env", "client_secret": "s"},
                                        "microsoft": {"client_id": "m-env"}}
    assert oauth_clients({}, None) == {}


def test_the_build_client_comes_before_the_persons_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MICROSOFT_CLIENT_ID", raising=False)
    monkeypatch.delenv("GOOGLE_CLIENT_ID", raising=False)
    carried = tmp_path / "resources" / "oauth_clients.json"
    monkeypatch.setattr(oauth_client, "build_clients_path", lambda: carried)
    monkeypatch.setattr(oauth_client, "config_dir", lambda: tmp_path / "config")  # the person's own, kept here
    oauth_client.remember_client("own-id", "own-secret", "google")
    assert oauth_client.find_client("google").source.endswith("google_client.json")  # a build without clients
    assert oauth_client.find_client("microsoft") is None
    carried.parent.mkdir()
    carried.write_text(json.dumps({"google": {"client_id": "distributor", "client_secret": "x"},
                                   "microsoft": {"client_id": "distributor-ms"}}))
    google, microsoft = oauth_client.find_client("google"), oauth_client.find_client("microsoft")
    assert google is not None and (google.client_id, google.source) == ("distributor", "build")
    assert microsoft is not None and (microsoft.client_id, microsoft.client_secret) == ("distributor-ms", "")
    monkeypatch.setenv("MICROSOFT_CLIENT_ID", "developer")
    assert oauth_client.find_client("microsoft").client_id == "developer"
