"""The OFD benchmark runs at a tiny size, so it never rots."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ofd_benchmark_runs_and_reports_its_figures() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "ofd.py"), "--tiny"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(figures) == {
        "bench",
        "suite",
        "verify_p50_ms",
        "verify_p99_ms",
        "verify_50p_ms",
        "issue_ms",
        "ratio_to_bare",
    }
    assert figures["suite"] == "sm2-sm3"  # issue 17: every benchmark names its suite
    assert figures["bench"] == "ofd"
    assert 0 < figures["verify_p50_ms"] <= figures["verify_p99_ms"]
    assert figures["verify_50p_ms"] > 0 and figures["issue_ms"] > 0 and figures["ratio_to_bare"] > 0
