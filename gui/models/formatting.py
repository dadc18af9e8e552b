"""How dates, sizes and names read in the lists: in the person's locale, short, and never surprising."""

from __future__ import annotations

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
