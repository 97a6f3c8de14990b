"""The OFD benchmark runs at a tiny size, so it never rots."""

from __future__ import annotations

from tests.bench_run import run_tiny


def test_ofd_benchmark_runs_and_reports_its_figures() -> None:
    run = run_tiny("ofd")
    figures = run.figures
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
