"""Realistic demo mail for scripts/demo.py: conversations, newsletters, attachments, many languages.

Deterministic (seeded), so screenshots look the same from one run to the next. Dates are relative to now so
that today's messages show their time and the rest their date, as they would in a real mailbox.
"""

from __future__ import annotations

import random
import struct
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

ME = Address("Alice Martin", "alice", "example.test")

PEOPLE = [
    Address("Bob Dupré", "bob", "example.test"),
    Address("Carol Nguyen", "carol", "example.test"),
    Address("Zoé Lefèvre", "zoe.lefevre", "atelier-lumiere.fr"),
    Address("François Müller", "f.mueller", "example.de"),
    Address("Yuki Tanaka", "yuki", "example.jp"),
    Address("Priya Patel", "priya", "university.example.edu"),
    Address("Mateo García", "mateo", "example.es"),
    Address("Olga Ivanova", "olga", "example.org"),
    Address("Kofi Mensah", "kofi", "startup.example.io"),
    Address("Grace Hopper Society", "hello", "ghs.example.org"),
]

CONVERSATIONS = [
    ("Budget 2027: first figures", [
        "Here are the first figures for next year. Travel is up 12% — can we talk about it before Friday?",
        "Thanks Bob. The travel line includes the Lisbon conference; I'll check whether we can share rooms.",
        "Sharing rooms works for me. Let's freeze the numbers on Thursday.",
        "Agreed. I'll send the final spreadsheet tomorrow morning.",
    ]),
    ("Réunion de l'équipe — jeudi 10h", [
        "Bonjour à tous,\n\nla réunion de jeudi est déplacée à 10h, salle Hopper.\n"
        "Ordre du jour : budget, recrutement, déménagement.\n\nZoé",
        "Merci Zoé, j'y serai. Peut-on ajouter un point sur les congés d'été ?",
        "Bien sûr, c'est ajouté.",
    ]),
    ("Release 0.9 checklist", [
        "Release branch is cut. Remaining: translations, the Windows installer, and the changelog.",
        "Translations are done for French and German. Japanese arrives Monday.",
        "Installer builds fine now; the icon was missing from the bundle.",
        "Changelog is up. Tagging tomorrow unless someone objects.",
        "No objection. Great work everyone!",
    ]),
    ("東京オフィスの件", [
        "来週の東京オフィス訪問について、スケジュールを共有します。",
        "ありがとうございます。火曜日の午後が空いています。",
    ]),
    ("Thesis draft — chapter 3", [
        "Attached is chapter 3. The related-work section still needs the 2024 papers.",
        "Read it on the train: the argument in 3.2 is much clearer now. Two small comments inline.",
    ]),
    ("Lunch on Friday?", [
        "The new Lebanese place opened next to the station. Friday 12:30?",
        "Yes! Count me in.",
        "Me too — I'll book a table for four.",
    ]),
]

SINGLES = [
    "Your invoice for November", "Reminder: dentist appointment on Tuesday", "Photos from the weekend — Île de Ré",
    "Wi-Fi password for the guest network", "Ünïcödé test: ça marche, naïve café", "Conference badge pickup",
    "Can you review my pull request?", "Server maintenance tonight 22:00–23:00", "Welcome aboard, Kofi!",
    "Weekly status — team Atlas", "Fwd: train tickets to Lyon", "Le devis pour les travaux",
    "Question about the API rate limits", "Reading group: next book", "New login to your account",
]

LIST_WORDS = (
    "asyncio typing packaging wheel release bug fix proposal discussion performance memory garbage collector "
    "interpreter parser docs tutorial pattern matching dataclass enum protocol generics benchmark regression "
    "windows macos linux build ci test coverage deprecation warning import lazy module"
).split()


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A small solid-colour PNG, made here so the demo needs no image files."""
    row = b"\x00" + bytes(rgb) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@dataclass
class Mailbox:
    """What to seed: folder name → [(raw message, flags)]."""

    folders: dict[str, list[tuple[bytes, tuple[str, ...]]]] = field(default_factory=dict)

    def add(self, folder: str, message: EmailMessage, *flags: str) -> None:
        self.folders.setdefault(folder, []).append((message.as_bytes(policy=SMTP), flags))


def _message(sender: Address, to: list[Address], subject: str, when: datetime, body: str,
             message_id: str | None = None, replying_to: list[str] | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(when)
    message["Message-ID"] = message_id or make_msgid(domain=sender.domain)
    if replying_to:
        message["In-Reply-To"] = replying_to[-1]
        message["References"] = " ".join(replying_to)
    message.set_content(body)
    return message


def _newsletter(now: datetime) -> EmailMessage:
    message = EmailMessage()
    sender = Address("Atelier Lumière", "news", "atelier-lumiere.fr")
    message["From"] = sender
    message["To"] = ME
    message["Subject"] = "Nouveautés de l'automne — jusqu'à -30 %"
    message["Date"] = format_datetime(now - timedelta(hours=3))
    message["Message-ID"] = make_msgid(domain=sender.domain)
    message.set_content("Découvrez nos nouveautés de l'automne sur https://atelier-lumiere.example/automne")
    logo_cid = make_msgid(domain="atelier-lumiere.fr")
    html = f"""<html><head><style>
body {{ font-family: sans-serif; background: #f6f1ea; margin: 0; }}
.card {{ max-width: 560px; margin: 16px auto; background: white; border-radius: 8px; padding: 24px; }}
h1 {{ color: #8a4b1f; }} .cta {{ background: #8a4b1f; color: white; padding: 10px 18px; border-radius: 4px;
text-decoration: none; }}</style></head><body><div class="card">
<img src="cid:{logo_cid[1:-1]}" width="48" height="48" alt="Atelier Lumière">
<img src="https://tracker.atelier-lumiere.example/open.gif?u=alice" width="1" height="1" alt="">
<h1>Les nouveautés de l'automne</h1>
<p>Lampes en laiton, abat-jour en lin, et notre nouvelle collection de bougies.</p>
<p><img src="https://cdn.atelier-lumiere.example/automne/hero.jpg" width="512" height="200" alt="Collection"></p>
<p><a class="cta" href="https://atelier-lumiere.example/automne">Voir la collection</a></p>
<p style="color:#888;font-size:12px">Vous recevez ce message car vous êtes inscrite à notre lettre.</p>
</div></body></html>"""
    message.add_alternative(html, subtype="html")
    html_part = message.get_payload()[1]
    html_part.add_related(png(48, 48, (138, 75, 31)), maintype="image", subtype="png", cid=logo_cid)
    return message


def _with_attachments(now: datetime) -> EmailMessage:
    message = _message(PEOPLE[5], [ME], "Thesis draft — chapter 3 (PDF and figures)", now - timedelta(days=1, hours=2),
                       "Hi Alice,\n\nhere is chapter 3 as a PDF, with the figures separately.\n\n"
                       "> Could you also send the raw data?\nThe data is on the shared drive: "
                       "https://drive.university.example.edu/thesis\n\nPriya")
    message.add_attachment(b"%PDF-1.4\n% demo chapter\n" + b"x" * 180_000, maintype="application", subtype="pdf",
                           filename="Chapitre 3 — résultats.pdf")
    message.add_attachment(png(320, 200, (52, 101, 164)), maintype="image", subtype="png", filename="figure-3.1.png")
    message.add_attachment(b"year,value\n2024,12\n2025,19\n", maintype="text", subtype="csv",
                           filename="données.csv")
    return message


def demo_mailbox(list_size: int = 3000, seed: int = 7) -> Mailbox:
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    box = Mailbox()

    # Conversations in INBOX, the newest replies today.
    for index, (subject, turns) in enumerate(CONVERSATIONS):
        ids: list[str] = []
        start = now - timedelta(days=index * 2 + 1, hours=rng.randint(1, 9))
        for turn, text in enumerate(turns):
            sender = ME if turn % 2 == 1 and index % 2 == 0 else PEOPLE[(index + turn) % len(PEOPLE)]
            when = start + timedelta(hours=turn * 5) if index else now - timedelta(minutes=40 * (len(turns) - turn))
            quoted = "\n\n" + "\n".join("> " + line for line in turns[turn - 1].splitlines()) if turn else ""
            message = _message(sender, [ME if sender != ME else PEOPLE[0]],
                               subject if turn == 0 else f"Re: {subject}", when, text + quoted,
                               replying_to=list(ids) or None)
            ids.append(message["Message-ID"])
            folder = "Sent" if sender == ME else "INBOX"
            flags: tuple[str, ...] = ("\\Seen",) if sender == ME or turn < len(turns) - 1 else ()
            box.add(folder, message, *flags)

    for index, subject in enumerate(SINGLES):
        sender = PEOPLE[(index * 3) % len(PEOPLE)]
        when = now - timedelta(days=index % 9, hours=rng.randint(0, 20), minutes=rng.randint(0, 59))
        body = (f"Hello Alice,\n\n{subject.lower()}: details below.\n\nSee https://example.org/{index}\n\n"
                f"-- \n{sender.display_name}")
        flags = () if index % 4 == 0 else ("\\Seen",)
        if index % 5 == 2:
            flags += ("\\Flagged",)
        box.add("INBOX", _message(sender, [ME], subject, when, body), *flags)

    box.add("INBOX", _newsletter(now))
    box.add("INBOX", _with_attachments(now), "\\Seen")

    # A hundred older messages, read, to give INBOX some depth.
    for index in range(120):
        sender = PEOPLE[rng.randrange(len(PEOPLE))]
        when = now - timedelta(days=10 + index, hours=rng.randint(0, 23))
        words = " ".join(rng.choice(LIST_WORDS) for _ in range(rng.randint(3, 7)))
        box.add("INBOX", _message(sender, [ME], words.capitalize(), when, f"About {words}.\n\n{sender.display_name}"),
                "\\Seen")

    # Folders of every kind.
    for index in range(25):
        when = now - timedelta(days=30 + index * 3)
        box.add("Archive", _message(PEOPLE[index % 5], [ME], f"Project notes #{index + 1}", when,
                                    "Archived notes."), "\\Seen")
    for index in range(6):
        box.add("Projects/Facteur", _message(PEOPLE[8], [ME], f"Design review {index + 1}: mailbox tree",
                                             now - timedelta(days=index), "Screenshots attached."),
                *(() if index < 2 else ("\\Seen",)))
    for index in range(4):
        box.add("Projects/Website", _message(PEOPLE[2], [ME], f"Maquette v{index + 1}", now - timedelta(days=index + 2),
                                             "Nouvelle version de la maquette."), "\\Seen")
    for index in range(8):
        shop = Address("Shop", "orders", "shop.example")
        box.add("Receipts/2026", _message(shop, [ME], f"Order #10{index}42 shipped", now - timedelta(days=index * 11),
                                          "Your order has shipped."), "\\Seen")
    for index in range(3):
        box.add("Junk", _message(Address("Prize Team", "win", "lottery.example"), [ME], "You have WON!!!",
                                 now - timedelta(days=index), "Click here."))
    for index in range(4):
        box.add("Trash", _message(PEOPLE[index], [ME], f"Old thread {index}", now - timedelta(days=40 + index),
                                  "Deleted."), "\\Seen", "\\Deleted")
    draft = _message(ME, [PEOPLE[1]], "Draft: ideas for the offsite", now - timedelta(hours=5),
                     "- a walk in the morning\n- workshops after lunch")
    box.add("Drafts", draft, "\\Draft", "\\Seen")

    # A busy mailing list: the large folder.
    thread_ids: list[list[str]] = []
    for index in range(list_size):
        sender = PEOPLE[rng.randrange(len(PEOPLE))]
        when = now - timedelta(minutes=index * 37 + rng.randint(0, 30))
        if thread_ids and rng.random() < 0.45:
            ids = thread_ids[rng.randrange(max(0, len(thread_ids) - 50), len(thread_ids))]
            subject = "Re: [python-dev] " + ids[0]
            message = _message(sender, [ME], subject, when, "I agree with the proposal.", replying_to=ids[1:])
            ids.append(message["Message-ID"])
        else:
            topic = " ".join(rng.choice(LIST_WORDS) for _ in range(rng.randint(2, 5)))
            message = _message(sender, [ME], f"[python-dev] {topic}", when, f"Proposal about {topic}.")
            thread_ids.append([topic, message["Message-ID"]])
        box.add("Lists/python-dev", message, *(("\\Seen",) if index > 40 else ()))
    return box


WORK_ME = Address("Alice Martin", "alice.martin", "work.example")
WORK_SUBJECTS = [
    ("Carol Nguyen", "Quarterly review slides", "Can you look at slides 4 to 9 before the review?"),
    ("Kofi Mensah", "Onboarding plan for Monday", "Here is the plan for the new team members."),
    ("Olga Ivanova", "Server maintenance tonight", "The mail server restarts at 22:00 for ten minutes."),
    ("Mateo García", "Lunch on Thursday?", "The new place near the station, 12:30?"),
]


def work_mailbox(seed: int = 11) -> Mailbox:
    """A second account's few messages (bob@example.test plays a work address), for All Inboxes."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    box = Mailbox()
    for index, (name, subject, body) in enumerate(WORK_SUBJECTS):
        person = next(p for p in PEOPLE if p.display_name == name)
        when = now - timedelta(hours=index * 7 + rng.randint(1, 3), minutes=rng.randint(0, 59))
        box.add("INBOX", _message(person, [WORK_ME], subject, when, f"Hi Alice,\n\n{body}\n\n{name}"),
                *(() if index % 2 == 0 else ("\\Seen",)))
    return box
