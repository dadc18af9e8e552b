"""packaging/install.sh: the menu entry, icons and metainfo go under the XDG data dir, and come out again."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from gui import resources
from gui.accounts import APP_ID
from tests.packaging.desktop_exec import desktop_keys, exec_argv, unescape_string

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "packaging" / "install.sh"
VENV = ROOT / ".venv" / "bin"


def run_install(data_home: Path | str, *args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(data_home)}
    if home is not None:
        env["HOME"] = str(home)
    return subprocess.run([str(INSTALL), *args], env=env, capture_output=True, text=True, timeout=60)


def installed_files(data_home: Path) -> set[str]:
    return {str(path.relative_to(data_home)) for path in data_home.rglob(f"{APP_ID}*") if path.is_file()}


def expected_files() -> set[str]:
    icons = resources.resources_dir() / "icons" / "hicolor"
    return {f"applications/{APP_ID}.desktop", f"metainfo/{APP_ID}.metainfo.xml"} | {
        f"icons/hicolor/{path.relative_to(icons)}" for path in icons.glob(f"*/apps/{APP_ID}.*")}


def record_argv_program(folder: Path) -> Path:
    """A program that writes the arguments it was started with to argv.txt beside itself."""
    folder.mkdir(parents=True)
    program = folder / "record"
    program.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$(dirname "$0")/argv.txt"\n', encoding="utf-8")
    program.chmod(0o755)
    return program


def recorded_argv(program: Path) -> list[str]:
    """The arguments record_argv_program() was started with; gio returns before the program has run."""
    argv_file = program.parent / "argv.txt"
    deadline = time.monotonic() + 10
    while not (argv_file.exists() and argv_file.read_text(encoding="utf-8")) and time.monotonic() < deadline:
        time.sleep(0.05)
    return argv_file.read_text(encoding="utf-8").splitlines()


@pytest.mark.skipif(not VENV.is_dir(), reason="no .venv in the checkout: run `make setup` first")
def test_install_from_the_checkout_starts_its_virtualenv(tmp_path: Path) -> None:
    result = run_install(tmp_path)
    assert result.returncode == 0, result.stderr
    assert installed_files(tmp_path) == expected_files()
    entry = tmp_path / "applications" / f"{APP_ID}.desktop"
    keys = desktop_keys(entry)
    argv = exec_argv(keys["Exec"])
    if (VENV / "facteur").exists():
        assert argv == [str(VENV.resolve() / "facteur"), "%u"]
    else:
        assert argv == [str(VENV.resolve() / "python"), "-m", "gui", "%u"]
    assert Path(unescape_string(keys["TryExec"])) == Path(argv[0])
    assert exec_argv(desktop_keys(entry, "Desktop Action compose")["Exec"]) == [*argv[:-1], "mailto:"]
    # Everything else is the repository's entry, untouched.
    assert keys["MimeType"] == "x-scheme-handler/mailto;message/rfc822;"
    if shutil.which("desktop-file-validate"):
        validation = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert validation.returncode == 0 and not validation.stdout.strip(), validation.stdout


def test_uninstall_removes_what_install_put(tmp_path: Path) -> None:
    program = record_argv_program(tmp_path / "bin")
    data_home = tmp_path / "data"
    assert run_install(data_home, "--exec", str(program)).returncode == 0
    assert installed_files(data_home) == expected_files()
    result = run_install(data_home, "--uninstall")
    assert result.returncode == 0, result.stderr
    assert installed_files(data_home) == set()
    # The MIME cache, rebuilt when update-desktop-database exists, no longer offers Facteur for mailto:.
    cache = data_home / "applications" / "mimeinfo.cache"
    assert not cache.exists() or APP_ID not in cache.read_text(encoding="utf-8")


def test_a_program_path_with_reserved_characters_is_quoted_for_launchers(tmp_path: Path) -> None:
    program = record_argv_program(tmp_path / 'my "mail" $HOME `x` \\ dir')
    data_home = tmp_path / "data"
    result = run_install(data_home, "--exec", str(program))
    assert result.returncode == 0, result.stderr
    entry = data_home / "applications" / f"{APP_ID}.desktop"
    assert exec_argv(desktop_keys(entry)["Exec"]) == [str(program), "%u"]
    if shutil.which("desktop-file-validate"):
        validation = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert validation.returncode == 0 and not validation.stdout.strip(), validation.stdout
    if shutil.which("gio"):
        # GLib's launcher (GNOME's) starts the program with the URL as one argument.
        url = "mailto:bob@example.test?subject=Hello there"
        subprocess.run(["gio", "launch", str(entry), url], env={**os.environ, "XDG_DATA_HOME": str(data_home)},
                       check=True, timeout=30)
        assert recorded_argv(program) == [url]


def test_a_percent_sign_in_the_program_path_is_doubled(tmp_path: Path) -> None:
    # GLib cannot start such a program (it looks for the path before expanding %%), hence the warning.
    program = record_argv_program(tmp_path / "100% mail")
    result = run_install(tmp_path / "data", "--exec", str(program))
    assert result.returncode == 0, result.stderr
    assert "warning" in result.stderr
    keys = desktop_keys(tmp_path / "data" / "applications" / f"{APP_ID}.desktop")
    assert "100%%" in keys["Exec"]
    assert exec_argv(keys["Exec"]) == [str(program), "%u"]


def test_a_relative_xdg_data_home_is_ignored(tmp_path: Path) -> None:
    program = record_argv_program(tmp_path / "bin")
    result = run_install("relative/data", "--exec", str(program), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert installed_files(tmp_path / ".local" / "share") == expected_files()


@pytest.mark.parametrize("program", ["facteur", "/nonexistent/facteur"])
def test_install_refuses_a_program_it_cannot_point_at(tmp_path: Path, program: str) -> None:
    result = run_install(tmp_path, "--exec", program)
    assert result.returncode != 0
    assert program in result.stderr
    assert installed_files(tmp_path) == set()


@pytest.mark.skipif(shutil.which("gtk-update-icon-cache") is None, reason="gtk-update-icon-cache is not installed")
def test_an_existing_icon_cache_is_rebuilt_with_facteur_in_it(tmp_path: Path) -> None:
    hicolor = tmp_path / "icons" / "hicolor"
    (hicolor / "48x48" / "apps").mkdir(parents=True)
    # Another application's icon, so the cache has something to hold before Facteur's arrive.
    shutil.copy(resources.icon_path(48), hicolor / "48x48" / "apps" / "org.example.Other.png")
    subprocess.run(["gtk-update-icon-cache", "-q", "-t", "-f", str(hicolor)], check=True)
    assert APP_ID.encode() not in (hicolor / "icon-theme.cache").read_bytes()
    program = record_argv_program(tmp_path / "bin")
    assert run_install(tmp_path, "--exec", str(program)).returncode == 0
    assert APP_ID.encode() in (hicolor / "icon-theme.cache").read_bytes()
    assert run_install(tmp_path, "--uninstall").returncode == 0
    assert APP_ID.encode() not in (hicolor / "icon-theme.cache").read_bytes()


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream is not installed")
def test_the_installed_entry_metainfo_and_icons_agree_for_appstream(tmp_path: Path) -> None:
    # validate-tree checks the metainfo against the desktop entry and icons it names, in a /usr/share layout.
    program = record_argv_program(tmp_path / "bin")
    assert run_install(tmp_path / "root" / "usr" / "share", "--exec", str(program)).returncode == 0
    result = subprocess.run(["appstreamcli", "validate-tree", "--no-net", str(tmp_path / "root")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not any(line.lstrip().startswith(("W:", "E:")) for line in result.stdout.splitlines()), result.stdout


@pytest.mark.skipif(shutil.which("gio") is None, reason="gio (libglib2.0-bin) is not installed")
def test_facteur_is_offered_for_mailto_links_and_eml_files(tmp_path: Path) -> None:
    program = record_argv_program(tmp_path / "bin")
    data_home = tmp_path / "data"
    assert run_install(data_home, "--exec", str(program)).returncode == 0
    env = {**os.environ, "XDG_DATA_HOME": str(data_home), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    for mime_type in ("x-scheme-handler/mailto", "message/rfc822"):
        listing = subprocess.run(["gio", "mime", mime_type], env=env, capture_output=True, text=True, check=True)
        assert f"{APP_ID}.desktop" in listing.stdout, listing.stdout
    # A double-clicked .eml file reaches Facteur as a plain path, which the app opens in a reader window.
    message = tmp_path / "a saved message.eml"
    message.write_text("Subject: Hello\r\n\r\nHi\r\n", encoding="utf-8")
    subprocess.run(["gio", "launch", str(data_home / "applications" / f"{APP_ID}.desktop"), str(message)], env=env,
                   check=True, timeout=30)
    assert recorded_argv(program) == [str(message)]
