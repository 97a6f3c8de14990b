"""Packaging benchmark: bundle size, the bundled app's cold start to the login window, and the build time.

    .venv/bin/python bench/package.py [--tiny]

The full run builds the release of HEAD with packaging/build (timed), then starts the bundled app and the
source-tree app (the baseline, same run) offscreen to the login window with `govdesk self-test --gui` and
takes the median of several starts each. --tiny builds the reduced "core" profile and times `--version`
instead of the GUI. The last line is the JSON object the issue names.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAST_KDF_ARGS = {"time_cost": 1, "memory_kib": 8 * 1024, "parallelism": 1}
MAKE_OFFICE = (
    "import sys; from app.demo.demo_office import build_demo_office; from app.store.keywrap import KdfParams; "
    f"build_demo_office(__import__('pathlib').Path(sys.argv[1]), kdf=KdfParams(**{FAST_KDF_ARGS!r}), suite='ed25519')"
)


def timed_start(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    """Seconds from spawning `argv` until it exits successfully."""
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv[:3])} failed: {result.stderr[-2000:]}")
    return elapsed


def main() -> int:
    """Build, measure, print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tiny", action="store_true", help="core profile, --version start (seconds)")
    args = parser.parse_args()
    runs = 3 if args.tiny else 5
    with tempfile.TemporaryDirectory(prefix="govdesk-bench-package-") as tmp_name:
        tmp = Path(tmp_name)
        out = tmp / "build"
        profile = "core" if args.tiny else "full"
        started = time.perf_counter()
        subprocess.run([str(ROOT / "packaging" / "build"), "--profile", profile, "--out", str(out)],
                       cwd=ROOT, check=True, capture_output=True, timeout=1800)  # fmt: skip
        build_s = time.perf_counter() - started
        info = json.loads((out / "build-info.json").read_text())
        bundle_mb = info["bundle_bytes"] / 1e6
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp), "LANG": "C.UTF-8", "QT_QPA_PLATFORM": "offscreen",
               "XDG_RUNTIME_DIR": str(tmp)}  # fmt: skip
        bundled = [str(out / "bundle" / "govdesk" / "govdesk")]
        source = [sys.executable, "-m", "app.cli.main"]
        if args.tiny:
            command = ["--version"]
        else:
            office = tmp / "office"
            subprocess.run([sys.executable, "-c", MAKE_OFFICE, str(office)], cwd=ROOT, check=True, timeout=300)
            command = ["self-test", "--gui", str(office)]
        # one warm-up each so that both read their files from the page cache, as a second start would
        timed_start(bundled + command, tmp, env)
        timed_start(source + command, ROOT, {**env, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"})
        bundle_times = [timed_start(bundled + command, tmp, env) for _ in range(runs)]
        source_times = [
            timed_start(source + command, ROOT, {**env, "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"})
            for _ in range(runs)
        ]
    bundle_start = statistics.median(bundle_times)
    source_start = statistics.median(source_times)
    what = "--version" if args.tiny else "start to the login window"
    print(f"profile                {profile}")
    print(f"build                  {build_s:.1f} s (steps: {info['steps_s']})")
    print(f"bundle size            {bundle_mb:.0f} MB ({len(info['files'])} files)")
    print(f"bundled app, {what}: median {bundle_start:.3f} s of {runs}")
    print(f"source tree, {what}: median {source_start:.3f} s of {runs}")
    print(f"ratio bundled/source   {bundle_start / source_start:.2f}")
    result = {
        "bench": "package",
        "suite": "ed25519",
        "bundle_mb": round(bundle_mb, 1),
        "bundle_start_s": round(bundle_start, 3),
        "start_ratio_vs_source": round(bundle_start / source_start, 3),
        "build_s": round(build_s, 1),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
