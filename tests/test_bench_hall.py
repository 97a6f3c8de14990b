"""The hall benchmark runs at tiny size and ends with its JSON line."""

from __future__ import annotations

from tests.bench_run import run_tiny


def test_bench_hall_tiny_prints_the_json_keys() -> None:
    run = run_tiny("hall")
    last = run.figures
    assert set(last) == {"bench", "suite", "calls_per_s", "call_p99_ms", "duplicates", "bare_tx_per_s", "ratio"}
    assert last["suite"] == "ed25519"  # issue 17: every benchmark names its suite
    assert last["bench"] == "hall"
    assert last["duplicates"] == 0
    assert last["calls_per_s"] > 0 and last["call_p99_ms"] > 0 and last["bare_tx_per_s"] > 0 and last["ratio"] > 0
    assert "300 in" in run.stdout  # every waiting ticket was called
