"""Folders Facteur may not write (what a run as another user left, typically ``sudo facteur``): found before
anything fails, named with the reason and the command that fixes it, and the app ends without changing anything.

As root, permissions do not stop anything, so the checks run in a child interpreter that drops to ``nobody``
after its imports (the project's interpreter may live in root's home, which ``nobody`` cannot read)."""

from __future__ import annotations

import json
import os
import pwd
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gui.private_paths import Unusable, app_folders, unusable_folders

_AS_ROOT = os.geteuid() == 0
_CHECK = ("import json, os, pwd, sys\n"
          "from gui.private_paths import unusable_folders\n"
          "uid, gid = int(sys.argv[1]), int(sys.argv[2])\n"
          "os.setgroups([]); os.setgid(gid); os.setuid(uid)\n"
          "print(json.dumps([[str(u.path), u.reason] for u in unusable_folders()]))\n")


@pytest.fixture
def other_users_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, str]]:
    """A home whose XDG folders the checking user owns; returns it and the name of the user that checks."""
    base = Path(tempfile.mkdtemp(prefix="facteur-unusable-"))
    os.chmod(base, 0o755)  # nobody must reach it
    for variable, name in (("XDG_DATA_HOME", "data"), ("XDG_CONFIG_HOME", "config"),
                           ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state")):
        (base / name).mkdir()
        monkeypatch.setenv(variable, str(base / name))
    checker = pwd.getpwnam("nobody") if _AS_ROOT else pwd.getpwuid(os.getuid())
    if _AS_ROOT:
        for name in ("data", "config", "cache", "state"):
            os.chown(base / name, checker.pw_uid, checker.pw_gid)
    yield base, checker.pw_name
    subprocess.run(["rm", "-rf", str(base)], check=True)


def _check(home: Path) -> list[tuple[str, str]]:
    """What the checking user is told (``nobody`` in a child process when the tests run as root)."""
    if not _AS_ROOT:
        return [(str(u.path), u.reason) for u in unusable_folders()]
    nobody = pwd.getpwnam("nobody")
    done = subprocess.run([sys.executable, "-c", _CHECK, str(nobody.pw_uid), str(nobody.pw_gid)],
                          capture_output=True, text=True, check=False, env=os.environ.copy(),
                          cwd=str(Path(__file__).resolve().parents[3]))
    assert done.returncode == 0, done.stderr
    return [(path, reason) for path, reason in json.loads(done.stdout)]


def _make_foreign(path: Path) -> None:
    """``path`` as another user's: root's when the check runs as nobody, else read-only to its owner."""
    if _AS_ROOT:
        os.chown(path, 0, 0)  # made by this (root) process already: root's
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    else:
        os.chmod(path, 0o500 if path.is_dir() else 0o400)


def test_a_fresh_home_and_a_used_one_are_fine(other_users_home: tuple[Path, str]) -> None:
    home, _user = other_users_home
    assert _check(home) == []
    for folder in (home / "data" / "Facteur" / "accounts" / "a", home / "config" / "Facteur"):
        folder.mkdir(parents=True)
    (home / "config" / "Facteur" / "accounts.json").write_text("{}")
    if _AS_ROOT:
        subprocess.run(["chown", "-R", "nobody", str(home)], check=True)
    assert _check(home) == []


def test_what_another_user_left_is_named_with_the_reason(other_users_home: tuple[Path, str]) -> None:
    home, _user = other_users_home
    store_folder = home / "data" / "Facteur" / "Local Folders"
    store_folder.mkdir(parents=True)
    settings = home / "config" / "Facteur"
    settings.mkdir(parents=True)
    (settings / "accounts.json").write_text("{}")
    if _AS_ROOT:
        subprocess.run(["chown", "-R", "nobody", str(home)], check=True)
    _make_foreign(store_folder)
    _make_foreign(settings / "accounts.json")
    found = dict(_check(home))
    assert set(found) == {str(store_folder), str(settings / "accounts.json")}
    owner_words = "belongs to root, not to you" if _AS_ROOT else "is read-only"
    assert found[str(store_folder)] == f"the folder {owner_words}"
    assert found[str(settings / "accounts.json")] == f"the file {owner_words}"


def test_a_folder_that_cannot_be_created_or_is_a_file(other_users_home: tuple[Path, str]) -> None:
    home, _user = other_users_home
    (home / "config" / "Facteur").write_text("not a folder")
    _make_foreign(home / "state")  # Facteur's state folder would be made in it
    found = dict(_check(home))
    assert found[str(home / "config" / "Facteur")] == "it is a file, where Facteur keeps a folder"
    state = [reason for path, reason in found.items() if path.startswith(str(home / "state"))]
    assert len(state) == 1 and state[0].startswith("it cannot be created: the folder ")


def test_the_message_names_the_places_and_a_fix_limited_to_facteurs_folders(fresh_home: Path, qtbot: Any) -> None:
    from gui.app import unusable_box

    data, config = app_folders()[:2]
    problems = [Unusable(data / "accounts" / "x" / "store.sqlite3", "the file belongs to root, not to you"),
                Unusable(config / "accounts.json", "the file belongs to root, not to you")]
    box = unusable_box(problems)
    qtbot.addWidget(box)
    details = box.informativeText()
    for problem in problems:
        assert str(problem.path) in details and problem.reason in details
    assert f"sudo chown -R {pwd.getpwuid(os.getuid()).pw_name} {data} {config}" in details
    assert f" {fresh_home} " not in details + " ", "never a folder above Facteur's own"


def test_facteur_ends_without_changing_anything_when_local_folders_cannot_be_made(fresh_home: Path,
                                                                                  qtbot: Any) -> None:
    """A file where the Local Folders folder belongs: the Outbox cannot be created, the app says so and ends."""
    from gui.app import main

    data = app_folders()[0]
    data.mkdir(parents=True)
    (data / "Local Folders").write_text("in the way")
    before = sorted(str(path.relative_to(fresh_home)) for path in fresh_home.rglob("*"))
    with qtbot.captureExceptions() as exceptions:
        assert main(["facteur", "--smoke-test"]) == 1
    assert exceptions == []
    assert (data / "Local Folders").read_text() == "in the way"
    assert not list(data.glob("*.damaged-*")) and not list(data.glob("outbox*")), "nothing moved or created"
    after = sorted(str(path.relative_to(fresh_home)) for path in fresh_home.rglob("*"))
    assert set(after) - set(before) <= {p for p in after if not p.startswith("data/")}
