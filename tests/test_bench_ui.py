"""bench/ui.py runs at tiny size and ends with the JSON line the issue names."""

from __future__ import annotations

from tests.bench_run import run_tiny

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
    run = run_tiny("ui", timeout=240, env={"QT_QPA_PLATFORM": "offscreen"})
    figures = run.figures
    assert set(figures) == KEYS and figures["bench"] == "ui"
    assert figures["suite"] == "ed25519"  # issue 17: every benchmark names its suite
    assert all(isinstance(figures[k], int | float) and figures[k] > 0 for k in KEYS - {"bench", "suite"})
