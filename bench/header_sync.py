"""First header sync side by side with the wire's floor and IMAPClient, on one Dovecot, in one run (issue 13.1/13.5).

Used by ``python -m bench.scale_bench --sync [--million]``. For each size a folder of generated mail
(bench/mailgen.py) is seeded into a loopback Dovecot with TLS, then, after one untimed pass of each FETCH shape so
that Dovecot's caches are equally warm for everyone:

* **floor**: one raw ``UID FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)``, read off the TLS socket in large
  chunks up to its tagged completion and not parsed;
* **IMAPClient**: the same command through imaplib, parsed by IMAPClient's ``parse_fetch_response`` (what
  ``IMAPClient.fetch`` does, without its per-UID argument list that Dovecot refuses past a few thousand UIDs);
* **Facteur**: a first sync of the folder into a fresh store (folder list, UID windows, header batches, store
  writes with their indexes and full-text entries), in its own process (bench/facteur_sync.py), its CPU time
  per stage, and when the newest 500 headers were in the store, counted from the start (connection and login
  included).

The folder is seeded by linking the corpus's Maildir files into it (``seed_files``; Dovecot indexes them at the
first SELECT, during the untimed pass): APPENDing a million messages took over 40 minutes. The corpus is
``bench.mailgen.header_corpus``: every message has headers of its own, its body is one of a few hundred made once
(the header sync never reads bodies), so a million messages are written in minutes.
"""

from __future__ import annotations

import imaplib
import json
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from imapclient.response_parser import parse_fetch_response

from bench.mailgen import header_corpus
from tests.servers.ca import TestCA
from tests.servers.dovecot import DovecotServer

USER, PASSWORD = "alice@example.test", "bench-password"
FLOOR_ITEMS = b"(UID FLAGS RFC822.SIZE ENVELOPE)"
FACTEUR_ITEMS = (b"(UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID IN-REPLY-TO "
                 b"REFERENCES CONTENT-TYPE)])")


def _login(port: int, ca: Path, folder: str) -> imaplib.IMAP4_SSL:
    imap = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ssl.create_default_context(cafile=str(ca)))
    imap.login(USER, PASSWORD)
    imap.select(f'"{folder}"', readonly=True)
    return imap


def raw_fetch(port: int, ca: Path, folder: str, items: bytes) -> tuple[float, int]:
    """Seconds and bytes of one ``UID FETCH 1:* items`` read off the socket and not parsed."""
    imap = _login(port, ca, folder)
    try:
        tag = imap._new_tag()  # noqa: SLF001
        end = b"\r\n" + tag + b" "
        started = time.perf_counter()
        imap.send(tag + b" UID FETCH 1:* " + items + b"\r\n")
        total, tail = 0, b""
        while True:
            chunk = imap.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("Dovecot closed the connection")
            total += len(chunk)
            tail = (tail + chunk)[-4096:]
            at = tail.rfind(end)
            if at >= 0 and tail.endswith(b"\r\n") and b"\r\n" not in tail[at + len(end):-2]:
                break
        return time.perf_counter() - started, total
    finally:
        imap.logout()


def imapclient_fetch(port: int, ca: Path, folder: str) -> tuple[float, float, int]:
    """Seconds (wall, then this process's CPU) for the floor's command read by imaplib and parsed by IMAPClient;
    how many messages it gave."""
    imap = _login(port, ca, folder)
    try:
        started, cpu_started = time.perf_counter(), time.process_time()
        tag = imap._command("UID", "FETCH", "1:*", FLOOR_ITEMS.decode())  # type: ignore[attr-defined]  # noqa: SLF001
        typ, data = imap._command_complete("FETCH", tag)  # type: ignore[attr-defined]  # noqa: SLF001
        typ, data = imap._untagged_response(typ, data, "FETCH")  # type: ignore[attr-defined]  # noqa: SLF001
        parsed = parse_fetch_response(data, True, True)
        return time.perf_counter() - started, time.process_time() - cpu_started, len(parsed)
    finally:
        imap.logout()


def facteur_first_sync(port: int, ca: Path, folder: str, store: Path, searched_first: bool = False,
                       rows_in: str = "", indexes_kept: bool = False) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.facteur_sync", "initial", "--port", str(port), "--user", USER,
               "--password", PASSWORD, "--ca", str(ca), "--store", str(store), "--folder", folder,
               *(["--searched-first"] if searched_first else []), *(["--rows-in", rows_in] if rows_in else []),
               *(["--indexes-kept"] if indexes_kept else [])]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(output.strip().splitlines()[-1]))


def maildir_corpus(count: int, cache: Path, mail_uid: int | None = None, mail_gid: int | None = None) -> Path:
    """The corpus of ``count`` messages as Maildir files (a ``cur`` directory), written once under ``cache`` and
    reused by later runs. Named ``<time>.M<n>P0.bench,S=<size>,W=<size with CRLF>:2,`` with times increasing
    in corpus order: Dovecot gives new files their UIDs in that order, as APPENDs in that order would."""
    target = cache / f"headers-{count}"
    if (target / "complete").exists():
        return target / "cur"
    shutil.rmtree(target, ignore_errors=True)
    (target / "cur").mkdir(parents=True)
    for n, raw in enumerate(header_corpus(count)):
        data = raw.replace(b"\r\n", b"\n")  # Dovecot stores LF; the W= size is what IMAP counts
        path = target / "cur" / f"{1_600_000_000 + n}.M{n}P0.bench,S={len(data)},W={len(raw)}:2,"
        path.write_bytes(data)
        if mail_uid is not None and mail_gid is not None:
            os.chown(path, mail_uid, mail_gid)
    (target / "complete").touch()
    return target / "cur"


def seed_files(server: DovecotServer, folder: str, count: int, cache: Path) -> None:
    """Seed ``folder`` with the corpus by linking its Maildir files into the folder (Dovecot indexes them at the
    first SELECT): a million messages in minutes instead of the hour APPEND takes, same messages, same order."""
    uid, gid = (server.mail_uid, server.mail_gid) if server.privileged else (None, None)
    source = maildir_corpus(count, cache, uid, gid)
    server.seed(USER, folder, [])  # CREATE: Dovecot makes the folder's directories
    box = server.mail_dir / USER / "Maildir" / folder / "cur"
    for entry in os.scandir(source):
        try:
            os.link(entry.path, box / entry.name)
        except OSError:  # the cache on another file system than the server's mail (/dev/shm): copied
            shutil.copy2(entry.path, box / entry.name)
            if uid is not None and gid is not None:
                os.chown(box / entry.name, uid, gid)


IMAPCLIENT_UP_TO = 300_000  # beyond, its one in-memory parse of the whole answer takes half an hour and GBs


def _stages(sync: dict[str, Any], count: int, label: str = "CPU") -> dict[str, str]:
    """A first sync's CPU per stage, per message; "other" is what no stage counted."""
    stages = dict(sync["stages"])
    stages["other (TLS, UID search, select, engine)"] = sync["cpu_seconds"] - sum(stages.values())
    return {f"    {label}: {stage}": f"{seconds:.2f} s ({seconds * 1e6 / count:.0f} µs/msg)"
            for stage, seconds in stages.items()}


def measure_sizes(sizes: list[int], cache: Path | None = None, searched_first: bool = False,
                  imapclient: bool = True, in_process: bool = False, indexes_kept: bool = False
                  ) -> dict[int, dict[str, str]]:
    """One column of measures per size. ``cache``: where the corpus's Maildir files are kept for later runs (by
    default they are written afresh in the run's directory and removed with it). ``searched_first``: a second
    Facteur first sync, right after the first, whose UIDs are searched before its newest headers are fetched (the
    engine before issue 13.1). ``imapclient=False`` leaves IMAPClient out. ``in_process``: Facteur's first sync with its
    header rows made in a child process, and another just before it with them made in the sync's own thread (as
    before; without ``in_process`` the engine chooses, by the number of CPUs), then the floor measured again.
    ``indexes_kept``: another Facteur first sync right after it, keeping every index while its rows are stored
    (before schema step 13)."""
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    work = Path(tempfile.mkdtemp(prefix="facteur-sync-bench-", dir=base))
    cache = cache or work / "corpus"
    columns: dict[int, dict[str, str]] = {}
    try:
        ca = TestCA(work / "ca")
        with DovecotServer(work / "dovecot", ca, {USER: PASSWORD}) as server:
            port = server.imaps_port
            for count in sizes:
                folder = f"Bench-{count}"
                started = time.perf_counter()
                seed_files(server, folder, count, cache)
                print(f"seeded {count:,} messages in {time.perf_counter() - started:.0f} s", file=sys.stderr,
                      flush=True)
                for items in (FLOOR_ITEMS, FACTEUR_ITEMS):  # warm Dovecot's caches for every contender
                    raw_fetch(port, ca.cert_path, folder, items)
                load = os.getloadavg()[0]
                floor, floor_bytes = raw_fetch(port, ca.cert_path, folder, FLOOR_ITEMS)
                wire, wire_bytes = raw_fetch(port, ca.cert_path, folder, FACTEUR_ITEMS)
                if imapclient and count <= IMAPCLIENT_UP_TO:
                    parsed, parsed_cpu, parsed_count = imapclient_fetch(port, ca.cert_path, folder)
                    peer = f"{parsed:.2f} s ({parsed / floor:.1f}× floor)"
                    peer_cpu = f"{parsed_cpu:.2f} s"
                else:
                    parsed_count, peer, peer_cpu = count, "not run", "not run"
                store = work / f"store-{count}.sqlite3"
                alone: dict[str, Any] = {}
                if in_process:
                    alone = facteur_first_sync(port, ca.cert_path, folder, store, rows_in="thread")
                    for path in work.glob(store.name + "*"):
                        path.unlink()
                ours = facteur_first_sync(port, ca.cert_path, folder, store, rows_in="child" if in_process else "")
                for path in work.glob(store.name + "*"):
                    path.unlink()
                before: dict[str, Any] = {}
                if searched_first:
                    before = facteur_first_sync(port, ca.cert_path, folder, store, searched_first=True)
                    for path in work.glob(store.name + "*"):
                        path.unlink()
                kept: dict[str, Any] = {}
                if indexes_kept:
                    kept = facteur_first_sync(port, ca.cert_path, folder, store, indexes_kept=True)
                    for path in work.glob(store.name + "*"):
                        path.unlink()
                floor_after = raw_fetch(port, ca.cert_path, folder, FLOOR_ITEMS)[0] if in_process else 0.0
                if (parsed_count != count or ours["added"] != count or before.get("added", count) != count
                        or alone.get("added", count) != count or kept.get("added", count) != count):
                    raise RuntimeError(f"expected {count} messages, IMAPClient gave {parsed_count}, "
                                       f"Facteur stored {ours['added']}")
                cpu = ours["cpu_seconds"]
                columns[count] = {
                    "floor: raw ENVELOPE fetch, read not parsed": f"{floor:.2f} s ({floor_bytes / 1e6:.0f} MB)",
                    "  Facteur's HEADER.FIELDS fetch, read not parsed": f"{wire:.2f} s ({wire_bytes / 1e6:.0f} MB)",
                    "IMAPClient: same ENVELOPE fetch, parsed": peer,
                    "  IMAPClient: CPU time of its process": peer_cpu,
                    "Facteur: first header sync into the store": f"{ours['seconds']:.2f} s "
                                                                 f"({ours['seconds'] / floor:.1f}× floor)",
                    "  Facteur: CPU time of its process": f"{cpu:.2f} s ({cpu / floor:.1f}× floor)",
                    **_stages(ours, count),
                    "Facteur: newest 500 headers in the store after": f"{ours['first_500']:.2f} s",
                    **({"Facteur, UIDs searched first (before 13.1): newest 500 after": f"{before['first_500']:.2f} s",
                        "  its first sync, wall and CPU": f"{before['seconds']:.2f} s, {before['cpu_seconds']:.2f} s"
                                                          f" ({before['cpu_seconds'] * 1e6 / count:.0f} µs/msg)",
                        "  its load average (1 min) at the end": f"{os.getloadavg()[0]:.1f}"}
                       if before else {}),
                    **({"Facteur, rows made in its own thread (before): first sync": f"{alone['seconds']:.2f} s "
                                                                   f"({alone['seconds'] / floor:.1f}× floor)",
                        "  its CPU time": f"{alone['cpu_seconds']:.2f} s "
                                          f"({alone['cpu_seconds'] * 1e6 / count:.0f} µs/msg)",
                        **_stages(alone, count, "before"),
                        "  its newest 500 in the store after": f"{alone['first_500']:.2f} s",
                        "floor again, after both syncs": f"{floor_after:.2f} s"}
                       if alone else {}),
                    **({"Facteur, every index kept while storing (before): first sync": f"{kept['seconds']:.2f} s "
                                                                    f"({kept['seconds'] / floor:.1f}× floor)",
                        "  its CPU time ": f"{kept['cpu_seconds']:.2f} s "
                                          f"({kept['cpu_seconds'] * 1e6 / count:.0f} µs/msg)",
                        **_stages(kept, count, "kept"),
                        "  its load average (1 min) at the end ": f"{os.getloadavg()[0]:.1f}"}
                       if kept else {}),
                    "Facteur: peak RSS": f"{ours['peak_rss_mb']:.0f} MB",
                    "load average (1 min) when measured": f"{load:.1f}",
                }
                # Each column as soon as it is measured: a long run that fails later keeps what it measured.
                print(f"measured {count:,} messages: {json.dumps(columns[count], ensure_ascii=False)}",
                      file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return columns
