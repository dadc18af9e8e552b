"""Realistic, deterministic message summaries for store tests and bench/store_bench.py.

Senders and words follow Zipf-like distributions (a few frequent correspondents and common words, a long tail),
about 40% of messages are replies carrying References chains, and Gmail ids/labels are present, so sizes and
search timings resemble a real mailbox.
"""

from __future__ import annotations

import base64
import random
from collections.abc import Iterator
from itertools import accumulate

from connectors.store import MessageSummary

_COMMON_WORDS = (
    "meeting report update project review budget plan invoice payment order delivery schedule team notes "
    "agenda draft proposal contract release version build test issue bug fix feature request question answer "
    "call lunch dinner weekend holiday travel flight hotel booking ticket reminder deadline monday tuesday "
    "wednesday thursday friday quarterly annual summary status launch design customer support account "
    "password security alert newsletter offer discount subscription renewal confirmation receipt shipping "
    "photos party birthday family school course workshop conference talk slides paper thesis draft feedback "
    "server database migration deploy outage incident postmortem hiring interview candidate onboarding "
    "welcome thanks please help urgent important follow up next steps minutes action items café résumé"
).split()
_PHRASES = ("follow up", "status update", "action items", "next steps", "quarterly report", "code review")
_FIRST = (
    "Alice Bob Carol David Emma Farid Grace Hugo Inès Jamal Karin Luca Maya Noah Olga Pierre Quinn Rosa Sven "
    "Tariq Uma Victor Wendy Xavier Yuki Zoé Ahmed Beatriz Chen Dmitri Elena François Giulia Hannah Igor Julia "
    "Kofi Lena Mateo Nadia Oscar Priya Rafael Sofia Tomás Ursula Vera William Yara Zeynep"
).split()
_LAST = (
    "Martin Smith Dubois García Müller Rossi Kowalski Nguyen Tanaka Johansson Silva Ivanov O'Brien Haddad "
    "Schmidt Lefèvre Novak Jensen Costa Moreau Fischer Andersen Romero Yilmaz Kim Park Singh Patel Cohen Weber"
).split()
_DOMAINS = (
    "gmail.com example.com example.org outlook.com acme-corp.com university.edu lists.example.net "
    "fastmail.com yahoo.fr company.de startup.io"
).split()
_LISTS = ("[dev]", "[announce]", "[users]", "[ops]")


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    syllables = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ou", "ie", "an")]
    words = list(_COMMON_WORDS)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def _zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    return list(accumulate(1.0 / (rank + 1) ** exponent for rank in range(count)))


def _message_id(rng: random.Random, domain: str) -> str:
    if domain == "gmail.com":
        token = base64.b64encode(rng.randbytes(30)).decode().replace("/", "_")
        return f"<CA+{token}@mail.gmail.com>"
    return f"<{rng.randbytes(12).hex()}.{rng.randint(1000, 99999)}@{domain}>"


def realistic_summaries(count: int, seed: int = 1, start_uid: int = 1) -> Iterator[MessageSummary]:
    rng = random.Random(seed)
    words = _vocabulary(rng, 6000)
    word_weights = _zipf_weights(len(words))
    people = []
    for _ in range(2000):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        domain = rng.choice(_DOMAINS)
        people.append((f"{first} {last}", f"{first.lower()}.{last.lower().replace(chr(39), '')}@{domain}"))
    people_weights = _zipf_weights(len(people), 1.1)
    threads: list[tuple[str, list[str], int]] = []  # (subject, message ids, thread id)
    date = 1_500_000_000
    for index in range(count):
        uid = start_uid + index
        date += rng.randint(0, 3000)
        name, addr = rng.choices(people, cum_weights=people_weights)[0]
        message_id = _message_id(rng, addr.rsplit("@", 1)[1])
        recipients = rng.choices(people, cum_weights=people_weights, k=rng.choice((1, 1, 1, 2, 3)))
        to = ", ".join(f"{n} <{a}>" for n, a in recipients)
        cc = ""
        if rng.random() < 0.2:
            cc = ", ".join(f"{n} <{a}>" for n, a in rng.choices(people, cum_weights=people_weights, k=2))
        in_reply_to = references = ""
        if threads and rng.random() < 0.4:
            subject, ids, thread_id = threads[rng.randrange(max(0, len(threads) - 300), len(threads))]
            subject = subject if subject.startswith("Re: ") else "Re: " + subject
            in_reply_to = ids[-1]
            references = " ".join(ids[:1] + ids[1:][-3:])
            ids.append(message_id)
        else:
            subject_words = rng.choices(words, cum_weights=word_weights, k=rng.randint(3, 9))
            if rng.random() < 0.15:
                subject_words.insert(rng.randrange(len(subject_words)), rng.choice(_PHRASES))
            subject = " ".join(subject_words).capitalize()
            if rng.random() < 0.1:
                subject = f"{rng.choice(_LISTS)} {subject}"
            elif rng.random() < 0.05:
                subject = "Fwd: " + subject
            thread_id = 1_600_000_000_000_000_000 + uid
            threads.append((subject, [message_id], thread_id))
        flags = set()
        if rng.random() < 0.85:
            flags.add("\\Seen")
        if rng.random() < 0.05:
            flags.add("\\Flagged")
        if rng.random() < 0.1:
            flags.add("\\Answered")
        if rng.random() < 0.02:
            flags.add("$label1")
        labels: tuple[str, ...] = ("\\Inbox",) if rng.random() < 0.6 else ("\\Important", "Work")
        yield MessageSummary(
            uid=uid,
            subject=subject,
            from_name=name,
            from_addr=addr,
            to=to,
            cc=cc,
            date=date,
            internal_date=date + rng.randint(0, 120),
            flags=frozenset(flags),
            size=int(rng.lognormvariate(9.5, 1.2)),
            has_attachments=rng.random() < 0.15,
            message_id=message_id,
            in_reply_to=in_reply_to,
            references=references,
            gm_labels=labels,
            gm_thrid=thread_id,
            gm_msgid=1_700_000_000_000_000_000 + uid,
        )


SEARCHES = (
    "meeting",
    "invoice payment",
    "from:alice",
    "from:martin subject:report",
    "subject:budget",
    '"follow up"',
    "proj",
    "is:unread review",
    "has:attachment contract",
    "release -draft",
    "to:emma",
    "security alert",
    "is:flagged",
    "café",
    "conference slides",
    "from:gmail.com",
    "deadline friday",
    "newsletter -offer",
    "status update",
    "welcome onboarding",
)
"""Twenty searches of the kinds people type, used to measure the median search latency."""


def make_summary(uid: int, **fields: object) -> MessageSummary:
    """A small summary with plausible defaults; override any field by keyword."""
    values: dict[str, object] = {
        "subject": f"Message {uid}",
        "from_name": "Alice Martin",
        "from_addr": "alice@example.com",
        "to": "Bob Dubois <bob@example.org>",
        "date": 1_700_000_000 + uid * 60,
        "internal_date": 1_700_000_000 + uid * 60,
        "message_id": f"<m{uid}@example.com>",
        "size": 1000 + uid,
    }
    values.update(fields)
    return MessageSummary(uid=uid, **values)  # type: ignore[arg-type]
