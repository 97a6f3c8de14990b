"""The domain runs headless: nothing under app/ imports Qt or the ui package."""

from __future__ import annotations

import ast
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


TRUSTING_XML_PARSERS = ("xml.etree", "xml.dom", "xml.sax", "xml.parsers", "lxml")
XML_WRITING_ONLY = {"xml.sax.saxutils"}  # escaping for documents we build; it parses nothing


def _runtime_imports(tree: ast.Module) -> list[str]:
    """Modules imported outside `if TYPE_CHECKING:` blocks."""
    names: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for inner in node.orelse:
                visit(inner)
            return
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        for inner in ast.iter_child_nodes(node):
            visit(inner)

    visit(tree)
    return names


def test_untrusted_xml_is_parsed_only_through_defusedxml() -> None:
    """No module imports the standard library's (or lxml's) trusting XML parsers at run time."""
    offenders = []
    for path in sorted([*(ROOT / "app").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]):
        for name in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if name.startswith(TRUSTING_XML_PARSERS) and name not in XML_WRITING_ONLY:
                offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == [], offenders
