"""A process's children and descendants, from Linux /proc (the node benchmark and the tests that kill nodes)."""

from __future__ import annotations

from pathlib import Path


def child_pids(pid: int) -> list[int]:
    """The direct children of a process; [] once it is gone."""
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def descendants(pid: int) -> list[int]:
    """A process and every process below it."""
    found = [pid]
    for child in child_pids(pid):
        found += descendants(child)
    return found
