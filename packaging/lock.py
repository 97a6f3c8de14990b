"""Write packaging/requirements-linux.lock: every package the bundle build installs, pinned, with wheel hashes.

    .venv/bin/python packaging/lock.py

The pins are what the development venv (.venv) has installed: the runtime dependencies in pyproject.toml and
PyInstaller, with everything they require. Each pinned wheel for this platform is fetched with
`pip download` and hashed; packaging/build installs the lock with `pip install --require-hashes`.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "packaging" / "requirements-linux.lock"
BUILD_TOOLS = ("pyinstaller",)


def canonical(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(roots: list[Requirement]) -> dict[str, str]:
    """Return name -> installed version for the roots and everything they require, in this interpreter."""
    env = default_environment()
    pins: dict[str, str] = {}
    pending = [(r, "") for r in roots]
    while pending:
        req, extra = pending.pop()
        if req.marker is not None and not req.marker.evaluate({**env, "extra": extra}):
            continue
        name = canonical(req.name)
        dist = metadata.distribution(req.name)
        for wanted_extra in [*req.extras, ""]:
            for sub in dist.requires or []:
                sub_req = Requirement(sub)
                if sub_req.marker is None and wanted_extra:
                    continue
                if sub_req.marker is not None and not sub_req.marker.evaluate({**env, "extra": wanted_extra}):
                    continue
                if canonical(sub_req.name) not in pins:
                    pending.append((Requirement(str(sub_req).split(";")[0]), ""))
        pins[name] = dist.version
    return pins


def main() -> int:
    """Pin, download and hash."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    roots = [Requirement(r) for r in project["dependencies"]] + [Requirement(r) for r in BUILD_TOOLS]
    pins = closure(roots)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:", "-d", tmp]
            + [f"{name}=={version}" for name, version in sorted(pins.items())],
            check=True,
        )
        hashes: dict[str, list[str]] = {}
        for wheel in sorted(Path(tmp).glob("*.whl")):
            name = canonical(wheel.name.split("-")[0])
            hashes.setdefault(name, []).append(hashlib.sha256(wheel.read_bytes()).hexdigest())
    missing = sorted(set(pins) - set(hashes))
    if missing:
        print(f"no wheel downloaded for: {', '.join(missing)}", file=sys.stderr)
        return 1
    lines = [
        "# The bundle build's dependencies, pinned with the SHA-256 of each wheel (Linux x86_64, CPython "
        f"{sys.version_info.major}.{sys.version_info.minor}).",
        "# Generated from .venv by packaging/lock.py; regenerate it, do not edit it.",
    ]
    for name in sorted(pins):
        lines.append(f"{name}=={pins[name]} \\")
        lines.extend(
            f"    --hash=sha256:{h}" + (" \\" if i < len(hashes[name]) - 1 else "") for i, h in enumerate(hashes[name])
        )
    LOCK.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {LOCK.relative_to(ROOT)}: {len(pins)} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
