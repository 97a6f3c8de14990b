"""Receipts and notices: the content from the catalogue, printed through Qt's print system to PDF, read back."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from app.catalogue.catalogue import load_catalogue
from app.catalogue.working_days import add_working_days
from app.hall.hall import SHANGHAI
from app.hall.notices import (
    NoticeError,
    NoticeKind,
    acceptance_receipt,
    chinese_date,
    one_time_notice,
    refusal_notice,
)
from ui.notice_printer import print_notice_to_pdf

RADICALS = str.maketrans("⺠⻔⻓⻅⻚⻢⻛⻋⻉⻝⻄⻜⻘⻬⻰⻮", "民门长见页马风车贝食西飞青齐龙鱼")
CATALOGUE = load_catalogue()
SERVICE = next(s for s in CATALOGUE.services if s.promised_days >= 5 and len(s.materials) >= 3)
CASE = "GD-2026-000123"
AT = int(dt.datetime(2026, 9, 24, 10, tzinfo=SHANGHAI).timestamp() * 1000)  # before Mid-Autumn and National Day


def _pdf_text(notice, tmp_path: Path) -> str:
    path = tmp_path / f"{notice.kind}.pdf"
    print_notice_to_pdf(notice, path)
    assert path.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # The CJK font's text layer maps some ideographs to radical code points (⾃ for 自, ⺠ for 民): NFKC folds the
    # Kangxi radicals, the table the CJK radicals supplement (which NFKC leaves alone).
    return unicodedata.normalize("NFKC", text).translate(RADICALS)


def _latin_words(text: str, ids: list[str]) -> list[str]:
    for ident in ids:
        text = text.replace(ident, "")
    return re.findall(r"[A-Za-z]{2,}", text)


def test_the_acceptance_receipt_holds_code_materials_and_due_date(qapp, tmp_path: Path) -> None:
    notice = acceptance_receipt(CATALOGUE, SERVICE.id, CASE, [m.id for m in SERVICE.materials], AT, 3)
    due = add_working_days(dt.date(2026, 9, 24), SERVICE.promised_days)
    assert notice.due is not None and notice.due.due == due and not notice.due.provisional
    text = _pdf_text(notice, tmp_path)
    flat = re.sub(r"\s+", "", text)
    assert "受理回执" in flat and CASE in flat and SERVICE.code.implementation in flat
    assert chinese_date(due) in flat and f"{SERVICE.promised_days}个工作日" in flat
    for m in SERVICE.materials:
        assert CATALOGUE.materials[m.id].zh in flat
    assert _latin_words(text, [CASE]) == []


def test_the_one_time_notice_lists_every_missing_material_and_nothing_else(qapp, tmp_path: Path) -> None:
    given = [SERVICE.materials[0].id]
    notice = one_time_notice(CATALOGUE, SERVICE.id, given, AT, 3)
    flat = re.sub(r"\s+", "", _pdf_text(notice, tmp_path))
    assert "一次性告知单" in flat and SERVICE.code.implementation in flat
    for m in SERVICE.materials[1:]:
        assert CATALOGUE.materials[m.id].zh in flat
    assert CATALOGUE.materials[SERVICE.materials[0].id].zh not in flat.split("需补正的材料")[1]
    assert _latin_words(flat, []) == []


def test_the_refusal_notice_states_the_reason_and_remedies(qapp, tmp_path: Path) -> None:
    notice = refusal_notice(CATALOGUE, SERVICE.id, "申请事项不属于本机关职权范围", AT, 3)
    assert notice.kind is NoticeKind.REFUSAL_NOTICE
    flat = re.sub(r"\s+", "", _pdf_text(notice, tmp_path))
    assert "不予受理通知书" in flat and "申请事项不属于本机关职权范围" in flat and "行政复议" in flat
    assert _latin_words(flat, []) == []


def test_a_receipt_past_the_known_calendar_says_its_date_is_provisional() -> None:
    late = int(dt.datetime(2040, 12, 20, 10, tzinfo=SHANGHAI).timestamp() * 1000)
    notice = acceptance_receipt(CATALOGUE, SERVICE.id, CASE, [m.id for m in SERVICE.materials], late, 3)
    assert notice.due is not None and notice.due.provisional
    assert "暂按周一至周五推算" in {line.label: line.value for line in notice.lines}["预计办结日期"]


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (lambda: acceptance_receipt(CATALOGUE, SERVICE.id, CASE, [], AT, 3), "materials_missing"),
        (lambda: acceptance_receipt(CATALOGUE, SERVICE.id, CASE, ["bribe"], AT, 3), "unknown_material"),
        (lambda: one_time_notice(CATALOGUE, SERVICE.id, [m.id for m in SERVICE.materials], AT, 3), "nothing_missing"),
        (lambda: refusal_notice(CATALOGUE, SERVICE.id, "   ", AT, 3), "bad_reason"),
        (lambda: refusal_notice(CATALOGUE, SERVICE.id, "x" * 501, AT, 3), "bad_reason"),
    ],
)
def test_notices_that_cannot_be_made_are_refused(make, code: str) -> None:
    with pytest.raises(NoticeError) as err:
        make()
    assert err.value.code == code
