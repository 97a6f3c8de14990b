"""`govdesk review day`, the PDF report (Chinese text really embedded) and the CSV export (injection, paths)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from app.review import open_day
from app.review.errors import UnsafeExportPath
from app.review.exports import FORMULA_STARTS, check_target, csv_text, neutralise, path_in, write_csv
from app.review.pdf_report import render_pdf, write_pdf
from app.review.timeline import AUDIT, Action
from tests.review_daygen import OFFICE_NAME, PASSWORD, SUPERVISOR, Clock, local_ms, plant_anomalies, reopen_office
from tests.test_review import DAY, generated_day

__all__ = ["generated_day"]
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def office(generated_day: Path, tmp_path: Path):
    """A fresh copy of the generated day with its anomalies planted."""
    target = tmp_path / "office"
    shutil.copytree(generated_day, target)
    office = reopen_office(target, Clock(local_ms(DAY, 17, 59)))
    plant_anomalies(office, DAY)
    return office


def govdesk(*args: str, stdin: str = PASSWORD + "\n") -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess."""
    return subprocess.run([sys.executable, "-m", "app.cli.main", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=120)  # fmt: skip


def pdf_text(path: Path) -> str:
    """Return the text pdftotext extracts from a PDF."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout  # fmt: skip


def test_the_pdf_holds_the_chinese_office_name_as_text_with_the_font_embedded(office, tmp_path: Path) -> None:
    with office.open(SUPERVISOR) as sup:
        review = open_day(sup, "2026-05-20")
        zh = write_pdf(review, tmp_path / "zh.pdf")
        en = write_pdf(review, tmp_path / "en.pdf", language="en")
    text = pdf_text(zh)
    assert OFFICE_NAME in text and "每日审核报告" in text and "异常" in text
    assert "tax-zhao" in text  # the data-fishing anomaly's explanation names the clerk
    assert "Daily review report" in pdf_text(en) and OFFICE_NAME in pdf_text(en)
    fonts = subprocess.run(["pdffonts", str(zh)], capture_output=True, text=True, check=True).stdout
    line = next(x for x in fonts.splitlines() if "Noto" in x)
    assert " yes " in line  # embedded (a subset)
    assert zh.stat().st_mode & 0o777 == 0o600


def test_the_cli_reviews_exports_and_signs_a_day(office, tmp_path: Path) -> None:
    base = ["review", "day", "--office", str(office.path), "--user", SUPERVISOR, "--password-stdin",
            "--date", "2026-05-20"]  # fmt: skip
    result = govdesk(*base, "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    ids = [a["id"] for a in summary["anomalies"]]
    assert summary["office"] == OFFICE_NAME and len(ids) >= 7 and summary["signoff"] is None
    assert set(summary["compare"]) == {"day", "week", "month"}
    refused = govdesk(*base, "--sign")
    assert refused.returncode == 3 and "acknowledge" in refused.stderr
    acks = [f"--ack={i}=checked with the clerk" for i in ids[:1]]
    signed = govdesk(*base, "--sign", "--ack-all", "reviewed", *acks, "--json", "--pdf", str(tmp_path / "r.pdf"),
                     "--csv", str(tmp_path / "r.csv"))  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    out = json.loads(signed.stdout)
    assert out["signed_now"] and out["signoff"]["signed_by"] == SUPERVISOR
    comments = {a["anomaly"]: a["comment"] for a in out["signoff"]["acknowledgements"]}
    assert comments[ids[0]] == "checked with the clerk" and comments[ids[-1]] == "reviewed"
    assert "checked with the clerk" in pdf_text(tmp_path / "r.pdf")
    rows = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0][:4] == ["时间（北京时间）", "来源", "账号", "操作"] and len(rows) > 2000  # zh_CN, the default
    assert {"证照查验", "登录"} <= {row[3] for row in rows[1:]} and "cert.verify" not in {row[3] for row in rows[1:]}
    again = govdesk(*base, "--sign", "--ack-all", "again")
    assert again.returncode == 1 and "twice" in again.stderr
    text = govdesk(*base)
    assert text.returncode == 0 and "signed off by tax-sup" in text.stdout
    clerk = govdesk("review", "day", "--office", str(office.path), "--user", "tax-li", "--password-stdin", "--date",
                    "2026-05-20")  # fmt: skip
    assert clerk.returncode == 1 and "may not" in clerk.stderr
    for bad in ("2026-13-01", "yesterday", "../2026-05-20"):
        bad_day = govdesk("review", "day", "--office", str(office.path), "--user", SUPERVISOR, "--password-stdin",
                          "--date", bad)  # fmt: skip
        assert bad_day.returncode == 1 and "day" in bad_day.stderr
    wrong = govdesk(*base, stdin="not-the-password\n")
    assert wrong.returncode == 1 and "wrong password" in wrong.stderr


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(start: str) -> None:
    hostile = f'{start}HYPERLINK("http://x","y")'
    action = Action(0, AUDIT, "1", "li.na", "case.review", hostile, case=f"{start}1+1", service="s", verdict="")
    rows = list(csv.reader(io.StringIO(csv_text([action], 480).lstrip("\ufeff"))))
    assert rows[1][4] == "'" + hostile and rows[1][5] == f"'{start}1+1"
    assert all(not cell.startswith(FORMULA_STARTS) for cell in rows[1])
    assert neutralise("plain") == "plain" and neutralise("") == ""


def test_a_review_outcome_typed_by_a_supervisor_reaches_the_csv_neutralised(office, tmp_path: Path) -> None:
    with office.open(SUPERVISOR) as sup:
        case = sup.session.one("SELECT case_ref FROM cases LIMIT 1")[0]
        sup.cases.review(case, "=cmd|' /C calc'!A0", "@SUM(1)")
        path = write_csv(open_day(sup, "2026-05-20").timeline(action="case.review"), tmp_path / "t.csv")
    body = path.read_text(encoding="utf-8-sig")
    assert "'=cmd|" in body and "\n=cmd" not in body and ",=cmd" not in body


def test_exports_are_written_only_where_the_user_chose(tmp_path: Path) -> None:
    chosen = tmp_path / "exports"
    chosen.mkdir()
    elsewhere = tmp_path / "secret"
    elsewhere.mkdir()
    for name in ("../secret/x.csv", "../../etc/passwd", "/etc/passwd", "..", "a/../../b.csv", "\\..\\x.csv", ""):
        path = path_in(chosen, name)
        assert path.parent == chosen.resolve(), name
    assert path_in(chosen, "北京 东城/2026-05-20.pdf").name == "北京_东城_2026-05-20.pdf"
    link = chosen / "link.csv"
    link.symlink_to(elsewhere / "target.csv")
    with pytest.raises(UnsafeExportPath):
        check_target(link)
    with pytest.raises(UnsafeExportPath):
        check_target(elsewhere)  # a directory
    with pytest.raises(UnsafeExportPath):
        check_target(tmp_path / "missing-folder" / "x.csv")
    with pytest.raises(UnsafeExportPath):
        check_target("bad\x00name.csv")
    with pytest.raises(UnsafeExportPath):
        path_in(tmp_path / "nope", "x.csv")
    write_csv([], chosen / "ok.csv")
    assert sorted(p.name for p in chosen.iterdir()) == ["link.csv", "ok.csv"]
    assert not (elsewhere / "target.csv").exists() and os.listdir(elsewhere) == []


def test_the_cli_refuses_an_export_through_a_symlink(office, tmp_path: Path) -> None:
    (tmp_path / "victim").write_text("keep me")
    (tmp_path / "report.pdf").symlink_to(tmp_path / "victim")
    result = govdesk("review", "day", "--office", str(office.path), "--user", SUPERVISOR, "--password-stdin",
                     "--date", "2026-05-20", "--pdf", str(tmp_path / "report.pdf"))  # fmt: skip
    assert result.returncode == 1 and "symbolic link" in result.stderr
    assert (tmp_path / "victim").read_text() == "keep me"


def test_a_pdf_renders_for_an_empty_day_and_a_day_of_hostile_text(office) -> None:
    with office.open(SUPERVISOR) as sup:
        empty = open_day(sup, date(2026, 1, 1))
        assert render_pdf(empty).startswith(b"%PDF")
        sup.cases.review(sup.session.one("SELECT case_ref FROM cases LIMIT 1")[0], "x" * 128, "\u202e" * 500)
        assert render_pdf(open_day(sup, "2026-05-20"), language="en").startswith(b"%PDF")
