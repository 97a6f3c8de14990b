"""Times as a person in Beijing reads them: stored in UTC everywhere, shown in Asia/Shanghai.

shown_time(1_780_000_000_000, "zh_CN")   # "2026年5月28日 04:26"
shown_time(1_780_000_000_000, "en")      # "2026-05-28 04:26 Beijing time"
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing(at_ms: int) -> datetime:
    """The instant `at_ms` (UTC milliseconds) on Beijing's clock."""
    return datetime.fromtimestamp(at_ms / 1000, UTC).astimezone(BEIJING)


def ms_of_iso(text: str) -> int | None:
    """UTC milliseconds of an ISO 8601 time with an offset (a certificate's `expires`), or None if unreadable."""
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def shown_time(at_ms: int, language: str, *, date: bool = True, seconds: bool = False) -> str:
    """The time in Beijing, in the reader's format: 2026年12月4日 22:09 (zh_CN) or 2026-12-04 22:09 Beijing time."""
    when = beijing(at_ms)
    clock = when.strftime("%H:%M:%S" if seconds else "%H:%M")
    if language == "zh_CN":
        return f"{when.year}年{when.month}月{when.day}日 {clock}" if date else clock
    return f"{when:%Y-%m-%d} {clock} Beijing time" if date else clock


def shown_day(day: str, language: str) -> str:
    """A Beijing day written YYYY-MM-DD as the reader writes it: 2026年6月10日 (zh_CN), 2026-06-10 (en)."""
    year, month, date = day.split("-")
    return f"{int(year)}年{int(month)}月{int(date)}日" if language == "zh_CN" else day
