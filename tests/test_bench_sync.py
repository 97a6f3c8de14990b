"""The sync benchmark runs at tiny size and ends with its JSON line."""

from __future__ import annotations

from tests.bench_run import run_tiny


def test_bench_sync_tiny_prints_the_json_keys() -> None:
    run = run_tiny("sync")
    last = run.figures
    assert set(last) == {"bench", "suite", "entries_per_s", "ratio", "peak_rss_mb", "push_per_s"}
    assert last["suite"] == "ed25519"  # issue 17: every benchmark names its suite
    assert last["bench"] == "sync"
    assert last["entries_per_s"] > 0 and last["push_per_s"] > 0 and last["ratio"] > 0 and last["peak_rss_mb"] > 0
