"""bench/ui.py runs at tiny size and ends with the JSON line the issue names."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEYS = {
    "bench",
    "suite",
    "start_s",
    "unlock_ready_s",
    "scan_to_verdict_p95_ms",
    "scan_to_verdict_during_sync_p95_ms",
    "max_stall_ms",
    "peak_rss_mb",
}


def test_tiny_benchmark_prints_the_issue_keys() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ui.py"), "--tiny"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures) == KEYS and figures["bench"] == "ui"
    assert figures["suite"] == "ed25519"  # issue 17: every benchmark names its suite
    assert all(isinstance(figures[k], int | float) and figures[k] > 0 for k in KEYS - {"bench", "suite"})
