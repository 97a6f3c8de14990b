"""bench/replica.py runs at --tiny size and ends with the JSON line issue 3 names."""

from __future__ import annotations

import pytest

from tests.bench_run import run_tiny


@pytest.mark.parametrize("suite", ["ed25519", "sm2-sm3"])
def test_bench_replica_tiny_prints_its_json_line(suite: str) -> None:
    run = run_tiny("replica", "--suite", suite)
    figures, lines = run.figures, run.lines
    assert set(figures) == {
        "bench",
        "suite",
        "insert_ratio",
        "lookup_ratio",
        "lookup_p99_ms",
        "unlock_s",
        "audit_append_us",
        "audit_sign_ratio",
    }
    assert figures["bench"] == "replica" and figures["suite"] == suite
    assert all(isinstance(figures[k], float | int) and figures[k] > 0 for k in figures if k not in ("bench", "suite"))
    assert any(line.startswith("inserts/s") for line in lines)
    assert any("Argon2id t=" in line for line in lines)
    assert any(line.startswith("audited action") and f"({suite})" in line for line in lines)
