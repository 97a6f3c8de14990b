"""The certificate benchmark runs at a tiny size, so it never rots."""

from __future__ import annotations

from tests.bench_run import run_tiny


def test_certs_benchmark_runs_and_reports_its_figures() -> None:
    run = run_tiny("certs")
    figures = run.figures
    assert set(figures) == {
        "bench",
        "suite",
        "p50_ms",
        "p99_ms",
        "p50_ratio_to_bare_verify",
        "sm2_p50_ms",
        "sm2_p99_ms",
        "sm2_p50_ratio_to_bare_verify",
    }
    assert figures["suite"] == "ed25519"
    assert 0 < figures["sm2_p50_ms"] <= figures["sm2_p99_ms"]
    assert figures["sm2_p50_ratio_to_bare_verify"] > 0.5
    assert figures["bench"] == "certs"
    assert 0 < figures["p50_ms"] <= figures["p99_ms"]
    assert figures["p50_ratio_to_bare_verify"] > 1
