"""The scan benchmark runs at a tiny size, so it never rots."""

from __future__ import annotations

from tests.bench_run import run_tiny


def test_scan_benchmark_runs_and_reports_its_figures() -> None:
    run = run_tiny("scan", timeout=180)
    figures = run.figures
    lines = run.lines
    assert set(figures) == {"bench", "suite", "success_400", "p95_ms", "idle_core_fraction", "speedup_vs_naive"}
    assert figures["suite"] == "none"  # issue 17: every benchmark names its suite
    assert figures["bench"] == "scan"
    assert 0.0 <= figures["success_400"] <= 1.0
    assert figures["p95_ms"] > 0 and figures["idle_core_fraction"] > 0
    assert figures["speedup_vs_naive"] > 1.0  # the pipeline must beat pyzbar on every full frame
    assert any(line.startswith("naive") for line in lines) and any(line.startswith("pipeline-pyzbar") for line in lines)
