"""Child processes for kill -9 tests: a Facteur job run by ``python -m MODULE '<job as JSON>'``, killed with
SIGKILL at a point the test picks from what the child printed (or from what a proxy saw), never after a delay.

Each child imports this checkout (its folder is the child's working directory and PYTHONPATH). Its printed lines
arrive in a queue, so every wait has a bound; ``close()`` leaves no process behind.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
WAIT = 60  # seconds a child may take to reach its kill point on a busy machine (a bound, never a delay)


class Child:
    """One child process running ``module`` on ``job``."""

    def __init__(self, module: str, job: dict[str, Any]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", module, json.dumps(job)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.strip())
        self._queue.put(None)

    def wait_for(self, word: str) -> str:
        """The next printed line starting with ``word`` (failing if the child ends or takes too long first)."""
        while True:
            try:
                line = self._queue.get(timeout=WAIT)
            except queue.Empty:
                pytest.fail(f"the child never printed {word!r}; it printed {self.lines}")
            if line is None:
                pytest.fail(f"the child ended before printing {word!r}: {self.lines}\n{self.stderr()}")
            self.lines.append(line)
            if line.startswith(word):
                return line

    def stderr(self) -> str:
        assert self.process.stderr is not None
        return self.process.stderr.read() if self.process.poll() is not None else ""

    def kill(self) -> None:
        """SIGKILL, as a crash, the OOM killer or a power cut would end it; then read what it printed before."""
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(WAIT) == -signal.SIGKILL
        while (line := self._queue.get(timeout=WAIT)) is not None:
            self.lines.append(line)

    def finish(self) -> None:
        code = self.process.wait(WAIT)
        assert code == 0, self.stderr()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


class Children:
    """The children a test started (the ``children`` fixture closes them all)."""

    def __init__(self) -> None:
        self.made: list[Child] = []

    def start(self, module: str, job: dict[str, Any]) -> Child:
        child = Child(module, job)
        self.made.append(child)
        return child

    def close(self) -> None:
        for child in self.made:
            child.close()
