"""Working-day deadlines on the official calendar (法定节假日 and the State Council's make-up days, 调休).

The calendar comes from the maintained `chinese-calendar` package, which knows the years the State
Council has announced (its data ends with the latest announcement, usually published each
November for the next year). Counting starts the day after acceptance (受理次日起算): a deadline of
n working days is the n-th working day after the start date.

Past the years the package knows, `add_working_days` refuses with `CalendarYearUnknown` (code
`calendar_year_unknown`); `deadline` falls back to counting Monday to Friday less the holidays fixed
by the solar calendar (1 January, 1 May, 1 to 3 October; the lunar ones and every 调休 are only known
once announced) and marks the result `provisional`, so a receipt still shows a date and says it is provisional until the
calendar is updated (update the package; nothing else needs to change).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import chinese_calendar

from app.catalogue.errors import Refusal

MAX_DAYS = 400
_SATURDAY = 5
FIXED_HOLIDAYS = ((1, 1), (5, 1), (10, 1), (10, 2), (10, 3))


class CalendarYearUnknown(Refusal):
    """The official calendar of this year is not known (not yet announced, or before the package's data)."""

    code = "calendar_year_unknown"

    def __init__(self, year: int) -> None:
        super().__init__(f"the official working-day calendar of {year} is not known to this installation")
        self.year = year


@dataclass(frozen=True)
class Deadline:
    """A due date counted in working days; `provisional` when part of it ran past the known calendar."""

    start: dt.date
    working_days: int
    due: dt.date
    provisional: bool


def is_working_day(day: dt.date) -> bool:
    """True if `day` is a working day on the official calendar (调休 Saturdays included), else False."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        raise CalendarYearUnknown(day.year) from None


def is_known_year(year: int) -> bool:
    """True if the official calendar of `year` is known."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _check_count(n: int) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= MAX_DAYS:
        raise ValueError(f"a working-day count is an integer from 0 to {MAX_DAYS}")


def add_working_days(start: dt.date, n: int) -> dt.date:
    """Return the n-th working day after `start`; raise CalendarYearUnknown past the known calendar."""
    _check_count(n)
    day, left = start, n
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def deadline(start: dt.date, n: int) -> Deadline:
    """Return the due date n working days after `start`, Monday to Friday (provisional) past the known calendar."""
    _check_count(n)
    day, left, provisional = start, n, False
    while left:
        day += dt.timedelta(days=1)
        try:
            working = is_working_day(day)
        except CalendarYearUnknown:
            provisional = True
            working = day.weekday() < _SATURDAY and (day.month, day.day) not in FIXED_HOLIDAYS
        if working:
            left -= 1
    return Deadline(start, n, day, provisional)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Return how many working days lie after `start` up to and including `end` (0 if end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
