"""bench/package.py runs (tiny: the core profile build) and ends with the JSON line the issue names."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_bench_package_tiny() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "package.py"), "--tiny"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(line) == {"bench", "suite", "bundle_mb", "bundle_start_s", "start_ratio_vs_source", "build_s"}
    assert line["suite"] == "ed25519"  # issue 17: every benchmark names its suite
    assert line["bench"] == "package"
    assert line["bundle_mb"] > 1 and line["bundle_start_s"] > 0 and line["build_s"] > 0
