"""The hall benchmark runs at tiny size and ends with its JSON line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_hall_tiny_prints_the_json_keys() -> None:
    out = subprocess.run(
        [sys.executable, "bench/hall.py", "--tiny"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    last = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(last) == {"bench", "suite", "calls_per_s", "call_p99_ms", "duplicates", "bare_tx_per_s", "ratio"}
    assert last["suite"] == "ed25519"  # issue 17: every benchmark names its suite
    assert last["bench"] == "hall"
    assert last["duplicates"] == 0
    assert last["calls_per_s"] > 0 and last["call_p99_ms"] > 0 and last["bare_tx_per_s"] > 0 and last["ratio"] > 0
    assert "300 in" in out.stdout  # every waiting ticket was called
