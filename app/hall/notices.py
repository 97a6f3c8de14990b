"""What the window hands the citizen on paper: 受理回执, 一次性告知单 and 不予受理通知书.

The content is built here from the catalogue entry (national code, materials, promised deadline in
working days on the official calendar); `ui/notice_printer.py` lays it out and prints it through
Qt's print system. The documents are official Chinese texts, so their wording is Chinese in every UI
language; the only Latin characters on them are ids (the case number).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from app.beijing_time import BEIJING
from app.catalogue.catalogue import Catalogue, Service
from app.catalogue.working_days import Deadline, deadline
from app.protocol.departments import department

MAX_REASON = 500


class NoticeKind(StrEnum):
    """The three documents."""

    ACCEPTANCE_RECEIPT = "acceptance_receipt"
    ONE_TIME_NOTICE = "one_time_notice"
    REFUSAL_NOTICE = "refusal_notice"


TITLES = {
    NoticeKind.ACCEPTANCE_RECEIPT: "受理回执",
    NoticeKind.ONE_TIME_NOTICE: "一次性告知单",
    NoticeKind.REFUSAL_NOTICE: "不予受理通知书",
}


class NoticeError(ValueError):
    """A notice cannot be made as asked; `code` names why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass(frozen=True)
class NoticeLine:
    """A labelled line; `is_id` marks values that are identifiers (laid out in a monospace face)."""

    label: str
    value: str
    is_id: bool = False


@dataclass(frozen=True)
class Notice:
    """A document ready to lay out: title, labelled lines, a list (materials), closing text, optional QR payload."""

    kind: NoticeKind
    title: str
    issuer: str
    lines: tuple[NoticeLine, ...]
    list_title: str
    items: tuple[str, ...]
    closing: str
    qr: str | None
    due: Deadline | None = None
    issuer_origin: str = ""  # the issuing (lead) department's log: a sealed notice's anchor goes there


def chinese_date(day: dt.date) -> str:
    """Return a date as written on official documents: 2026年10月22日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _day(ms: int) -> dt.date:
    return dt.datetime.fromtimestamp(ms / 1000, BEIJING).date()


def _material_line(catalogue: Catalogue, material_id: str, copies: int, original: bool) -> str:
    name = catalogue.materials[material_id].zh
    return f"{name}（{'原件及复印件' if original else '复印件'}{copies}份）"


def _common(catalogue: Catalogue, service: Service, at_ms: int, window_number: int) -> list[NoticeLine]:
    window = [NoticeLine("办理窗口", f"{window_number}号窗口")] if window_number > 0 else []  # 0: not known
    return [
        NoticeLine("办理事项", service.name.zh),
        NoticeLine("事项编码", service.code.implementation, True),
        NoticeLine("办理部门", department(service.lead).name_zh),
        *window,
        NoticeLine("日期", chinese_date(_day(at_ms))),
    ]


def _known(catalogue: Catalogue, service: Service, material_ids: Iterable[str]) -> set[str]:
    wanted = {m.id for m in service.materials}
    given = set(material_ids)
    unknown = given - wanted
    if unknown:
        raise NoticeError("unknown_material", f"{service.id} does not ask for {sorted(unknown)}")
    return given


def acceptance_receipt(
    catalogue: Catalogue, service_id: str, case_id: str, received: Iterable[str], at_ms: int, window_number: int
) -> Notice:
    """受理回执: case number, service and code, materials received, the promised due date, a QR of the case number."""
    service = catalogue.service(service_id)
    given = _known(catalogue, service, received)
    missing = [m.id for m in service.materials if m.id not in given]
    if missing:
        raise NoticeError("materials_missing", f"accept only with every material; missing {missing}")
    due = deadline(_day(at_ms), service.promised_days)
    lines = [NoticeLine("受理编号", case_id, True), *_common(catalogue, service, at_ms, window_number)]
    lines += [NoticeLine("承诺时限", f"{service.promised_days}个工作日（法定时限{service.legal_days}个工作日）")]
    lines += [
        NoticeLine(
            "预计办结日期",
            chinese_date(due.due) + ("（暂按周一至周五推算，以国务院公布的节假日安排为准）" if due.provisional else ""),
        )
    ]
    items = tuple(_material_line(catalogue, m.id, m.copies, m.original) for m in service.materials)
    closing = "您的申请已受理。请妥善保管本回执，扫描二维码或凭受理编号查询办理进度。"
    return Notice(
        NoticeKind.ACCEPTANCE_RECEIPT,
        TITLES[NoticeKind.ACCEPTANCE_RECEIPT],
        department(service.lead).name_zh,
        tuple(lines),
        "已收材料",
        items,
        closing,
        case_id,
        due,
        department(service.lead).origin,
    )


def one_time_notice(
    catalogue: Catalogue, service_id: str, received: Iterable[str], at_ms: int, window_number: int
) -> Notice:
    """一次性告知单: every material still missing, from the catalogue entry, so the citizen comes back once."""
    service = catalogue.service(service_id)
    given = _known(catalogue, service, received)
    missing = [m for m in service.materials if m.id not in given]
    if not missing:
        raise NoticeError("nothing_missing", "every material is there: accept the application instead")
    items = tuple(_material_line(catalogue, m.id, m.copies, m.original) for m in missing)
    closing = "您申请的事项尚缺上述材料。本单一次性告知所需补正的全部材料，请补齐后再来办理。"
    return Notice(
        NoticeKind.ONE_TIME_NOTICE,
        TITLES[NoticeKind.ONE_TIME_NOTICE],
        department(service.lead).name_zh,
        tuple(_common(catalogue, service, at_ms, window_number)),
        "需补正的材料",
        items,
        closing,
        None,
        issuer_origin=department(service.lead).origin,
    )


def refusal_notice(catalogue: Catalogue, service_id: str, reason: str, at_ms: int, window_number: int) -> Notice:
    """不予受理通知书: the service, its code and the reason, with the citizen's legal remedies."""
    service = catalogue.service(service_id)
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON or not reason.isprintable():
        raise NoticeError("bad_reason", f"a refusal states its reason in 1 to {MAX_REASON} printable characters")
    closing = "如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"
    return Notice(
        NoticeKind.REFUSAL_NOTICE,
        TITLES[NoticeKind.REFUSAL_NOTICE],
        department(service.lead).name_zh,
        tuple(_common(catalogue, service, at_ms, window_number)),
        "不予受理的理由",
        (reason,),
        closing,
        None,
        issuer_origin=department(service.lead).origin,
    )
