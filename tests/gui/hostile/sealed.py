"""Run a command in a network of its own: a private network namespace whose only interface is loopback, with
``/etc/resolv.conf`` pointing at 127.0.0.1 (a bind mount in a private mount namespace: the host's file is untouched).

Needs root (CI runs as root) and ``unshare``/``ip`` from util-linux and iproute2.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def unavailable_reason() -> str | None:
    """Why a sealed network cannot be made here, or None."""
    if os.geteuid() != 0:
        return "a private network namespace needs root (CI runs as root)"
    for tool in ("unshare", "ip", "mount"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (scripts/install-system-deps.sh installs it)"
    return None


def start_sealed(module: str, args: list[str], workdir: Path) -> subprocess.Popen[str]:
    """Start ``python -m module args...`` inside a sealed network, from the repository root; its output (both
    streams) goes to ``workdir/output.log``."""
    resolv = workdir / "resolv.conf"
    resolv.write_text("nameserver 127.0.0.1\noptions attempts:1 timeout:1\n")
    root = Path(__file__).resolve().parents[3]
    script = ('ip link set lo up && mount --bind "$1" /etc/resolv.conf && shift && exec "$@"')
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
    # The engine's own proxy must be the only one: no proxy from the environment.
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "no_proxy",
                 "NO_PROXY"):
        env.pop(name, None)
    command = ["unshare", "--net", "--mount", "--propagation", "private", "sh", "-c", script, "sealed",
               str(resolv), sys.executable, "-m", module, *args]
    log = (workdir / "output.log").open("w")
    return subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
