"""Working-day deadlines on the official calendar: holidays, 调休 Saturdays, years the calendar does not know."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.catalogue.working_days import (
    CalendarYearUnknown,
    add_working_days,
    deadline,
    is_known_year,
    is_working_day,
    working_days_between,
)

D = dt.date


def test_national_day_week_is_skipped_and_the_make_up_saturday_counts() -> None:
    # 2026: 25 September (Mid-Autumn) and 1-7 October off; Sunday 20 September and Saturday 10 October are
    # make-up working days (调休).
    assert not is_working_day(D(2026, 9, 25)) and not is_working_day(D(2026, 10, 1))
    assert not is_working_day(D(2026, 10, 7)) and is_working_day(D(2026, 10, 8))
    assert is_working_day(D(2026, 10, 10)) and D(2026, 10, 10).weekday() == 5
    assert is_working_day(D(2026, 9, 20)) and D(2026, 9, 20).weekday() == 6
    # accepted Thursday 24 September: 28, 29, 30 Sept, then 8, 9, 10 (the make-up Saturday) October
    assert add_working_days(D(2026, 9, 24), 5) == D(2026, 10, 9)
    assert add_working_days(D(2026, 9, 24), 6) == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 24), 7) == D(2026, 10, 12)


def test_counting_starts_the_day_after_acceptance() -> None:
    assert add_working_days(D(2026, 3, 2), 0) == D(2026, 3, 2)
    assert add_working_days(D(2026, 3, 2), 1) == D(2026, 3, 3)  # Monday -> Tuesday
    assert add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)  # Friday -> Monday
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 9)) == 1
    assert working_days_between(D(2026, 3, 9), D(2026, 3, 6)) == 0


def test_past_the_known_years_strict_refuses_and_deadline_is_provisional() -> None:
    last = max(y for y in range(2004, 2100) if is_known_year(y))
    assert not is_known_year(last + 1)
    with pytest.raises(CalendarYearUnknown) as err:
        add_working_days(D(last, 12, 20), 15)
    assert err.value.code == "calendar_year_unknown" and err.value.year == last + 1
    inside = deadline(D(last, 6, 1), 5)
    assert not inside.provisional and inside.due == add_working_days(D(last, 6, 1), 5)
    beyond = deadline(D(last + 1, 12, 29), 3)
    # Weekdays less 1 January: Wed 29 Dec -> 30, 31 Dec, then 1 Jan is skipped
    assert beyond.provisional
    assert all(d.weekday() < 5 for d in (beyond.due,))
    assert beyond.due > D(last + 2, 1, 1)
    with pytest.raises(CalendarYearUnknown):
        is_working_day(D(1999, 1, 4))


@pytest.mark.parametrize("bad", [-1, 401, True, 2.5, "3"])
def test_a_bad_count_is_refused(bad) -> None:
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 2), bad)
    with pytest.raises(ValueError):
        deadline(D(2026, 3, 2), bad)


@settings(deadline=None, max_examples=60)  # a loaded machine: no per-example deadline
@given(st.dates(D(2005, 1, 1), D(2025, 12, 1)), st.integers(0, 40))
def test_the_due_date_is_a_working_day_with_exactly_n_working_days_after_the_start(start: dt.date, n: int) -> None:
    due = add_working_days(start, n)
    assert working_days_between(start, due) == n
    if n:
        assert is_working_day(due)
    assert deadline(start, n).due == due
