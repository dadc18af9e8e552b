"""Sync and search benchmarks against a real Dovecot, side by side with baselines; writes bench/RESULTS.md.

    python -m bench.sync_bench [--small 10000] [--large 100000] [--rtt-ms 25]

Seeds Dovecot (MULTIAPPEND in chunks) with realistic mail, then measures, each in a fresh process:
Facteur's first header sync on loopback and through a proxy adding a home connection's round-trip time,
a plain imaplib loop fetching headers one message at a time, mbsync (isync) pulling the same folder,
no-change and 100-flags-changed resyncs, full-text search against notmuch over the same mail, store size and
peak memory. Nothing here runs in the test suite.
"""

from __future__ import annotations

import argparse
import imaplib
import json
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.facteur_sync import QUERIES
from bench.mailgen import messages
from tests.servers.ca import TestCA
from tests.servers.dovecot import DovecotServer
from tests.servers.proxy import FaultyProxy

USER, PASSWORD = "alice@example.test", "bench-password"
RESULTS = Path(__file__).with_name("RESULTS.md")
# notmuch's spelling of the same 20 searches (tag:unread is what notmuch knows of \Seen after mbsync: nothing).
NOTMUCH_QUERIES = [q.replace("has:attachment", "tag:attachment").replace("is:unread", "tag:unread")
                   .replace("-outage", "not outage") for q in QUERIES]


def run_facteur(action: str, port: int, store: Path, ca: Path, folder: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.facteur_sync", action, "--port", str(port), "--user", USER,
               "--password", PASSWORD, "--ca", str(ca), "--store", str(store), "--folder", folder]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def imaplib_one_by_one(port: int, ca: Path, folder: str, limit: int | None = None) -> tuple[float, int]:
    """The naive baseline: one UID FETCH round trip per message."""
    context = ssl.create_default_context(cafile=str(ca))
    started = time.perf_counter()
    with imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=context) as imap:
        imap.login(USER, PASSWORD)
        imap.select(f'"{folder}"', readonly=True)
        _, data = imap.uid("SEARCH", "ALL")
        uids = data[0].split()[:limit] if limit else data[0].split()
        for uid in uids:
            imap.uid("FETCH", uid, "(FLAGS RFC822.SIZE BODY.PEEK[HEADER])")
    return time.perf_counter() - started, len(uids)


def mbsync(port: int, ca: Path, folder: str, work: Path) -> float:
    maildir = work / f"maildir-{folder}"
    maildir.mkdir(parents=True, exist_ok=True)
    config = work / f"mbsyncrc-{folder}"
    # mbsync checks the certificate's CN, not an IP SAN: it connects to "localhost".
    config.write_text(
        f"IMAPAccount bench\nHost localhost\nPort {port}\nUser {USER}\nPass {PASSWORD}\nSSLType IMAPS\n"
        f"CertificateFile {ca}\n\nIMAPStore remote\nAccount bench\n\n"
        f"MaildirStore local\nPath {maildir}/\nInbox {maildir}/INBOX\nSubFolders Verbatim\n\n"
        f"Channel pull\nFar :remote:\nNear :local:\nPatterns \"{folder}\"\nCreate Near\nSync Pull\n"
        f"SyncState *\n", encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(["mbsync", "-c", str(config), "-q", "pull"], check=True)
    return time.perf_counter() - started


def notmuch(maildir: Path, work: Path) -> tuple[float, float]:
    env = {**os.environ, "NOTMUCH_CONFIG": str(work / "notmuch-config")}
    Path(env["NOTMUCH_CONFIG"]).write_text(
        f"[database]\npath={maildir}\n[user]\nname=Alice\nprimary_email={USER}\n[new]\ntags=unread;inbox;\n"
        "[maildir]\nsynchronize_flags=true\n", encoding="utf-8")
    started = time.perf_counter()
    subprocess.run(["notmuch", "new", "--quiet"], check=True, env=env)
    indexing = time.perf_counter() - started
    timings = []
    for query in NOTMUCH_QUERIES:
        t = time.perf_counter()
        subprocess.run(["notmuch", "search", "--limit=50", query], check=True, env=env, capture_output=True)
        timings.append(time.perf_counter() - t)
    return indexing, statistics.median(timings) * 1000


def store_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def change_flags_elsewhere(server: DovecotServer, folder: str, count: int) -> None:
    client = server.client(USER)
    client.select_folder(folder)
    uids = client.search(["ALL"])
    client.add_flags(uids[-count:], [b"\\Flagged"])
    client.logout()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--rtt-ms", type=float, default=25.0)
    args = parser.parse_args()
    for tool in ("mbsync", "notmuch"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: scripts/install-system-deps.sh bench")

    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    work = Path(tempfile.mkdtemp(prefix="facteur-bench-", dir=base))
    rows: list[tuple[str, str, str, str]] = []  # measure, Facteur, baseline, target

    def row(measure: str, ours: str, baseline: str = "", target: str = "") -> None:
        rows.append((measure, ours, baseline, target))
        print(f"{measure:<48} {ours:>14} {baseline:>30} {target:>12}", flush=True)

    ca = TestCA(work / "ca")
    small_folder, large_folder = "Bench-small", "Bench-large"
    try:
        with DovecotServer(work / "dovecot", ca, {USER: PASSWORD}) as server:
            started = time.perf_counter()
            for folder, count in ((small_folder, args.small), (large_folder, args.large)):
                batch: list[bytes] = []
                for raw in messages(count):
                    batch.append(raw)
                    if len(batch) == 5000:
                        server.seed(USER, folder, batch)
                        batch = []
                if batch:
                    server.seed(USER, folder, batch)
            print(f"Seeded {args.small + args.large} messages in {time.perf_counter() - started:.1f} s", flush=True)
            port = server.imaps_port
            delay = args.rtt_ms / 2000
            with FaultyProxy(port, delay=delay) as slow:
                for folder, count in ((small_folder, args.small), (large_folder, args.large)):
                    label = f"{count // 1000}k" if count >= 1000 else str(count)
                    fast = run_facteur("initial", port, work / f"s-{label}.db", ca.cert_path, folder)
                    target = "≤ 15 s" if count >= 100_000 else ""
                    row(f"First header sync, {label}, loopback", f"{fast['seconds']:.1f} s", "", target)
                    slow_run = run_facteur("initial", slow.port, work / f"s-{label}-rtt.db", ca.cert_path, folder)
                    row(f"First header sync, {label}, {args.rtt_ms:g} ms RTT", f"{slow_run['seconds']:.1f} s", "",
                        target)
                    if count == args.small:
                        naive, n = imaplib_one_by_one(port, ca.cert_path, folder)
                        row(f"  baseline: imaplib one by one, {label}, loopback", "", f"{naive:.1f} s")
                        sample, n = imaplib_one_by_one(slow.port, ca.cert_path, folder, limit=500)
                        row(f"  baseline: imaplib one by one, {label}, {args.rtt_ms:g} ms RTT", "",
                            f"{sample * count / n:.0f} s (from {n})")
                    pulled = mbsync(port, ca.cert_path, folder, work)
                    row(f"  baseline: mbsync pull (whole messages), {label}", "", f"{pulled:.1f} s")
                    if count == args.large:
                        size = store_bytes(work / f"s-{label}.db")
                        row(f"Store size per message, {label}, no bodies", f"{size / count:.0f} B", "", "≤ 1024 B")
                        row(f"Peak RSS, first sync {label}", f"{fast['peak_rss_mb']:.0f} MB")
                        nochange = run_facteur("resync", port, work / f"s-{label}.db", ca.cert_path, folder)
                        row(f"No-change resync, {label}", f"{nochange['seconds'] * 1000:.0f} ms", "", "≤ 100 ms")
                        change_flags_elsewhere(server, folder, 100)
                        flagged = run_facteur("resync", port, work / f"s-{label}.db", ca.cert_path, folder)
                        row(f"Resync after 100 flags changed elsewhere, {label}",
                            f"{flagged['seconds'] * 1000:.0f} ms ({flagged['changed']} changed)")
                        prefetch = run_facteur("prefetch", port, work / f"s-{label}.db", ca.cert_path, folder)
                        row(f"Download and index all bodies, {label}", f"{prefetch['seconds']:.0f} s")
                        search = run_facteur("search", port, work / f"s-{label}.db", ca.cert_path, folder)
                        indexing, notmuch_median = notmuch(work / f"maildir-{folder}", work)
                        row(f"  baseline: notmuch new (index the pulled mail), {label}", "", f"{indexing:.0f} s")
                        row(f"Full-text search, median of 20 queries, {label}", f"{search['median_ms']:.1f} ms",
                            f"notmuch search: {notmuch_median:.1f} ms", "≤ 50 ms")
                        row(f"Peak RSS, body download {label}", f"{prefetch['peak_rss_mb']:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write_results(rows, args)


def write_results(rows: list[tuple[str, str, str, str]], args: argparse.Namespace) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"`python -m bench.sync_bench --small {args.small} --large {args.large} --rtt-ms {args.rtt_ms:g}` on "
        f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d')}. Dovecot 2.3 on loopback with TLS; the RTT rows go "
        "through a loopback proxy delaying each direction by half the round-trip time. Each Facteur measure runs "
        "in its own process. Generated by the script: edit the notes below, not the table.",
        "",
        "| Measure | Facteur | Baseline | Target |",
        "|---|---|---|---|",
        *[f"| {m} | {o} | {b} | {t} |" for m, o, b, t in rows],
        "",
    ]
    notes = RESULTS.read_text(encoding="utf-8").split("## Notes", 1)[1] if RESULTS.exists() and \
        "## Notes" in RESULTS.read_text(encoding="utf-8") else "\n(no notes yet)\n"
    RESULTS.write_text("\n".join(lines) + "## Notes" + notes, encoding="utf-8")
    print(f"\nWrote {RESULTS}")


if __name__ == "__main__":
    main()
