"""bench/replica.py runs at --tiny size and ends with the JSON line issue 3 names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_replica_tiny_prints_its_json_line() -> None:
    result = subprocess.run(
        [sys.executable, "bench/replica.py", "--tiny"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    figures = json.loads(lines[-1])
    assert set(figures) == {
        "bench",
        "insert_ratio",
        "lookup_ratio",
        "lookup_p99_ms",
        "unlock_s",
        "audit_append_us",
        "audit_sign_ratio",
    }
    assert figures["bench"] == "replica"
    assert all(isinstance(figures[k], float | int) and figures[k] > 0 for k in figures if k != "bench")
    assert any(line.startswith("inserts/s") for line in lines)
    assert any("Argon2id t=" in line for line in lines)
    assert any(line.startswith("audited action") and "(ed25519)" in line for line in lines)
