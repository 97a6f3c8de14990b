"""The hall's 好差评 of a day per department (issue 19): the day's ratings per service, summed up by each service's
lead department in the catalogue, for the supervisor's review beside the figures per service and per clerk."""

from __future__ import annotations

import functools

from app.catalogue.catalogue import load_catalogue
from app.protocol.departments import all_departments
from app.protocol.hall_evaluations import DayEvaluations, RatingCounts


@functools.cache
def _leads() -> dict[str, str]:
    return {s.id: s.lead for s in load_catalogue().services}


def satisfaction_by_department(found: DayEvaluations) -> dict[str, RatingCounts]:
    """The day's ratings per lead department (by department id), from the ratings per service; a service the
    catalogue does not know counts under the department its id names (`<department>.<service>`)."""
    leads = _leads()
    sums: dict[str, tuple[int, int, float]] = {}
    for service, counts in found.by_service.items():
        dept = leads.get(service, service.split(".")[0])
        count, bad, total = sums.get(dept, (0, 0, 0.0))
        sums[dept] = (count + counts.count, bad + counts.bad, total + counts.mean * counts.count)
    return {dept: RatingCounts(count, bad, total / count) for dept, (count, bad, total) in sorted(sums.items())}


def department_names(language: str) -> dict[str, str]:
    """Every department's name in `language`, by department id."""
    return {d.id: d.name_en if language == "en" else d.name_zh for d in all_departments()}
