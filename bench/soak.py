"""Soak run: the real app for a long session on the local servers, watched from outside.

    scripts/with-test-session.sh .venv/bin/python -m bench.soak [--duration 3600] [--short] [--record]
    make soak [SOAK_SECONDS=3600]

Starts the test servers (Dovecot with IMAP and LMTP, the SMTP server delivering into it, all on 127.0.0.1) with
the demo mailbox, and Facteur's main window in a child process (offscreen). For the whole duration:

- the parent delivers a message to alice over LMTP every few seconds (an IDLE push for the app), and another
  IMAP client flags and unflags messages now and then (changes the next sync must pick up);
- the app, driven by a timer in the child, opens a message after another (the reader fetches and shows it),
  refreshes (syncs every folder), switches folders, and sends a message to bob through the composer and the
  Outbox;
- the child prints a status line every few seconds (its RSS, references to True and None, live objects,
  threads, and what it did); the parent checks the process is alive, samples its RSS from /proc, and reads bob's
  mailbox to count what really arrived.

At the end it asks the app to quit, checks it exited cleanly, and prints a report (``--record`` also writes it
into bench/RESULTS.md's notes). It fails (exit status 1) if the app died, did not quit, missed pushes or sends,
or if the references to True or None shrank (the PySide6 6.12 / Python 3.11 bug that aborts the interpreter).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "RESULTS.md"
ALICE, BOB = "alice@example.test", "bob@example.test"
STATUS_EVERY_S = 5.0


# --- the app, in the child process -------------------------------------------------------------------------------

def child(duration: float) -> int:
    import gc

    from PySide6.QtCore import QEventLoop, QSocketNotifier, QTimer
    from PySide6.QtWidgets import QApplication

    from gui.accounts import AccountStore
    from gui.app import create_application
    from gui.main_window import MainWindow

    app = create_application(sys.argv[:1])
    assert isinstance(app, QApplication)
    accounts = AccountStore()
    first = accounts.accounts[0].id  # Alice's: the demo's second account (Work) opens beside it
    window = MainWindow(accounts, app_icon=app.windowIcon())
    window.resize(1280, 800)
    window.show()
    window.start()
    opened = QEventLoop()  # each account's store opens off the GUI thread: its session joins `sessions` then,
    poll = QTimer()  # in whichever order the stores open
    poll.timeout.connect(lambda: opened.quit() if first in window.sessions else None)
    poll.start(20)
    QTimer.singleShot(120_000, opened.quit)
    opened.exec()
    poll.stop()
    if first not in window.sessions:
        print(json.dumps({"error": "the account's store did not open in 120 s"}), flush=True)
        window.close()
        return 1
    session = window.sessions[first]
    account_id = session.account_id
    postbox = window.local.postbox
    done = {"opens": 0, "sends": 0, "sent": 0, "refreshes": 0, "folder_switches": 0, "errors": 0}
    postbox.worker.sent.connect(lambda *_args: done.__setitem__("sent", done["sent"] + 1))
    started = time.monotonic()
    step = [0]

    def inbox_rows() -> int:
        model = window.messages.model()
        return model.rowCount() if model is not None and window.location == (account_id, "INBOX") else -1

    def act() -> None:
        if not session.synced_once:
            return
        step[0] += 1
        n = step[0]
        try:
            if window.location != (account_id, "INBOX"):
                window.tree.select_folder(account_id, "INBOX")
            elif n % 23 == 0:
                window.tree.select_folder(account_id, "Lists/python-dev")
                done["folder_switches"] += 1
            elif n % 17 == 0:
                window.refresh()
                done["refreshes"] += 1
            elif n % 11 == 0:
                composer = postbox.open_composer(account_id, to=[BOB], subject=f"Soak {n}",
                                                 body=f"Message {n} of the soak run.\n")
                if composer.send():
                    done["sends"] += 1
            else:
                model = window.messages.model()
                if model is not None and model.rowCount():
                    window.messages.setCurrentIndex(model.index(n % min(model.rowCount(), 200), 0))
                    done["opens"] += 1
        except Exception as error:  # noqa: BLE001 - counted and reported: the soak goes on
            done["errors"] += 1
            print(json.dumps({"error": repr(error)}), flush=True)

    by_type: dict[str, Counter[str]] = {}
    statuses_said = [0]

    def grown_types() -> list[tuple[str, int]]:
        """Every minute: the types of gc-tracked objects that grew most since the first minute (what holds memory)."""
        statuses_said[0] += 1
        if statuses_said[0] % 12:
            return []
        gc.collect()  # count what is held, not cyclic garbage waiting for the collector (the email package's
        # header classes, one per parsed header, are freed only by a full collection)
        counts = Counter(type(item).__qualname__ for item in gc.get_objects())
        first = by_type.setdefault("first", counts)
        return (counts - first).most_common(8)

    def status() -> None:
        rss_kb = 0
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
        print(json.dumps({
            "t": round(time.monotonic() - started, 1), "rss_kb": rss_kb,
            "true_refs": sys.getrefcount(True), "none_refs": sys.getrefcount(None),
            "objects": len(gc.get_objects()), "threads": threading.active_count(), "inbox_rows": inbox_rows(),
            "state": session.state, "grown_types": grown_types(), **done,
        }), flush=True)

    def quit_app() -> None:
        if window.isVisible():
            status()
            window.close()
            app.quit()

    actions = QTimer()
    actions.timeout.connect(act)
    actions.start(700)
    reporter = QTimer()
    reporter.timeout.connect(status)
    reporter.start(int(STATUS_EVERY_S * 1000))
    # The parent asks for the end on stdin; a deadline in case it cannot.
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)

    def command() -> None:
        # "pause": stop acting, so that what was sent can land; anything else (or end of input): quit.
        if sys.stdin.readline().strip() == "pause":
            actions.stop()
        else:
            quit_app()

    notifier.activated.connect(lambda *_args: command())
    QTimer.singleShot(int((duration + 120) * 1000), quit_app)
    return int(app.exec())


# --- the servers and the watcher, in the parent ------------------------------------------------------------------

def message(n: int) -> bytes:
    return (f"From: Soak Sender <soak@example.test>\r\nTo: {ALICE}\r\nSubject: Pushed {n}\r\n"
            f"Date: {time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime())}\r\n"
            f"Message-ID: <soak-{n}-{os.getpid()}@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            f"Push number {n}.\r\n" + "Some text to read. " * (20 + n % 200) + "\r\n").encode()


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def parent(duration: float, record: bool, keep: bool) -> int:
    from scripts.demo import prepare_environment, start_servers, write_account

    base = Path(tempfile.mkdtemp(prefix="facteur-soak-"))
    prepare_environment(base)
    dovecot, smtp = start_servers(base, list_size=500)
    write_account(dovecot, smtp)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "bench.soak", "--child", "--duration", str(duration)],
                               cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               bufsize=1)
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None and process.stdin is not None
    output = process.stdout

    def read_output() -> None:
        for line in output:
            lines.put(line)

    threading.Thread(target=read_output, daemon=True).start()
    statuses: list[dict[str, Any]] = []
    errors: list[str] = []
    samples: list[tuple[float, int]] = []
    delivered = 0
    flagger = dovecot.client(ALICE)  # type: ignore[attr-defined]
    started = time.monotonic()
    next_delivery = next_flags = next_sample = started + 20  # let the first sync settle
    alive = True
    try:
        while time.monotonic() - started < duration:
            now = time.monotonic()
            if process.poll() is not None:
                alive = False
                break
            if now >= next_delivery:
                delivered += 1
                dovecot.deliver(ALICE, message(delivered))  # type: ignore[attr-defined]
                next_delivery = now + 4
            if now >= next_flags:
                flagger.select_folder("INBOX")
                uids = flagger.search(["ALL"])[:50]
                if uids:
                    (flagger.add_flags if delivered % 2 else flagger.remove_flags)(uids, [b"\\Flagged"])
                next_flags = now + 30
            if now >= next_sample:
                samples.append((round(now - started), rss_kb(process.pid)))
                next_sample = now + 10
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            _collect(line, statuses, errors)
        still_alive = process.poll() is None
        alive = alive and still_alive
        server_rows = -1
        if still_alive:
            process.stdin.write("pause\n")
            process.stdin.flush()
            time.sleep(20)  # the last pushes and sends land
            flagger.select_folder("INBOX")
            server_rows = len(flagger.search(["ALL"]))
            process.stdin.write("quit\n")
            process.stdin.flush()
        try:
            exit_code: int | None = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            exit_code = None
        while not lines.empty():
            _collect(lines.get(), statuses, errors)
        flagger.logout()
        bob = dovecot.client(BOB)  # type: ignore[attr-defined]
        bob.select_folder("INBOX")
        arrived = len(bob.search(["SUBJECT", "Soak"]))
        bob.logout()
    finally:
        if process.poll() is None:
            process.kill()
        smtp.stop()  # type: ignore[attr-defined]
        dovecot.close()  # type: ignore[attr-defined]
        if keep:
            print(f"Kept {base}")
        else:
            shutil.rmtree(base, ignore_errors=True)
    report, ok = _report(duration, alive, exit_code, statuses, errors, samples, delivered, arrived, server_rows)
    print(report)
    if record:
        _record(report)
    return 0 if ok else 1


def _collect(line: str, statuses: list[dict[str, Any]], errors: list[str]) -> None:
    line = line.strip()
    if not line.startswith("{"):
        return
    try:
        data = json.loads(line)
    except ValueError:
        return
    if "error" in data:
        errors.append(data["error"])
    else:
        statuses.append(data)


def _report(duration: float, alive: bool, exit_code: int | None, statuses: list[dict[str, Any]], errors: list[str],
            samples: list[tuple[float, int]], delivered: int, arrived: int, server_rows: int) -> tuple[str, bool]:
    if not statuses:
        return "The app reported nothing: it did not start.", False
    first, last = statuses[0], statuses[-1]
    peak = max((rss for _t, rss in samples), default=0)
    # RSS once the first sync is over against the end: how much it grew over the session.
    settled = next((s for s in statuses if s["t"] >= min(120.0, duration / 3)), first)
    problems = []
    if not alive:
        problems.append("the app died during the run")
    if exit_code != 0:
        problems.append(f"the app did not quit cleanly (exit status {exit_code})")
    # References come and go by a few dozen as objects are made and freed; the binding bug took one per emit, so
    # thousands a minute, until the interpreter aborted.
    lowest_true = min(s["true_refs"] for s in statuses)
    lowest_none = min(s["none_refs"] for s in statuses)
    if lowest_true < first["true_refs"] - 500 or lowest_none < first["none_refs"] - 500:
        problems.append("references to True or None fell (the binding's reference leak is back)")
    if last["sent"] < last["sends"] or arrived < last["sends"]:
        problems.append(f"sends lost: {last['sends']} sent, {last['sent']} confirmed, {arrived} arrived")
    if last["inbox_rows"] != server_rows:
        problems.append(f"the app shows {last['inbox_rows']} INBOX rows, the server has {server_rows}")
    if errors:
        problems.append(f"{len(errors)} driver errors, first: {errors[0]}")
    timeline = [s for i, s in enumerate(statuses) if i % max(1, len(statuses) // 8) == 0]
    if timeline[-1] is not last:
        timeline.append(last)
    rows = "\n".join(
        f"| {s['t']:.0f} s | {s['rss_kb'] / 1024:.0f} MB | {s['true_refs']} | {s['none_refs']} | {s['objects']} "
        f"| {s['threads']} | {s['inbox_rows']} | {s['opens']} | {s['sends']} / {s['sent']} |"
        for s in timeline)
    counted = [s["grown_types"] for s in statuses if s.get("grown_types")]
    grown = (", ".join(f"`{name}` +{count}" for name, count in counted[-1]) if counted
             else "not counted (under a minute)")
    text = f"""### Soak run ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {duration / 60:.0f} min)

`python -m bench.soak --duration {duration:.0f}`: the app offscreen on the demo mailbox (Dovecot and SMTP on
127.0.0.1), a message delivered to the INBOX every 4 s (IDLE pushes), flags changed by another client every 30 s,
and the app opening a message every 0.7 s, sending one every ~8 s, refreshing and switching folders.

| time | RSS | refs to True | refs to None | live objects | Python threads | INBOX rows | opened | sends / confirmed |
|---|---|---|---|---|---|---|---|---|
{rows}

- Process alive to the end: {"yes" if alive else "**no**"}; quit on request with exit status {exit_code}.
- RSS: {settled['rss_kb'] / 1024:.0f} MB after the first sync, {last['rss_kb'] / 1024:.0f} MB at the end \
(peak {peak / 1024:.0f} MB, sampled from /proc every 10 s).
- Pushes: {delivered} delivered; at the end the app listed {last['inbox_rows']} INBOX messages, the server \
{server_rows}; opens: {last['opens']}; refreshes: {last['refreshes']}; folder switches: {last['folder_switches']}.
- Sends: {last['sends']} from the composer, {last['sent']} confirmed by the Outbox, {arrived} in bob's INBOX.
- References to True {first['true_refs']} → {last['true_refs']} (lowest {lowest_true}), to None
  {first['none_refs']} → {last['none_refs']} (lowest {lowest_none}): with PySide6 6.12 on Python 3.11 they fell
  by one per signal emitted, until the interpreter aborted; a fall of more than 500 fails the run.
- gc-tracked objects that grew most since the first minute: {grown}.
- Verdict: {"**passed**" if not problems else "**failed**: " + "; ".join(problems)}.
"""
    return text, not problems


def _record(report: str) -> None:
    """Put the report among RESULTS.md's notes, in place of the previous soak report; the rest stays as it was."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n\n## Notes\n"
    if "## Notes" not in text:
        text += "\n## Notes\n"
    head, notes = text.split("## Notes", 1)
    start = notes.find("### Soak run")
    if start < 0:  # first report: at the end of the Notes section, before the next section
        start = notes.find("\n## ")
        start = len(notes) if start < 0 else start + 1
        end = start
        report += "\n"
    else:  # up to the next heading of any level
        ends = [at + 1 for at in (notes.find("\n### ", start + 1), notes.find("\n## ", start + 1)) if at >= 0]
        end = min(ends) if ends else len(notes)
        if end < len(notes):
            report += "\n"
    RESULTS.write_text(head + "## Notes" + notes[:start] + report + notes[end:], encoding="utf-8")
    print(f"Recorded in {RESULTS}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=3600.0, help="seconds (default 3600: one hour)")
    parser.add_argument("--short", action="store_true", help="a two-minute run, to check the soak itself")
    parser.add_argument("--record", action="store_true", help="write the report into bench/RESULTS.md's notes")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (servers' mail, settings)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    duration = 120.0 if args.short else args.duration
    if args.child:
        return child(duration)
    return parent(duration, args.record, args.keep)


if __name__ == "__main__":
    sys.exit(main())
