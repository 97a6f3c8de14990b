"""Run one benchmark at its tiny size and read its figures, as the test suite does for every benchmark."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class BenchRun:
    """A benchmark's run: its last line (the JSON figures) and every line it printed."""

    figures: dict[str, Any]
    lines: list[str]

    @property
    def stdout(self) -> str:
        """Everything the benchmark printed."""
        return "\n".join(self.lines)


def run_tiny(name: str, *args: str, timeout: float = 120, env: dict[str, str] | None = None) -> BenchRun:
    """Run `bench/<name>.py --tiny [args]` from the repository root; fail with its output's end if it fails."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / f"{name}.py"), "--tiny", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    lines = result.stdout.strip().splitlines()
    return BenchRun(json.loads(lines[-1]), lines)
