"""bench/review.py runs at tiny size and ends with its JSON line."""

from __future__ import annotations

from tests.bench_run import run_tiny


def test_tiny_benchmark_prints_the_summary_line() -> None:
    run = run_tiny("review", timeout=180)
    summary = run.figures
    assert set(summary) == {"bench", "suite", "day_open_p95_s", "month_open_s", "pdf_s", "chain_ratio"}
    assert summary["suite"] == "ed25519"  # issue 17: every benchmark names its suite
    assert summary["bench"] == "review"
    assert 0 < summary["day_open_p95_s"] < 10 and 0 < summary["month_open_s"] < 30 and 0 < summary["pdf_s"] < 30
    assert summary["chain_ratio"] > 0
