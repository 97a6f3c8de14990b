"""bench/package.py runs (tiny: the core profile build) and ends with the JSON line the issue names."""

from __future__ import annotations

import pytest

from tests.bench_run import run_tiny


@pytest.mark.slow
def test_bench_package_tiny() -> None:
    run = run_tiny("package", timeout=600)
    line = run.figures
    assert set(line) == {"bench", "suite", "bundle_mb", "bundle_start_s", "start_ratio_vs_source", "build_s"}
    assert line["suite"] == "ed25519"  # issue 17: every benchmark names its suite
    assert line["bench"] == "package"
    assert line["bundle_mb"] > 1 and line["bundle_start_s"] > 0 and line["build_s"] > 0
