"""The architecture holds: app/ runs headless, the layers contract (.importlinter) is kept and enforced."""

from __future__ import annotations

import ast
import shutil
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


# The layers contract (.importlinter, docs/architecture.md) is checked by import-linter.
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# One deliberate violation per contract: (module written into a copy of the tree, its source, what the report says).
VIOLATIONS = (
    ("app/ledger/leak_layers.py", "from app.store import replica\n", "app.ledger.leak_layers -> app.store.replica"),
    ("app/sync/leak_independence.py", "from app.services import cases\n", "app.sync.leak_independence -> app.services"),
    ("app/certs/leak_server.py", "from app.node import sequencer\n", "app.certs.leak_server -> app.node.sequencer"),
    ("app/node/leak_counter.py", "from app.store import replica\n", "app.node.leak_counter -> app.store.replica"),
    ("app/scan/leak_qt.py", "import PySide6.QtCore\n", "app.scan.leak_qt -> PySide6"),
)


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports with the repository's contract over the packages found in `tree`."""
    return subprocess.run(
        [str(LINT_IMPORTS), str(ROOT / ".importlinter"), "--no-cache"],
        cwd=tree,
        env={"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_the_layers_contract_holds() -> None:
    """The repository keeps every contract of .importlinter."""
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def _copy_with(tmp_path: Path, modules: dict[str, str]) -> Path:
    """Copy app/ and ui/ into tmp_path and add the given modules (relative path -> source)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for top in ("app", "ui"):
        shutil.copytree(ROOT / top, tmp_path / top, ignore=ignore)
    for relative, source in modules.items():
        (tmp_path / relative).write_text(source, encoding="utf-8")
    return tmp_path


def test_the_layers_contract_fails_on_deliberate_violations(tmp_path: Path) -> None:
    """A copy of the tree with one violation per contract breaks each contract and names the offending import."""
    result = _lint_imports(_copy_with(tmp_path, {relative: source for relative, source, _ in VIOLATIONS}))
    assert result.returncode != 0
    assert "Contracts: 0 kept, 5 broken." in result.stdout, result.stdout
    for _, _, reported in VIOLATIONS:
        assert reported in result.stdout, f"{reported!r} not reported:\n{result.stdout}"


def test_the_layers_contract_fails_on_a_cycle_between_siblings(tmp_path: Path) -> None:
    """protocol and catalogue share a layer; an import back from protocol to catalogue is a cycle, and only that."""
    result = _lint_imports(
        _copy_with(tmp_path, {"app/protocol/leak_cycle.py": "from app.catalogue import catalogue\n"})
    )
    assert result.returncode != 0
    assert "Contracts: 4 kept, 1 broken." in result.stdout, result.stdout
    assert "No cycles are allowed in app." in result.stdout
