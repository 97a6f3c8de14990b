"""Writing exports only where the user chose: the CSV of the timeline (formula cells neutralised) and the
safe resolution of a target path, shared with the PDF report."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.atomic_file import write_atomic
from app.review.errors import UnsafeExportPath
from app.review.texts import action_name, csv_header, result_name, source_name
from app.review.timeline import Action

CSV_COLUMNS = ("time", "source", "account", "action", "result", "case", "service", "verdict", "ref")
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection"); tab and CR too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
MAX_NAME = 120


def neutralise(cell: str) -> str:
    """Return `cell` so that no spreadsheet reads it as a formula (a leading apostrophe)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def safe_file_name(name: str) -> str:
    """Return `name` as a plain file name: no directories, no '..', no control or separator characters."""
    cleaned = _UNSAFE_NAME.sub("_", name.replace("/", "_").replace("\\", "_")).strip("._")
    return (cleaned or "export")[:MAX_NAME]


def path_in(directory: str | Path, name: str) -> Path:
    """Return `directory`/`name` with the name made safe, refusing anything that would land elsewhere."""
    base = Path(directory).resolve()
    if not base.is_dir():
        raise UnsafeExportPath(f"{directory} is not a directory")
    target = base / safe_file_name(name)
    if target.parent != base:
        raise UnsafeExportPath(f"{name!r} would be written outside {base}")
    return check_target(target)


def check_target(target: str | Path) -> Path:
    """Return the user's chosen file path if it can be written there and nowhere else, else raise UnsafeExportPath."""
    text = str(target)
    if not text or "\x00" in text:
        raise UnsafeExportPath("the export path is empty or has a NUL character")
    path = Path(text).expanduser()
    if path.is_symlink():
        raise UnsafeExportPath(f"{path} is a symbolic link: the export would be written somewhere else")
    if path.exists() and not path.is_file():
        raise UnsafeExportPath(f"{path} exists and is not a regular file")
    parent = path.parent.resolve()
    if not parent.is_dir():
        raise UnsafeExportPath(f"the folder {path.parent} does not exist")
    return parent / path.name


def write_bytes(path: Path, data: bytes) -> None:
    """Write an export atomically (mode 0600: it holds the office's records)."""
    write_atomic(path, data, mode=0o600)


def csv_text(
    actions: Iterable[Action],
    utc_offset_minutes: int,
    language: str = "zh_CN",
    service_names: Mapping[str, str] | None = None,
) -> str:
    """Return the timeline as CSV text (UTF-8 with BOM for spreadsheets) in `language`, every cell neutralised.

    Headers, actions, results and verdicts are in the reader's language and times on the office's clock (Beijing);
    case numbers, accounts and record numbers stay as they are."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_header(column, language) for column in CSV_COLUMNS])
    shift = timedelta(minutes=utc_offset_minutes)
    names = service_names or {}
    for a in actions:
        when = (datetime.fromtimestamp(a.at_ms / 1000, UTC) + shift).strftime("%Y-%m-%d %H:%M:%S")
        row = (
            when,
            source_name(a.source, language),
            a.account,
            action_name(a.action, language),
            result_name(a.result, language),
            a.case,
            names.get(a.service, a.service),
            result_name(a.verdict, language) if a.verdict else "",
            a.ref,
        )
        writer.writerow([neutralise(str(cell)) for cell in row])
    return out.getvalue()


def write_csv(
    actions: Iterable[Action],
    target: str | Path,
    *,
    utc_offset_minutes: int = 480,
    language: str = "zh_CN",
    service_names: Mapping[str, str] | None = None,
) -> Path:
    """Write the timeline as CSV exactly at the user's chosen `target`; return the path written."""
    path = check_target(target)
    write_bytes(path, csv_text(actions, utc_offset_minutes, language, service_names).encode("utf-8"))
    return path
