"""What many store-backed tests share: a fast key-wrapping KDF and an office ready for case work."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from app.ledger.suites import ED25519, key_id
from app.protocol.departments import all_departments
from app.store.keywrap import KdfParams
from app.store.registry import KeyRecord
from app.store.replica import create_office


class FakeClock:
    """A settable clock in Unix milliseconds, shared by a replica (its `clock`) and the test that moves it."""

    def __init__(self, now_ms: int) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms


# Throwaway offices in tests need no brute-force resistance: Argon2id at its cheapest.
FAST_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)


def office_with_supervisor(path: Path, name: str) -> Path:
    """Create an office with an admin and a public-security supervisor `sup` whose key is enrolled (both with
    password `pw`), and every department's log synced just now; return its path."""
    with create_office(path, name, "admin", "pw", kdf=FAST_KDF) as admin:
        admin.accounts.add("sup", "supervisor", "pw")
        pub = admin.accounts.get("sup").public_key
        admin.registry.put_key(
            KeyRecord(key_id(ED25519, pub), "ed25519", pub, "supervisor", "sup", "public-security", 0)
        )
        now = admin.session.now_ms()
        for d in all_departments():
            admin.logs.put_checkpoint(d.origin, 1, bytes(32), f"{d.origin}\n1\nAAAA\n", now)
    return path


def forge_slots(raw: bytes, change: Callable[[dict], dict], slots: tuple[int, ...] = (0, 1)) -> bytes:
    """Return a `head.slots` file with the head of each written slot in `slots` changed and its MAC kept."""
    size = len(raw) // 2
    out = []
    for i, slot in enumerate((raw[:size], raw[size:])):
        record = slot.rstrip(b" ")
        if i in slots and record:
            value = json.loads(record)
            value["head"] = change(value["head"])
            record = json.dumps(value, separators=(",", ":")).encode()
        out.append(record.ljust(size, b" "))
    return b"".join(out)
