"""bench/cases.py runs at tiny size and ends with its JSON line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "cases.py"


def test_tiny_benchmark_prints_the_summary_line() -> None:
    out = subprocess.run(
        [sys.executable, str(BENCH), "--tiny"], capture_output=True, text=True, timeout=120, check=True
    )
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(summary) == {"bench", "suite", "ratio", "queue_p99_ms"} and summary["bench"] == "cases"
    assert summary["suite"] == "ed25519"  # issue 17: every benchmark names its suite
    assert summary["ratio"] > 0 and 0 < summary["queue_p99_ms"] < 1000
