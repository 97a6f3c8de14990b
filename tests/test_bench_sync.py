"""The sync benchmark runs at tiny size and ends with its JSON line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_sync_tiny_prints_the_json_keys() -> None:
    out = subprocess.run(
        [sys.executable, "bench/sync.py", "--tiny"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    last = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(last) == {"bench", "suite", "entries_per_s", "ratio", "peak_rss_mb", "push_per_s"}
    assert last["suite"] == "ed25519"  # issue 17: every benchmark names its suite
    assert last["bench"] == "sync"
    assert last["entries_per_s"] > 0 and last["push_per_s"] > 0 and last["ratio"] > 0 and last["peak_rss_mb"] > 0
