"""What a Gmail account costs to synchronise, with labels synchronised as folders (as before) and as views of All Mail.

    python -m bench.gmail_bench [--count 3000] [--seed 7]

On the loopback Gmail emulation (tests/servers/gmail_imap.py, TLS), a labelled corpus from bench.mailgen: each
message in All Mail, 60% in the inbox, a third with one or two of the person's labels, a tenth sent, a tenth
important, a twentieth starred. Both ways run in the same process against the same server, one after the other,
each into a fresh store: the first sync of headers, then "download every body" (``prefetch_bodies`` of every
synchronised folder). Printed: the message content the server sent (FETCH answers carrying headers or bodies, in
bytes and in answers per message), the wall and CPU time, and the store's size.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.mailgen import messages  # noqa: E402
from connectors import create_connector  # noqa: E402
from connectors.messaging.imap import IMAPConnector  # noqa: E402
from connectors.store import MailStore  # noqa: E402
from connectors.sync import SyncEngine  # noqa: E402
from tests.servers.ca import TestCA  # noqa: E402
from tests.servers.gmail_imap import FakeGmailIMAP  # noqa: E402

USER, PASSWORD = "someone@gmail.com", "abcd efgh ijkl mnop"
LABELS = ("Work", "Family", "Receipts", "Travel", "Lists/Python", "Lists/Qt")


def seed(gmail: FakeGmailIMAP, count: int, rng: random.Random) -> float:
    """The corpus, stored straight into the emulator's model (one commit); returns the mean labels per message."""
    placed = 0
    with gmail.lock:
        mailbox = gmail.mailbox(USER)
        for raw in messages(count, to=USER, seed=rng.randrange(1 << 30)):
            msg = mailbox.new_message(raw, ["\\Seen"] if rng.random() < 0.7 else [], None, None)
            labels = ["\\Inbox"] if rng.random() < 0.6 else []
            if rng.random() < 0.33:
                labels += rng.sample(LABELS, rng.choice((1, 1, 2)))
            if rng.random() < 0.1:
                labels.append("\\Sent")
            if rng.random() < 0.1:
                labels.append("\\Important")
            if rng.random() < 0.05:
                labels.append("\\Starred")
            for label in labels:
                mailbox.add_label(msg, label)
            mailbox.messages[msg.msgid] = msg
            placed += len(labels)
        mailbox.commit()
    return placed / count


def run(gmail: FakeGmailIMAP, ca: TestCA, folder: Path, views: bool) -> dict[str, float]:
    def connect() -> IMAPConnector:
        imap: IMAPConnector = create_connector("gmail_imap", {
            "username": USER, "password": PASSWORD, "host": "127.0.0.1", "port": gmail.port,
            "ca_file": str(ca.cert_path)})
        imap.connect()
        return imap

    gmail.downloads.clear()
    path = folder / f"{'views' if views else 'folders'}.sqlite3"
    result: dict[str, float] = {}
    with MailStore(path) as store:
        engine = SyncEngine(store, connect, gmail_views=views)
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            engine.sync_all()
            result["sync_wall"], result["sync_cpu"] = time.perf_counter() - wall, time.process_time() - cpu
            result["header_bytes"] = sum(size for _f, _m, size in gmail.downloads)
            result["header_answers"] = len(gmail.downloads)
            gmail.downloads.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            for name in [f.name for f in store.folders() if f.selectable and f.gmail_label is None]:
                engine.prefetch_bodies(name)
            result["body_wall"], result["body_cpu"] = time.perf_counter() - wall, time.process_time() - cpu
            result["body_bytes"] = sum(size for _f, _m, size in gmail.downloads)
            result["body_answers"] = len(gmail.downloads)
            result["most_per_message"] = max(Counter(m for _f, m, _s in gmail.downloads).values(), default=0)
        finally:
            engine.close()
    result["store_bytes"] = sum(os.path.getsize(p) for p in folder.glob(f"{path.name}*"))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="facteur-gmail-bench-") as tmp:
        root = Path(tmp)
        ca = TestCA(root / "ca")
        with FakeGmailIMAP(ca, passwords={USER: PASSWORD}) as gmail:
            labels = seed(gmail, args.count, random.Random(args.seed))
            before = run(gmail, ca, root, views=False)
            after = run(gmail, ca, root, views=True)
    load = os.getloadavg()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{args.count} messages, {labels:.2f} labels each on average (+ All Mail); load average "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; peak RSS {peak} MB")
    rows = (
        ("Headers downloaded", lambda r: f"{r['header_bytes'] / 1e6:.2f} MB in {r['header_answers']:.0f} answers"),
        ("First sync, wall / CPU", lambda r: f"{r['sync_wall']:.2f} s / {r['sync_cpu']:.2f} s"),
        ("Bodies downloaded", lambda r: f"{r['body_bytes'] / 1e6:.2f} MB in {r['body_answers']:.0f} answers"),
        ("Most downloads of one message", lambda r: f"{r['most_per_message']:.0f}"),
        ("All bodies, wall / CPU", lambda r: f"{r['body_wall']:.2f} s / {r['body_cpu']:.2f} s"),
        ("Store size", lambda r: f"{r['store_bytes'] / 1e6:.2f} MB"),
    )
    print("| Measure | Labels as folders | Labels as views of All Mail |")
    print("|---|---|---|")
    for name, show in rows:
        print(f"| {name} | {show(before)} | {show(after)} |")


if __name__ == "__main__":
    main()
