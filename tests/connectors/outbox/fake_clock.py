"""A clock the test moves, for code that takes ``clock: Callable[[], float]`` (epoch seconds)."""

from __future__ import annotations


class FakeClock:
    """Epoch seconds that only move when the test says so."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
