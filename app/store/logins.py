"""Failed logins: back off, then lock out. Kept in logins.json so the state survives a restart.

After BACKOFF_AFTER consecutive failures each further attempt must wait 2^(n-BACKOFF_AFTER) seconds
(capped at five minutes); after LOCK_AFTER failures the account is locked until a supervisor or
admin resets its password. The counter lives outside the database because it must be read before
the database can be unlocked; deleting the file resets it, which gains an attacker nothing that
copying the files to another machine would not (Argon2id is what slows an offline guesser).
"""

from __future__ import annotations

from app.store.errors import AccountLocked
from app.store.office_files import LoginState, OfficeDir

BACKOFF_AFTER = 3
LOCK_AFTER = 10
MAX_DELAY_MS = 300_000


def retry_at_ms(state: LoginState | None) -> int | None:
    """Return when the next attempt is allowed (0 = now), or None if the account is locked for good."""
    if state is None or state.failures < BACKOFF_AFTER:
        return 0
    if state.failures >= LOCK_AFTER:
        return None
    delay = min(1000 * 2 ** (state.failures - BACKOFF_AFTER), MAX_DELAY_MS)
    return state.last_failure_ms + delay


def check_may_try(name: str, state: LoginState | None, now_ms: int) -> None:
    """Raise AccountLocked if the account must wait or has been locked out."""
    at = retry_at_ms(state)
    if at is None:
        raise AccountLocked(
            f"account {name!r} is locked after {LOCK_AFTER} failed logins; a supervisor or admin must reset "
            "its password",
            None,
        )
    if now_ms < at:
        raise AccountLocked(f"too many failed logins for {name!r}: try again in {(at - now_ms + 999) // 1000} s", at)


def record_failure(office: OfficeDir, name: str, now_ms: int) -> LoginState:
    """Count one failed login and persist it before returning."""
    states = office.read_logins()
    state = states.setdefault(name, LoginState())
    state.failures += 1
    state.last_failure_ms = now_ms
    state.failure_times_ms = [*state.failure_times_ms, now_ms][-100:]
    office.write_logins(states)
    return state


def clear(office: OfficeDir, name: str) -> None:
    """Forget an account's failed logins (after a successful login or a password reset)."""
    states = office.read_logins()
    if name in states:
        states[name].failures = 0
        states[name].last_failure_ms = 0
        office.write_logins(states)


def take_unrecorded_failures(office: OfficeDir) -> list[tuple[str, int]]:
    """Return (account, time) of failed logins not yet in the audit trail, and mark them as taken."""
    states = office.read_logins()
    taken = sorted((t, name) for name, s in states.items() for t in s.failure_times_ms)
    if taken:
        for s in states.values():
            s.failure_times_ms = []
        office.write_logins(states)
    return [(name, t) for t, name in taken]
