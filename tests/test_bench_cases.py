"""bench/cases.py runs at tiny size and ends with its JSON line."""

from __future__ import annotations

from tests.bench_run import run_tiny


def test_tiny_benchmark_prints_the_summary_line() -> None:
    run = run_tiny("cases")
    summary = run.figures
    assert set(summary) == {"bench", "suite", "ratio", "queue_p99_ms"} and summary["bench"] == "cases"
    assert summary["suite"] == "ed25519"  # issue 17: every benchmark names its suite
    assert summary["ratio"] > 0 and 0 < summary["queue_p99_ms"] < 1000
