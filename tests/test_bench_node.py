"""The node benchmark runs at a tiny size (real PostgreSQL, real HTTP), so it never rots."""

from __future__ import annotations

from tests.bench_run import run_tiny


def test_node_benchmark_runs_and_reports_its_figures() -> None:
    run = run_tiny("node", timeout=180)
    figures = run.figures
    assert set(figures) == {
        "bench", "suite", "entries_per_s", "p99_included_s", "ratio", "tile_reads_per_s", "verify_ratio",
        "static_tile_reads_per_s", "node_tile_reads_per_s", "static_read_ratio", "static_cpu_ratio", "failover_gap_s",
    }  # fmt: skip
    assert figures["suite"] == "ed25519"  # issue 17: every benchmark names its suite
    assert figures["bench"] == "node"
    assert figures["entries_per_s"] > 0 and figures["tile_reads_per_s"] > 0
    assert 0 < figures["p99_included_s"] < 5 and figures["ratio"] > 0
    assert "largest gap between signed checkpoints" in run.stdout
    assert (
        figures["verify_ratio"] > 0 and figures["static_tile_reads_per_s"] > 0 and figures["node_tile_reads_per_s"] > 0
    )
    assert figures["static_cpu_ratio"] > 0 and 0 < figures["failover_gap_s"] < 60
    assert "CPU per entry     decode" in run.stdout and "HTTP" in run.stdout
