"""The stand-alone bundle: built by PyInstaller, it starts without Python and shows the main window.

Marked ``package``: building takes about a minute. Run with ``pytest -m package tests/packaging``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from gui.accounts import APP_ID
from tests.packaging.desktop_exec import desktop_keys, exec_argv

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.package,
    pytest.mark.timeout(900),
    pytest.mark.skipif(not (ROOT / "gui" / "app.py").exists() or not (ROOT / "gui" / "__main__.py").exists(),
                       reason="gui/app.py and gui/__main__.py (the app's entry point) do not exist yet"),
]


def app_env(tmp_path: Path) -> dict[str, str]:
    """A fresh person's session: no display, throwaway settings and data."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[variable] = str(tmp_path / variable.lower())
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"  # Chromium's sandbox refuses to run as root
    return env


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(bundle folder, archive), built once for the module."""
    pytest.importorskip("PyInstaller", reason="PyInstaller is not installed: pip install -e '.[package]'")
    out = tmp_path_factory.mktemp("package")
    result = subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"), "--dist", str(out / "dist"),
                             "--work", str(out / "work")], capture_output=True, text=True, timeout=850, cwd=ROOT,
                            env={**os.environ, "FACTEUR_MICROSOFT_CLIENT_ID": BUILD_CLIENT_ID})
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    archive = Path(result.stdout.strip().splitlines()[-1])
    return out / "dist" / "facteur", archive


BUILD_CLIENT_ID = "facteur-bundle-test-client"


def test_the_build_time_oauth_client_reaches_the_bundle(built: tuple[Path, Path]) -> None:
    bundle, _archive = built
    carried = json.loads((bundle / "_internal" / "resources" / "oauth_clients.json").read_text(encoding="utf-8"))
    assert carried == {"microsoft": {"client_id": BUILD_CLIENT_ID}}


def test_the_bundle_carries_qtwebengine_the_icon_and_the_translations(built: tuple[Path, Path]) -> None:
    bundle, _archive = built
    internal = bundle / "_internal"
    qt = internal / "PySide6" / "Qt"
    expected = [
        bundle / "facteur",
        bundle / "install.sh",
        bundle / "README.txt",
        qt / "libexec" / "QtWebEngineProcess",
        qt / "resources" / "qtwebengine_resources.pak",
        qt / "resources" / "icudtl.dat",
        qt / "translations" / "qtwebengine_locales" / "en-US.pak",
        qt / "translations" / "qtwebengine_locales" / "fr.pak",
        qt / "translations" / "qtbase_fr.qm",
        qt / "plugins" / "imageformats" / "libqsvg.so",
        qt / "plugins" / "platforms" / "libqxcb.so",
        qt / "plugins" / "platforms" / "libqwayland.so",
        internal / "resources" / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        internal / "resources" / "icons" / "hicolor" / "16x16" / "apps" / f"{APP_ID}.png",
        internal / "resources" / "translations" / "facteur_fr.qm",
        internal / "resources" / "translations" / "facteur_en.qm",
        internal / "resources" / "linux" / f"{APP_ID}.desktop",
    ]
    missing = [str(path.relative_to(bundle)) for path in expected if not path.exists()]
    assert not missing, f"missing from the bundle: {missing}"
    assert os.access(bundle / "facteur", os.X_OK)
    # Qt's catalogues only for the languages Facteur speaks; no QML plugins the app never loads.
    assert not (qt / "translations" / "qtbase_de.qm").exists()
    assert not (qt / "qml").exists()


def test_the_built_program_opens_its_main_window(built: tuple[Path, Path], tmp_path: Path) -> None:
    bundle, _archive = built
    result = subprocess.run([str(bundle / "facteur"), "--smoke-test"], env=app_env(tmp_path),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_the_built_program_parses_messages_in_a_child_of_its_own(built: tuple[Path, Path],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The app parses incoming mail in child processes (connectors.messaging.parse_process); a bundle has no Python
    to run, so its children are the program itself started with --facteur-parse-messages. Here this test's own
    parser starts the bundle's program as its child, as the bundled app would (sys.frozen, sys.executable)."""
    from connectors.messaging.mime import parse_message
    from connectors.messaging.parse_process import MessageParser

    bundle, _archive = built
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(bundle / "facteur"))
    raw = (b"From: Ana <ana@example.test>\r\nTo: bob@example.test\r\nSubject: =?utf-8?q?Caf=C3=A9?=\r\n"
           b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n"
           b"Content-Type: text/plain; charset=utf-8\r\n\r\nBonjour \xc3\xa0 tous\r\n--b\r\n"
           b"Content-Type: application/pdf; name=\"../../r\xc3\xa9sum\xc3\xa9.pdf\"\r\n"
           b"Content-Disposition: attachment; filename=\"../../r\xc3\xa9sum\xc3\xa9.pdf\"\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n")
    parser = MessageParser(processes=1)
    try:
        result = parser.parse(raw, with_text=True)
        (pid,) = parser.pids
        assert Path(f"/proc/{pid}/exe").resolve() == (bundle / "facteur").resolve()
    finally:
        parser.close()
    assert result.message == parse_message(raw)
    assert result.text is not None and "Bonjour à tous" in result.text
    assert parser.pids == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the tarball and install.sh are for Linux")
def test_the_tarball_unpacks_into_a_program_the_menu_entry_starts(built: tuple[Path, Path], tmp_path: Path) -> None:
    _bundle, archive = built
    assert archive.name.endswith(".tar.gz") and archive.stat().st_size > 50_000_000
    with tarfile.open(archive) as tar:
        # Extraction filters came with Python 3.11.4; Debian 12's python3 is 3.11.2 (the archive is our own).
        if hasattr(tarfile, "data_filter"):
            tar.extractall(tmp_path / "unpacked", filter="data")
        else:
            tar.extractall(tmp_path / "unpacked")
    (unpacked,) = (tmp_path / "unpacked").iterdir()
    data_home = tmp_path / "data"
    result = subprocess.run([str(unpacked / "install.sh")], env={**os.environ, "XDG_DATA_HOME": str(data_home)},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    entry = data_home / "applications" / f"{APP_ID}.desktop"
    if shutil.which("desktop-file-validate"):
        validation = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert validation.returncode == 0 and not validation.stdout.strip(), validation.stdout
    argv = exec_argv(desktop_keys(entry)["Exec"])
    assert argv == [str(unpacked / "facteur"), "%u"]
    assert (data_home / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png").exists()
    # What a double-click on the menu entry runs, with the smoke-test flag in place of the URL.
    started = subprocess.run([*argv[:-1], "--smoke-test"], env=app_env(tmp_path), capture_output=True, text=True,
                             timeout=120)
    assert started.returncode == 0, started.stdout[-3000:] + started.stderr[-3000:]
