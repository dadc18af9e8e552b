"""What the GUI thread was doing during its stalls: a thread that takes the GUI thread's Python stack every few
milliseconds (``sys._current_frames``), so that each long gap of the stall probe can be explained by the stacks
sampled inside it. When the sampler itself wakes late (it waited for the interpreter lock, or for a core), it also
records every other thread's stack: whoever ran Python meanwhile is among them.

Used by ``bench/timings/test_gui_stalls.py`` and ``test_bodies_timings.py`` with ``--stall-sample``; prints, for each
of the longest gaps, its most frequent GUI stacks (innermost frame last) and the other threads seen on late wakes.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections import Counter
from types import FrameType

INTERVAL_S = 0.002
LATE_S = 0.02
DEPTH = 8


def _stack(frame: FrameType | None, depth: int = DEPTH) -> tuple[str, ...]:
    frames = traceback.extract_stack(frame, limit=depth) if frame is not None else []
    return tuple(f"{entry.filename.rsplit('/', 2)[-2:][-1]}:{entry.lineno} {entry.name}" for entry in frames)


class StackSampler:
    def __init__(self, thread_ident: int | None = None) -> None:
        self._target = thread_ident if thread_ident is not None else threading.get_ident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stall-sampler", daemon=True)
        self.samples: list[tuple[float, tuple[str, ...]]] = []
        self.late: list[tuple[float, float, dict[str, tuple[str, ...]]]] = []  # when, how late, other stacks
        self.cpu: list[tuple[float, dict[str, float]]] = []  # every ~20 ms: each thread's time on a core so far
        self._native_id = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _threads_cpu() -> dict[str, float]:
        """Seconds on a core of each thread of this process (``comm (tid)``), from /proc/self/task/*/schedstat.
        (Reading them costs the sampler a few ms of a core each time: keep the sampler off for the numbers.)"""
        found = {}
        for tid in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{tid}/comm") as comm, open(f"/proc/self/task/{tid}/schedstat") as stat:
                    found[f"{comm.read().strip()} ({tid})"] = int(stat.read().split()[0]) / 1e9
            except (OSError, ValueError, IndexError):
                continue
        return found

    def _run(self) -> None:
        self._native_id = threading.get_native_id()
        names = {thread.ident: thread.name for thread in threading.enumerate()}
        expected = time.perf_counter() + INTERVAL_S
        next_cpu = 0.0
        while not self._stop.wait(INTERVAL_S):
            now = time.perf_counter()
            if now >= next_cpu:
                self.cpu.append((now, self._threads_cpu()))
                next_cpu = now + 0.02
            frames = sys._current_frames()  # noqa: SLF001 - the only way to see another thread's stack
            self.samples.append((now, _stack(frames.get(self._target))))
            if now - expected > LATE_S:
                if len(names) != len(frames):
                    names = {thread.ident: thread.name for thread in threading.enumerate()}
                others = {f"{names.get(ident, ident)}": _stack(frame, 5) for ident, frame in frames.items()
                          if ident not in (self._target, threading.get_ident())}
                self.late.append((now, now - expected, others))
            expected = time.perf_counter() + INTERVAL_S

    def report(self, gaps: list[tuple[float, float]], top: int = 5) -> str:
        """The stacks sampled inside each of ``gaps`` (start, end; perf_counter), longest gaps first."""
        lines = []
        for start, end in sorted(gaps, key=lambda gap: gap[0] - gap[1])[:top]:
            inside = Counter(stack for when, stack in self.samples if start <= when <= end)
            lines.append(f"-- gap of {(end - start) * 1000:.0f} ms: {sum(inside.values())} GUI samples")
            before = [snap for when, snap in self.cpu if when <= start]
            after = [snap for when, snap in self.cpu if when >= end]
            if before and after:
                used = {name: after[0][name] - seconds for name, seconds in before[-1].items() if name in after[0]}
                mine = f"({self._native_id})"
                busy = sorted(((ms, name) for name, ms in used.items() if ms > 0.002 and not name.endswith(mine)),
                              reverse=True)
                lines.append("   this process's threads on a core meanwhile: "
                             + ", ".join(f"{name} {ms * 1000:.0f} ms" for ms, name in busy[:6]))
            for stack, count in inside.most_common(4):
                lines.append(f"   {count:3d} x " + " > ".join(stack[-6:]))
            for when, lateness, others in self.late:
                if start <= when <= end + 0.01:
                    lines.append(f"   sampler {lateness * 1000:.0f} ms late; other threads:")
                    for name, stack in others.items():
                        if stack and not stack[-1].endswith((" wait", " _wait_for_tstate_lock", " select")):
                            lines.append(f"      {name}: " + " > ".join(stack[-4:]))
        return "\n".join(lines)
