"""One Facteur per profile, with real processes: a later launch hands its arguments over and exits 0, the first
one acts on them; a socket left by a crash does not stop the next start."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from gui.single_instance import InstanceGuard, absolute_arguments
from tests.conftest import make_message

ROOT = Path(__file__).resolve().parents[2]


def _environment(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               XDG_CACHE_HOME=str(home / "cache"), XDG_STATE_HOME=str(home / "state"),
               XDG_RUNTIME_DIR=str(home / "run"), QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    (home / "run").mkdir(mode=0o700, parents=True, exist_ok=True)
    return env


# The first Facteur, through main(); it reports what another launch made it open, then quits.
FIRST = textwrap.dedent("""
    import json, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    import gui.app as app_module
    import gui.single_instance as single_instance

    listen = single_instance.InstanceGuard.listen
    def announce(self):
        ok = listen(self)
        print("listening" if ok else "not listening", flush=True)
        return ok
    single_instance.InstanceGuard.listen = announce

    bring_forward = app_module._bring_forward
    def report(window, arguments):
        bring_forward(window, arguments)
        # A reader window reads and parses its file in the pool: report once every one has shown its message.
        readers = [widget for widget in QApplication.topLevelWidgets()
                   if widget.isVisible() and widget.objectName() == "readerWindow"]
        waiting = [reader for reader in readers if reader.message is None]

        def describe():
            seen = {"arguments": arguments, "windows": []}
            for widget in QApplication.topLevelWidgets():
                if widget.isVisible() and widget.objectName() == "readerWindow":
                    seen["windows"].append(["reader", widget.reader.headers.subject.text()])
                elif widget.isVisible() and hasattr(widget, "header"):
                    seen["windows"].append(["composer", widget.header.to_field.text()])
            print("forwarded " + json.dumps(seen), flush=True)
            def close_all():
                for widget in QApplication.topLevelWidgets():
                    widget.close()
            QTimer.singleShot(0, close_all)

        def one_shown(reader):
            waiting.remove(reader)
            if not waiting:
                describe()

        if not waiting:
            describe()
        for reader in list(waiting):
            reader.shown.connect(lambda reader=reader: one_shown(reader))
    app_module._bring_forward = report
    sys.exit(app_module.main(["facteur"]))
""")


def _start_first(env: dict[str, str]) -> subprocess.Popen[str]:
    first = subprocess.Popen([sys.executable, "-c", FIRST], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    assert first.stdout is not None
    line = first.stdout.readline().strip()
    assert line == "listening", line
    return first


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(30)


def test_a_second_launch_hands_mailto_and_eml_to_the_first_and_exits(tmp_path: Path) -> None:
    env = _environment(tmp_path)
    eml = tmp_path / "saved.eml"
    eml.write_bytes(make_message("Handed over", sender="dana@example.test"))
    first = _start_first(env)
    try:
        # A relative path: the first process's working folder is another one.
        second = subprocess.run([sys.executable, "-m", "gui", "mailto:bob@example.test?subject=Hi", "saved.eml"],
                                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stderr
        assert first.stdout is not None
        line = first.stdout.readline().strip()
        assert line.startswith("forwarded "), line
        seen = json.loads(line.removeprefix("forwarded "))
        assert seen["arguments"] == ["mailto:bob@example.test?subject=Hi", str(eml)]
        kinds = sorted(kind for kind, _ in seen["windows"])
        assert kinds == ["composer", "reader"]
        assert ["reader", "Handed over"] in seen["windows"]
        assert any(kind == "composer" and "bob@example.test" in text for kind, text in seen["windows"])
        assert first.wait(60) == 0
    finally:
        _stop(first)


def test_a_socket_left_by_a_crash_does_not_stop_the_next_start(tmp_path: Path, qtbot: Any) -> None:
    env = _environment(tmp_path)
    crashed = _start_first(env)
    os.kill(crashed.pid, signal.SIGKILL)
    crashed.wait(30)
    run = tmp_path / "run"
    assert list(run.glob("facteur-*.sock")), "the crash left its socket behind"

    guard = _guard_for(env)
    try:
        assert guard.acquire(), "the lock went with the crashed process"
        assert guard.listen()
        with qtbot.waitSignal(guard.argumentsReceived, timeout=30000) as received:
            later = subprocess.Popen([sys.executable, "-m", "gui", "mailto:carol@example.test"], cwd=tmp_path,
                                     env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            qtbot.waitUntil(lambda: later.poll() is not None, timeout=60000)
        assert received.args == [["mailto:carol@example.test"]]
        assert later.returncode == 0
    finally:
        guard.close()


def _guard_for(env: dict[str, str]) -> InstanceGuard:
    """This test process's guard on the child processes' profile (same config, data and runtime folders)."""
    saved = {key: os.environ.get(key) for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR")}
    os.environ.update({key: env[key] for key in saved})
    try:
        return InstanceGuard()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_only_the_owner_of_the_profile_listens(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    first, second = InstanceGuard(folder, key="p"), InstanceGuard(folder, key="p")
    other_profile = InstanceGuard(folder, key="q")
    try:
        assert first.acquire() and not second.acquire()
        assert other_profile.acquire(), "another profile has its own Facteur"
        with pytest.raises(RuntimeError):
            second.listen()
        assert not second.forward(["x"], timeout_s=0.5), "nobody listens yet: the handover gives up"
        assert not second.owner
    finally:
        for guard in (first, second, other_profile):
            guard.close()
    assert second.acquire(), "closing the owner lets the next start own the profile"
    second.close()


def test_paths_are_made_absolute_and_urls_kept(tmp_path: Path) -> None:
    assert absolute_arguments(["a.eml", "mailto:x@example.test", "--smoke-test", str(tmp_path / "b.eml")],
                              cwd=tmp_path) == [str(tmp_path / "a.eml"), "mailto:x@example.test", "--smoke-test",
                                                str(tmp_path / "b.eml")]
