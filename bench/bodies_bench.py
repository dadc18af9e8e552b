"""Downloading every body for offline use: Facteur against mbsync + notmuch new, on one Dovecot, in one run (13.6).

    python -m bench.bodies_bench [--count 100000]

A folder of generated mail (bench/mailgen.py) is seeded into a loopback Dovecot with TLS and Facteur's store gets
its headers (a first sync, not timed). One raw ``UID FETCH 1:* (BODY.PEEK[])`` read off the socket and not parsed
warms Dovecot's caches for everyone and is the wire's floor. Then, timed: ``mbsync`` pulling the folder into a
Maildir and ``notmuch new`` indexing it (the peers: together they give what Facteur's download gives, every
message on disk and searchable), and Facteur's ``prefetch_bodies`` in its own process (bench/facteur_sync.py):
every whole message fetched, compressed into the store and its text added to the full-text index. Everything
lives on /dev/shm when there is one (no disk in either path). Wall time, CPU time of each side's processes (not
Dovecot's) and the load average are printed: on a shared machine compare the rows of one run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.header_sync import PASSWORD, USER, raw_fetch, seed  # noqa: E402
from bench.sync_bench import mbsync  # noqa: E402
from tests.servers.ca import TestCA  # noqa: E402
from tests.servers.dovecot import DovecotServer  # noqa: E402

FOLDER = "Bench-bodies"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def facteur(action: str, port: int, ca: Path, store: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.facteur_sync", action, "--port", str(port), "--user", USER,
               "--password", PASSWORD, "--ca", str(ca), "--store", str(store), "--folder", FOLDER]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def notmuch_new(maildir: Path, work: Path) -> None:
    config = work / "notmuch-config"
    config.write_text(f"[database]\npath={maildir}\n[user]\nname=Alice\nprimary_email={USER}\n[new]\n"
                      "tags=unread;inbox;\n[maildir]\nsynchronize_flags=true\n", encoding="utf-8")
    subprocess.run(["notmuch", "new", "--quiet"], check=True, env={**os.environ, "NOTMUCH_CONFIG": str(config)},
                   stderr=subprocess.DEVNULL)


def timed_child(action: Any) -> tuple[float, float]:
    """Wall seconds and CPU seconds of the child processes ``action`` runs."""
    cpu, started = children_cpu(), time.perf_counter()
    action()
    return time.perf_counter() - started, children_cpu() - cpu


def measure(count: int) -> list[tuple[str, str]]:
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    work = Path(tempfile.mkdtemp(prefix="facteur-bodies-bench-", dir=base))
    rows: list[tuple[str, str]] = []

    def row(measure: str, value: str) -> None:
        rows.append((measure, value))
        print(f"{measure:<58} {value}", flush=True)

    try:
        ca = TestCA(work / "ca")
        with DovecotServer(work / "dovecot", ca, {USER: PASSWORD}) as server:
            port = server.imaps_port
            started = time.perf_counter()
            seed(server, FOLDER, count)
            print(f"seeded {count:,} messages in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
            store = work / "store.sqlite3"
            headers = facteur("initial", port, ca.cert_path, store)
            if headers["added"] != count:
                raise RuntimeError(f"the header sync stored {headers['added']} of {count}")
            raw_fetch(port, ca.cert_path, FOLDER, b"(BODY.PEEK[])")  # warm Dovecot for both sides
            load_before = os.getloadavg()[0]
            floor, floor_bytes = raw_fetch(port, ca.cert_path, FOLDER, b"(BODY.PEEK[])")
            peers = work / "peers"
            peers.mkdir()
            pulled, pulled_cpu = timed_child(lambda: mbsync(port, ca.cert_path, FOLDER, peers))
            maildir = peers / f"maildir-{FOLDER}"
            indexed, indexed_cpu = timed_child(lambda: notmuch_new(maildir, peers))
            load_between = os.getloadavg()[0]
            ours = facteur("prefetch", port, ca.cert_path, store)
            load_after = os.getloadavg()[0]
            if ours["fetched"] != count:
                raise RuntimeError(f"Facteur fetched {ours['fetched']} of {count}")
            peers_total = pulled + indexed
            row("floor: raw UID FETCH 1:* (BODY.PEEK[]), read not parsed",
                f"{floor:.1f} s ({floor_bytes / 1e6:.0f} MB)")
            row("mbsync pull (whole messages into a Maildir)", f"{pulled:.1f} s (CPU {pulled_cpu:.1f} s)")
            row("notmuch new (index the pulled Maildir)", f"{indexed:.1f} s (CPU {indexed_cpu:.1f} s)")
            row("mbsync + notmuch new", f"{peers_total:.1f} s (CPU {pulled_cpu + indexed_cpu:.1f} s)")
            row("Facteur: download, compress and index every body",
                f"{ours['seconds']:.1f} s (CPU {ours['cpu_seconds']:.1f} s)")
            row("Facteur ÷ (mbsync + notmuch new), wall", f"{ours['seconds'] / peers_total:.2f}")
            row("Facteur ÷ (mbsync + notmuch new), CPU",
                f"{ours['cpu_seconds'] / (pulled_cpu + indexed_cpu):.2f}")
            row("Facteur: peak RSS", f"{ours['peak_rss_mb']:.0f} MB")
            row("Facteur: store with bodies, per message", f"{store_bytes(store) / count:.0f} B")
            row("load average (1 min): before, between, after", f"{load_before:.1f}, {load_between:.1f}, "
                                                                 f"{load_after:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rows


def store_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    for tool in ("mbsync", "notmuch"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: scripts/install-system-deps.sh bench")
    rows = measure(args.count)
    print(f"\n`python -m bench.bodies_bench --count {args.count}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
          f", {os.cpu_count()} cores\n\n| measure | {args.count:,} messages |\n|---|---|")
    for measure_name, value in rows:
        print(f"| {measure_name} | {value} |")


if __name__ == "__main__":
    main()
