"""SQL lives only in the storage layers: app/store (the replica), the node's storage modules and the hall's.

Every other module of app/ and ui/ asks a store module questions in domain terms. The check reads the
source's syntax tree and names each call of a statement runner (`.execute`, `.executemany`,
`.executescript`) or of the session's query helpers (`.one(sql, ...)`, `.all(sql, ...)`) outside them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("app", "ui")

# The storage layers, as path prefixes relative to the repository root.
STORAGE_PREFIXES = ("app/store/", "app/node/storage/", "app/server_storage/", "app/hall/store")

# Known calls outside the storage layers, each with the reason it is still there. Keep this short.
EXCEPTIONS: dict[str, int] = {}

STATEMENT_RUNNERS = frozenset({"execute", "executemany", "executescript"})
# app/store/session.py's query helpers: flagged when called with a statement (a positional argument), so that
# `array.all()` or `any_iterable.all(axis=0)` elsewhere is not mistaken for SQL.
QUERY_HELPERS = frozenset({"one", "all"})


def sql_calls(source: str) -> list[tuple[int, str]]:
    """Return (line, method) of every call in `source` that runs SQL the way the storage layers do."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name = node.func.attr
        if name in STATEMENT_RUNNERS or (name in QUERY_HELPERS and node.args):
            found.append((node.lineno, name))
    return sorted(found)


def is_storage(relative: str) -> bool:
    """True if the module at `relative` (a POSIX path from the repository root) is a storage layer."""
    return relative.startswith(STORAGE_PREFIXES)


def violations(root: Path) -> dict[str, list[tuple[int, str]]]:
    """Return, per module outside the storage layers under `root`, the SQL calls it makes."""
    out = {}
    for top in SCANNED:
        for path in sorted((root / top).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if is_storage(relative):
                continue
            calls = sql_calls(path.read_text(encoding="utf-8"))
            if calls:
                out[relative] = calls
    return out


def test_no_sql_outside_the_storage_layers() -> None:
    found = violations(ROOT)
    unexpected = {
        module: calls for module, calls in found.items() if len(calls) != EXCEPTIONS.get(module, 0)
    }  # fmt: skip
    where = "app/store, app/node/storage, app/server_storage, app/hall/store*"
    assert unexpected == {}, f"raw SQL outside {where}: " + repr(unexpected)


def test_every_exception_is_still_needed() -> None:
    found = violations(ROOT)
    stale = sorted(module for module in EXCEPTIONS if module not in found)
    assert stale == [], f"remove these from EXCEPTIONS, they no longer run SQL: {stale}"


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for top in SCANNED:
        (tmp_path / top).mkdir(exist_ok=True)
    return tmp_path


@pytest.mark.parametrize(
    "line",
    [
        'replica.session.execute("DELETE FROM outbox")',
        'rows = session.all("SELECT * FROM cases WHERE x = ?", (1,))',
        'row = self._r.session.one(f"SELECT {COLS} FROM consents")',
        "conn.executemany(SQL, rows)",
        "db.executescript(SCRIPT)",
        "cur = s.conn.execute(statement)",
    ],
)
def test_a_planted_violation_is_found(tmp_path: Path, line: str) -> None:
    root = _tree(tmp_path, {"app/sync/planted.py": f"def f(replica, session, self, conn, db, s):\n    {line}\n"})
    assert list(violations(root)) == ["app/sync/planted.py"]
    assert violations(root)["app/sync/planted.py"][0][0] == 2


def test_a_planted_violation_in_ui_is_found(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"ui/panel.py": 'def load(office):\n    return office.replica.session.all("SELECT 1")\n'})
    assert violations(root) == {"ui/panel.py": [(2, "all")]}


def test_the_storage_layers_may_run_sql(tmp_path: Path) -> None:
    sql = 'def f(session):\n    return session.all("SELECT 1")\n'
    files = {
        "app/store/anything.py": sql,
        "app/server_storage/postgres.py": sql,
        "app/node/storage/postgres.py": sql,
        "app/hall/store_postgres.py": sql,
    }
    assert violations(_tree(tmp_path, files)) == {}


def test_calls_that_are_not_sql_pass(tmp_path: Path) -> None:
    source = "def f(mask, items):\n    return mask.all() and items.all(axis=0) is not None and any(items)\n"
    assert violations(_tree(tmp_path, {"app/scan/frames.py": source})) == {}


def test_the_check_reads_real_sources() -> None:
    # The scan is not vacuous: the storage layers themselves are full of the calls it looks for.
    store_calls = sum(len(sql_calls(p.read_text(encoding="utf-8"))) for p in (ROOT / "app/store").rglob("*.py"))
    assert store_calls > 100
