"""Hostile mail never reaches the network without consent: every message of :mod:`tests.gui.hostile.vectors` is
opened in the real reader inside a sealed network, where any DNS query or connection is logged (see
:mod:`tests.gui.hostile.harness`).

Each wall is proven alone: the run is made with both walls (as shipped), with the engine's wall taken down (the
sanitiser alone), and with the sanitiser taken down (the engine alone). A control run with both walls down must see
the leaks, or the sealed network would prove nothing.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.gui.hostile.sealed import start_sealed, unavailable_reason
from tests.gui.hostile.vectors import cases

# Four web engines run side by side, each through about a hundred messages.
pytestmark = pytest.mark.timeout(900)

WALLED = ("both", "engine", "sanitiser")
CASES = cases()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    results: dict[str, dict[str, Any]] = {}
    for pair in (("both", "none"), ("engine", "sanitiser")):  # two engines at a time: the machine has two cores
        started: dict[str, tuple[subprocess.Popen[str], Path]] = {}
        for mode in pair:
            workdir = tmp_path_factory.mktemp(f"sealed-{mode}")
            started[mode] = (start_sealed("tests.gui.hostile.harness", [mode, str(workdir / "contacts.json")],
                                          workdir), workdir)
        for mode, (process, workdir) in started.items():
            code = process.wait(timeout=420)
            output = (workdir / "output.log").read_text(errors="replace")
            assert code == 0, f"the {mode} run failed:\n{output[-4000:]}"
            results[mode] = json.loads((workdir / "contacts.json").read_text())
    return results


@pytest.mark.parametrize("mode", WALLED)
@pytest.mark.parametrize("case", [case.name for case in CASES])
def test_no_contact_without_consent(runs: dict[str, dict[str, Any]], mode: str, case: str) -> None:
    assert runs[mode][case]["leaks"] == []


@pytest.mark.parametrize("mode", WALLED)
def test_no_contact_of_any_other_kind(runs: dict[str, dict[str, Any]], mode: str) -> None:
    assert runs[mode]["_unattributed"]["leaks"] == []


@pytest.mark.parametrize("mode", WALLED)
def test_consent_still_loads_what_was_allowed(runs: dict[str, dict[str, Any]], mode: str) -> None:
    for case in CASES:
        if case.expect_allowed_contact:
            assert runs[mode][case.name]["allowed"], f"{case.name}: the allowed content never loaded"


def test_the_sealed_network_sees_leaks_when_both_walls_are_down(runs: dict[str, dict[str, Any]]) -> None:
    control = runs["none"]
    for name in ("img-src", "css-url-unquoted", "css-url-escaped", "css-style-import", "preconnect",
                 "preconnect-entity-rel", "preconnect-gt-in-quoted-attribute", "iframe-srcdoc", "svg-image",
                 "base-href"):
        assert control[name]["leaks"], f"{name} did not leak even with both walls down: the harness is blind"
