"""The hall benchmark runs at tiny size and ends with its JSON line, on either suite."""

from __future__ import annotations

import pytest

from tests.bench_run import run_tiny


@pytest.mark.parametrize("suite", ["ed25519", "sm2-sm3"])
def test_bench_hall_tiny_prints_the_json_keys(suite: str) -> None:
    run = run_tiny("hall", "--suite", suite)
    last = run.figures
    assert set(last) == {"bench", "suite", "calls_per_s", "call_p99_ms", "duplicates", "bare_tx_per_s", "ratio"}
    assert last["suite"] == suite  # issue 17: every benchmark names its suite
    assert last["bench"] == "hall"
    assert last["duplicates"] == 0
    assert last["calls_per_s"] > 0 and last["call_p99_ms"] > 0 and last["bare_tx_per_s"] > 0 and last["ratio"] > 0
    assert "300 in" in run.stdout  # every waiting ticket was called
