"""The domain runs headless: nothing under app/ imports Qt or the ui package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A meta-path finder that makes PySide6, shiboken6 and ui unimportable, then imports every app module.
_PROBE = r"""
import importlib, pkgutil, sys
class Forbid:
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top in ("PySide6", "shiboken6", "ui"):
            raise ImportError(f"app must not import {name}")
        return None
sys.meta_path.insert(0, Forbid())
import app
failed = []
for mod in pkgutil.walk_packages(app.__path__, "app."):
    try:
        importlib.import_module(mod.name)
    except ImportError as exc:
        failed.append(f"{mod.name}: {exc}")
print("\n".join(failed))
sys.exit(1 if failed else 0)
"""


def test_every_app_module_imports_without_qt() -> None:
    result = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_app_sources_never_name_qt() -> None:
    offenders = []
    for path in (ROOT / "app").rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            if stripped.startswith(("import ", "from ")) and any(
                stripped.split()[1].split(".")[0] == name for name in ("PySide6", "shiboken6", "ui")
            ):
                offenders.append(f"{path.relative_to(ROOT)}: {stripped}")
    assert offenders == []


def test_no_star_imports_anywhere() -> None:
    offenders = [
        str(p.relative_to(ROOT))
        for top in ("app", "ui", "bench")
        if (ROOT / top).exists()
        for p in (ROOT / top).rglob("*.py")
        if "import *" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
