"""The 11 departments that run a node, read from resources/departments.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DEPARTMENTS_FILE = Path(__file__).resolve().parents[2] / "resources" / "departments.json"


class UnknownDepartment(KeyError):
    """No department has this id."""


@dataclass(frozen=True)
class Department:
    """A department: its short id, its names and its log origin."""

    id: str
    name_zh: str
    name_en: str
    origin: str


@cache
def all_departments() -> tuple[Department, ...]:
    """Return every department, in the order of the data file."""
    doc = json.loads(DEPARTMENTS_FILE.read_text(encoding="utf-8"))
    return tuple(Department(d["id"], d["name"]["zh_CN"], d["name"]["en"], d["origin"]) for d in doc["departments"])


def department(dept_id: str) -> Department:
    """Return the department with id `dept_id`, or raise UnknownDepartment."""
    for d in all_departments():
        if d.id == dept_id:
            return d
    raise UnknownDepartment(dept_id)
