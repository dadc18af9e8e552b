"""How dates, sizes and names read in the lists: in the person's locale, short, and never surprising."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from PySide6.QtCore import QCoreApplication, QDateTime, QLocale


def local_datetime(epoch: int) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(epoch))


def _day_month(locale: QLocale) -> str:
    """"d MMM" or "MMM d", in the order the locale writes dates."""
    short = locale.dateFormat(QLocale.FormatType.ShortFormat)
    return "MMM d" if short.lstrip("'").upper().startswith("M") else "d MMM"


def list_date(epoch: int, now: datetime | None = None) -> str:
    """The message list's Date column: the time for today's messages, day and month for this year's, the
    locale's short date before that."""
    if epoch <= 0:
        return ""
    moment = local_datetime(epoch)
    today = (QDateTime.fromSecsSinceEpoch(int(now.timestamp())) if now else QDateTime.currentDateTime()).date()
    locale = QLocale()
    if moment.date() == today:
        return locale.toString(moment.time(), QLocale.FormatType.ShortFormat)
    if moment.date().year() == today.year():
        return locale.toString(moment.date(), _day_month(locale))
    return locale.toString(moment.date(), QLocale.FormatType.ShortFormat)


def full_date(epoch: int) -> str:
    """Date and time for the reader's header and tooltips: "Tuesday, 24 November 2026 10:00"."""
    if epoch <= 0:
        return ""
    moment = local_datetime(epoch)
    locale = QLocale()
    return (f"{locale.toString(moment.date(), QLocale.FormatType.LongFormat)} "
            f"{locale.toString(moment.time(), QLocale.FormatType.ShortFormat)}")


def data_size(size: int) -> str:
    """``743 B``, ``12 KB``, ``3.4 MB``: the sizes a person compares at a glance."""
    if size < 0:
        return ""
    locale = QLocale()
    if size < 1024:
        return QCoreApplication.translate("formatting", "%1 B").replace("%1", locale.toString(size))
    precision = 0 if size < 1024 * 1024 else 1
    return locale.formattedDataSize(size, precision, QLocale.DataSizeFormat.DataSizeTraditionalFormat)


# Characters that look like nothing (or like a space) although they are letters: padding that pushes the truth
# out of view.
_INVISIBLE_LETTERS = frozenset({0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0})
# Joiners that emoji and several scripts need, and that cannot reorder or hide text.
_HARMLESS_FORMAT = frozenset({0x200C, 0x200D})


def shown_text(text: str, limit: int = 0) -> str:
    """``text`` (a name, subject or file name from a message) as it may be shown: every control, bidirectional
    override or isolate, invisible format character and invisible letter becomes a visible ``[U+XXXX]``, runs of
    white space become one space, and past ``limit`` characters (when given) the rest is replaced by "…". What is
    drawn is then what the text says, in the order it says it."""
    out: list[str] = []
    pending_space = False
    for char in text:
        code = ord(char)
        if char.isspace() and unicodedata.category(char) in ("Zs", "Cc") and char not in "\x1c\x1d\x1e\x1f":
            pending_space = bool(out)
            continue
        category = unicodedata.category(char)
        if pending_space:
            out.append(" ")
            pending_space = False
        if (category in ("Cc", "Cs", "Co", "Zl", "Zp") or (category == "Cf" and code not in _HARMLESS_FORMAT)
                or code in _INVISIBLE_LETTERS):
            out.append(f"[U+{code:04X}]")
        else:
            out.append(char)
    shown = "".join(out)
    if limit and len(shown) > limit:
        shown = shown[:limit - 1].rstrip() + "…"
    return shown


def names_another_address(name: str, address: str) -> bool:
    """The display name holds something shaped like an address that is not the sender's own."""
    for word in name.replace("<", " ").replace(">", " ").replace('"', " ").replace(",", " ").split():
        word = word.strip("'()[].;:")
        if "@" in word and word.lower() != address.lower():
            return True
    return False
