"""The case state machine of a service, and how competing case steps resolve. Pure: no I/O, no clock.

    opened -> documents-verified -> in-progress (one step per catalogue step) -> decided -> closed
    any state before `decided` -> rejected | withdrawn

Every transition is performed by one department (its entry goes on that department's log) with a
role. When two entries claim the same previous step, the one sequenced first wins: by log index
when both are on the same log, otherwise by sequencing before not-yet-sequenced, then by time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.catalogue.catalogue import Service
from app.catalogue.errors import StepOutOfOrder

OPEN, VERIFY, DECIDE, CLOSE, REJECT, WITHDRAW = "open", "verify-documents", "decide", "close", "reject", "withdraw"
OPENED, VERIFIED, IN_PROGRESS, DECIDED = "opened", "documents-verified", "in-progress", "decided"
CLOSED, REJECTED, WITHDRAWN = "closed", "rejected", "withdrawn"
TERMINAL = frozenset({CLOSED, REJECTED, WITHDRAWN})
STATES = (OPENED, VERIFIED, IN_PROGRESS, DECIDED, CLOSED, REJECTED, WITHDRAWN)
SERVING_ROLES = frozenset({"clerk", "supervisor"})
DECIDING_ROLES = frozenset({"supervisor"})


@dataclass(frozen=True)
class Position:
    """Where a case stands: its state and how many catalogue steps are done."""

    state: str
    done: int = 0

    @property
    def is_open(self) -> bool:
        """True until the case is closed, rejected or withdrawn."""
        return self.state not in TERMINAL


@dataclass(frozen=True)
class Transition:
    """A transition allowed from a position: who performs it and where it leads."""

    name: str
    department: str
    roles: frozenset[str]
    to: Position


def pending_department(service: Service, at: Position) -> str | None:
    """Return the department whose work queue holds the case, or None once it is finished."""
    if not at.is_open:
        return None
    if at.state in (VERIFIED, IN_PROGRESS) and at.done < len(service.steps):
        return service.steps[at.done].department
    return service.lead


def allowed_transitions(service: Service, at: Position | None) -> list[Transition]:
    """Return every transition allowed from `at` (None: the case does not exist yet)."""
    lead = service.lead
    if at is None:
        return [Transition(OPEN, lead, SERVING_ROLES, Position(OPENED))]
    if not at.is_open:
        return []
    out = []
    if at.state == OPENED:
        out.append(Transition(VERIFY, lead, SERVING_ROLES, Position(VERIFIED)))
    elif at.state in (VERIFIED, IN_PROGRESS) and at.done < len(service.steps):
        step = service.steps[at.done]
        roles = SERVING_ROLES if step.role == "clerk" else DECIDING_ROLES
        out.append(Transition(step.id, step.department, roles, Position(IN_PROGRESS, at.done + 1)))
    elif at.state == IN_PROGRESS:
        out.append(Transition(DECIDE, lead, DECIDING_ROLES, Position(DECIDED, at.done)))
    elif at.state == DECIDED:
        out.append(Transition(CLOSE, lead, SERVING_ROLES, Position(CLOSED, at.done)))
    if at.state != DECIDED:
        holder = pending_department(service, at) or lead
        out.append(Transition(REJECT, holder, DECIDING_ROLES, Position(REJECTED, at.done)))
        out.append(Transition(WITHDRAW, lead, SERVING_ROLES, Position(WITHDRAWN, at.done)))
    return out


def transition(service: Service, at: Position | None, name: str) -> Transition:
    """Return the transition `name` from `at`, or raise StepOutOfOrder saying what is allowed instead."""
    options = allowed_transitions(service, at)
    for option in options:
        if option.name == name:
            return option
    where = "a case not yet opened" if at is None else f"state {at.state!r} after {at.done} step(s)"
    allowed = [o.name for o in options] or ["nothing: the case is finished"]
    raise StepOutOfOrder(f"{service.id}: {name!r} is not allowed from {where}; allowed: {', '.join(allowed)}")


@dataclass(frozen=True)
class StepRecord:
    """One `case.step` entry as far as resolution needs it."""

    leaf_hash: bytes
    origin: str
    index: int | None
    time_ms: int
    step: str
    state: str
    prev: bytes | None


@dataclass(frozen=True)
class Resolution:
    """The chain of steps that stand, the position they lead to, and why every other entry was not applied."""

    chain: tuple[StepRecord, ...]
    position: Position | None
    losers: dict[bytes, str]


def _where(r: StepRecord) -> str:
    seq = f"index {r.index}" if r.index is not None else "not yet sequenced"
    return f"entry {r.leaf_hash.hex()[:16]} on {r.origin} ({seq})"


def first_sequenced(candidates: Iterable[StepRecord]) -> StepRecord:
    """Return the candidate the logs put first (see the module docstring)."""
    ordered = sorted(candidates, key=lambda r: (r.index is None, r.time_ms, r.leaf_hash))
    winner = ordered[0]
    for other in ordered[1:]:
        same_log = other.origin == winner.origin and other.index is not None and winner.index is not None
        if same_log and other.index < winner.index:
            winner = other
    return winner


def resolve(service: Service, records: Iterable[StepRecord]) -> Resolution:
    """Fold a case's step entries into the chain that stands; explain every entry that does not."""
    pending = {r.leaf_hash: r for r in records}
    losers: dict[bytes, str] = {}
    chain: list[StepRecord] = []
    at: Position | None = None
    prev: bytes | None = None
    while True:
        children = [r for r in pending.values() if r.prev == prev]
        valid = []
        for r in children:
            try:
                move = transition(service, at, r.step)
            except StepOutOfOrder as exc:
                losers[r.leaf_hash] = f"not applied: {exc}"
                continue
            if move.to.state != r.state:
                losers[r.leaf_hash] = f"not applied: {r.step!r} leads to {move.to.state!r}, the entry says {r.state!r}"
                continue
            valid.append((r, move))
        for r in children:
            pending.pop(r.leaf_hash)
        if not valid:
            break
        winner = first_sequenced(r for r, _ in valid)
        for r, _ in valid:
            if r is not winner:
                losers[r.leaf_hash] = (
                    f"conflict: {_where(winner)} moved the case with {winner.step!r} first; "
                    f"this {r.step!r} ({_where(r)}) was not applied, look at the case again and redo it if still needed"
                )
        at = next(move.to for r, move in valid if r is winner)
        chain.append(winner)
        prev = winner.leaf_hash
    for r in pending.values():
        after = r.prev.hex()[:16] if r.prev else "-"
        losers[r.leaf_hash] = f"not applied: it follows entry {after}, which does not stand"
    return Resolution(tuple(chain), at, losers)
