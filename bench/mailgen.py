"""Realistic raw messages for the benchmarks (and the demo): deterministic, varied, of believable sizes.

A few frequent correspondents and a long tail, threads with References, mailing-list traffic, HTML
newsletters, small attachments now and then, non-ASCII names and subjects, Received/DKIM header noise.
Sizes: median ~4 KB, with a tail of 20–200 KB messages (attachments), like a real inbox.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import random
from collections.abc import Iterator
from email.utils import format_datetime

WORDS = (
    "meeting report update project review budget plan invoice payment order delivery schedule team notes agenda "
    "draft proposal contract release version build test issue bug fix feature request question answer call lunch "
    "weekend holiday travel flight hotel booking ticket reminder deadline monday friday quarterly annual summary "
    "status launch design customer support account security alert newsletter offer subscription renewal receipt "
    "shipping photos party birthday family school course workshop conference slides paper feedback server "
    "database migration deploy outage incident hiring interview onboarding welcome thanks please urgent "
    "important follow next steps minutes action items café résumé élève garçon zucchini kumquat"
).split()
FIRST = "Alice Bob Carol David Emma Farid Grace Hugo Inès Jamal Karin Luca Maya Noah Olga Pierre Zoé Ahmed Chen".split()
LAST = "Martin Smith Dubois García Müller Rossi Kowalski Nguyen Tanaka Silva Ivanov Haddad Lefèvre Novak".split()
DOMAINS = "gmail.com example.com example.org outlook.com acme-corp.com university.edu lists.example.net".split()


_WORD_COUNT = len(WORDS)
_WORD_BITS = _WORD_COUNT.bit_length()


def _words(rng: random.Random, count: int) -> str:
    """``count`` words drawn as ``rng.choice(WORDS)`` would draw them (the same draws from the same stream, so
    the corpus does not change), without its per-call overhead: most of the generator's time went there."""
    bits = rng.getrandbits
    words = []
    for _ in range(count):
        index = bits(_WORD_BITS)
        while index >= _WORD_COUNT:
            index = bits(_WORD_BITS)
        words.append(WORDS[index])
    return " ".join(words)


def _paragraphs(rng: random.Random, count: int) -> str:
    return "\n\n".join(_words(rng, rng.randint(20, 80)).capitalize() + "." for _ in range(count))


def _subject_headers(rng: random.Random, headers: list[str], threads: list[tuple[str, str]], msgid: str,
                     reply_to: tuple[str, str] | None) -> str:
    """Adds the Subject (and a reply's In-Reply-To/References, or a list's List-Id) to ``headers``; a new subject
    starts a thread others may reply to. The subject, without "Re: "."""
    if reply_to is not None:
        subject, root = reply_to
        headers += [f"Subject: Re: {subject}", f"In-Reply-To: {root}", f"References: {root}"]
        return subject
    subject = _words(rng, rng.randint(3, 8)).capitalize()
    if rng.random() < 0.1:
        subject = f"[dev] {subject}"
        headers.append("List-Id: <dev.lists.example.net>")
    threads.append((subject, msgid))
    headers.append(f"Subject: {subject}")
    return subject


def messages(count: int, to: str = "alice@example.test", seed: int = 7) -> Iterator[bytes]:
    """``count`` messages, oldest first."""
    rng = random.Random(seed)
    people = [(f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"{rng.choice(FIRST).lower()}.{i}@{rng.choice(DOMAINS)}")
              for i in range(300)]
    weights = [1.0 / (rank + 1) for rank in range(len(people))]
    threads: list[tuple[str, str]] = []  # (subject, root message-id)
    start = dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC)
    for n in range(count):
        name, addr = rng.choices(people, weights)[0]
        date = start + dt.timedelta(minutes=n * 7 + rng.randint(0, 6))
        msgid = f"<{n}.{rng.randrange(1 << 30)}@{addr.split('@')[1]}>"
        headers = [
            f"Received: from mx{rng.randint(1, 9)}.{addr.split('@')[1]} (mx.example.net [192.0.2.{n % 250}]) by "
            f"imap.example.test with ESMTPS id {rng.randrange(1 << 40):x}; {format_datetime(date)}",
            f"DKIM-Signature: v=1; a=rsa-sha256; d={addr.split('@')[1]}; s=s1; "
            f"b={base64.b64encode(rng.randbytes(96)).decode()}",
            f"From: {name} <{addr}>",
            f"To: {to}",
            f"Date: {format_datetime(date)}",
            f"Message-ID: {msgid}",
        ]
        kind = rng.random()
        subject = _subject_headers(rng, headers, threads, msgid,
                                   rng.choice(threads[-50:]) if threads and kind < 0.35 else None)
        body = _paragraphs(rng, rng.randint(1, 6))
        if kind > 0.93:  # a newsletter in HTML with remote images
            html = (f"<html><body><h1>{subject}</h1><img src='https://tracker.example.net/{n}.png'>"
                    + "".join(f"<p>{_words(rng, 60)}</p>" for _ in range(6)) + "</body></html>")
            part = ("Content-Type: multipart/alternative; boundary=alt\n\n--alt\nContent-Type: text/plain; "
                    f"charset=utf-8\n\n{body}\n--alt\nContent-Type: text/html; charset=utf-8\n\n{html}\n--alt--\n")
            raw = "\n".join(headers) + "\nMIME-Version: 1.0\n" + part
        elif kind > 0.88:  # an attachment
            blob = base64.encodebytes(rng.randbytes(rng.choice([8_000, 30_000, 120_000]))).decode()
            raw = "\n".join(headers) + (
                "\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=mix\n\n--mix\nContent-Type: "
                f"text/plain; charset=utf-8\n\n{body}\n--mix\nContent-Type: application/pdf; name=\"rapport-été.pdf\"\n"
                "Content-Disposition: attachment; filename*=utf-8''rapport-%C3%A9t%C3%A9.pdf\n"
                f"Content-Transfer-Encoding: base64\n\n{blob}--mix--\n"
            )
        else:
            raw = "\n".join(headers) + f"\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
        yield raw.replace("\n", "\r\n").encode("utf-8")


def header_corpus(count: int, to: str = "alice@example.test", seed: int = 11, pool: int = 400) -> Iterator[bytes]:
    """``count`` messages, oldest first, for benchmarks that read headers only (the header sync): each has headers
    of its own drawn as :func:`messages` draws them (sender, date, Message-ID, thread replies with References,
    list traffic, Received/DKIM noise), and one of ``pool`` bodies of each kind (plain, HTML newsletter,
    attachment) made once, so a million messages take a minute to make instead of an hour. Line ends are CRLF.
    """
    rng = random.Random(seed)
    bodies = _body_pool(rng, pool)
    people = [(f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"{rng.choice(FIRST).lower()}.{i}@{rng.choice(DOMAINS)}")
              for i in range(300)]
    cumulative = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(people))))
    threads: list[tuple[str, str]] = []
    start = dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC)
    for n in range(count):
        name, addr = rng.choices(people, cum_weights=cumulative)[0]
        domain = addr.split("@")[1]
        date = format_datetime(start + dt.timedelta(minutes=n * 7 + rng.randint(0, 6)))
        msgid = f"<{n}.{rng.randrange(1 << 30)}@{domain}>"
        headers = [
            f"Received: from mx{rng.randint(1, 9)}.{domain} (mx.example.net [192.0.2.{n % 250}]) by "
            f"imap.example.test with ESMTPS id {rng.randrange(1 << 40):x}; {date}",
            f"DKIM-Signature: v=1; a=rsa-sha256; d={domain}; s=s1; b={base64.b64encode(rng.randbytes(96)).decode()}",
            f"From: {name} <{addr}>", f"To: {to}", f"Date: {date}", f"Message-ID: {msgid}",
        ]
        reply_to = threads[-1 - rng.randrange(min(50, len(threads)))] if threads and rng.random() < 0.35 else None
        _subject_headers(rng, headers, threads, msgid, reply_to)
        kind = rng.random()
        body = bodies[0 if kind <= 0.88 else 1 if kind <= 0.93 else 2][rng.randrange(pool)]
        yield ("\r\n".join(headers) + "\r\nMIME-Version: 1.0\r\n").encode("utf-8") + body


def _body_pool(rng: random.Random, pool: int) -> tuple[list[bytes], list[bytes], list[bytes]]:
    """Plain, attachment and HTML bodies (each with its Content-Type header and the blank line), CRLF."""
    plain, attached, html = [], [], []
    for n in range(pool):
        text = _paragraphs(rng, rng.randint(1, 6))
        plain.append(f"Content-Type: text/plain; charset=utf-8\n\n{text}\n")
        blob = base64.encodebytes(rng.randbytes(rng.choice([8_000, 30_000, 120_000]))).decode()
        attached.append(
            "Content-Type: multipart/mixed; boundary=mix\n\n--mix\nContent-Type: text/plain; charset=utf-8\n\n"
            f"{text}\n--mix\nContent-Type: application/pdf; name=\"rapport-été.pdf\"\nContent-Disposition: "
            f"attachment; filename*=utf-8''rapport-%C3%A9t%C3%A9.pdf\nContent-Transfer-Encoding: base64\n\n{blob}"
            "--mix--\n")
        page = (f"<html><body><h1>Newsletter {n}</h1><img src='https://tracker.example.net/{n}.png'>"
                + "".join(f"<p>{_words(rng, 60)}</p>" for _ in range(6)) + "</body></html>")
        html.append("Content-Type: multipart/alternative; boundary=alt\n\n--alt\nContent-Type: text/plain; "
                    f"charset=utf-8\n\n{text}\n--alt\nContent-Type: text/html; charset=utf-8\n\n{page}\n--alt--\n")
    return tuple([body.replace("\n", "\r\n").encode("utf-8") for body in kind]  # type: ignore[return-value]
                 for kind in (plain, attached, html))
