"""The ledger benchmark runs at a tiny size, so it never rots."""

from __future__ import annotations

from tests.bench_run import run_tiny


def test_ledger_benchmark_runs_and_reports_its_figures() -> None:
    run = run_tiny("ledger")
    figures = run.figures
    assert set(figures) == {
        "bench",
        "entries_per_s",
        "workers",
        "bare_verify_per_s",
        "ratio",
        "entries_per_s_1core",
        "bare_verify_per_s_1core",
        "ratio_1core",
        "ratio_cpu",
        "ratio_1core_cpu",
        "bare_verify_cryptography_per_s",
        "ratio_cryptography",
        "proof_bytes_1e6",
        "proof_verify_us_1e6",
        "suite",
        "sm2_openssl_verify_per_s",
        "sm2_bare_verify_per_s",
        "sm2_log_entries_per_s",
        "sm2_backend_ratio",
        "sm2_log_ratio",
    }
    assert figures["suite"] == "ed25519"
    assert figures["sm2_openssl_verify_per_s"] > 0 and figures["sm2_bare_verify_per_s"] > 0
    assert 0 < figures["sm2_backend_ratio"] < 5 and 0 < figures["sm2_log_ratio"] < 5
    assert figures["bench"] == "ledger"
    assert figures["entries_per_s"] > 0 and figures["bare_verify_per_s"] > 0
    # each ratio is taken against its own bare loop, measured in the same run
    assert abs(figures["ratio"] - figures["entries_per_s"] / figures["bare_verify_per_s"]) < 0.002
    assert abs(figures["ratio_1core"] - figures["entries_per_s_1core"] / figures["bare_verify_per_s_1core"]) < 0.002
    ratio_cryptography = figures["entries_per_s_1core"] / figures["bare_verify_cryptography_per_s"]
    assert abs(figures["ratio_cryptography"] - ratio_cryptography) < 0.002
    assert 0 < figures["ratio_cpu"] < 5 and 0 < figures["ratio_1core_cpu"] < 5  # CPU seconds, parent and workers
    assert figures["proof_bytes_1e6"] % 32 == 0
