"""`govdesk sync` is honest about what it gave up on: when a node keeps answering "retry later" through
every retry, entries stay in the outbox, and the command exits non-zero and says what still waits."""

from __future__ import annotations

import io
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from app.cli.main import main as govdesk
from app.node.config import Limits
from app.sync.service import EXIT_GAVE_UP, EXIT_OK, EXIT_UNREACHABLE
from tests.test_sync_support import PASSWORD, NodeProc, make_federation, new_office, note_entry


def start_node(base: Path, limits: Limits) -> NodeProc:
    """One real node with the given limits."""
    [node] = make_federation(base, ("taxation",))
    node.config = replace(node.config, limits=limits)
    node.config.save(node.path)
    node.start()
    return node


def office_with_entries(path: Path, node: NodeProc, count: int) -> Path:
    """An office enrolled at `node` with `count` entries in its outbox."""
    office = new_office(path, path.name, [node], quorum=0)
    with office.transaction():
        for i in range(count):
            office.outbox.enqueue(node.origin, note_entry(office, node.origin, f"note {i}"))
    office.close()
    return path


def sync_cli(office: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run `govdesk sync --once --push-only` with the password on stdin; return its status and output."""
    old = sys.stdin
    sys.stdin = io.StringIO(PASSWORD + "\n")
    try:
        code = govdesk(
            ["sync", "--office", str(office), "--user", "admin", "--password-stdin", "--once", "--push-only"]
        )
    finally:
        sys.stdin = old
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_entries_the_node_kept_refusing_as_overloaded_make_sync_exit_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A sequencing queue of one: each request gets about one entry in, the rest answered "overloaded".
    node = start_node(tmp_path / "nodes", Limits(publish_interval_s=0.1, queue_limit=1))
    try:
        code, out = sync_cli(office_with_entries(tmp_path / "office-a", node, 60), capsys)
    finally:
        node.stop()
    assert code == EXIT_GAVE_UP, out
    assert "still waiting:" in out and "overloaded" in out and "GAVE UP" in out
    assert "entries still wait in the outbox" in out


def test_a_request_the_node_kept_refusing_makes_sync_exit_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A rate limit that admits one submission: the second batch is refused whole, every retry.
    node = start_node(tmp_path / "nodes", Limits(publish_interval_s=0.1, rate_per_device=0.01, rate_burst=1))
    try:
        code, out = sync_cli(office_with_entries(tmp_path / "office-b", node, 300), capsys)
    finally:
        node.stop()
    assert code == EXIT_UNREACHABLE, out
    assert "rate_limited" in out and "its outbox entries still wait" in out
    assert "300 entries wait in the outbox" in out


def test_sync_with_nothing_left_waiting_exits_zero(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    node = start_node(tmp_path / "nodes", Limits(publish_interval_s=0.1))
    try:
        code, out = sync_cli(office_with_entries(tmp_path / "office-c", node, 10), capsys)
    finally:
        node.stop()
    assert code == EXIT_OK, out
    assert "still waiting" not in out and "wait in the outbox" not in out
