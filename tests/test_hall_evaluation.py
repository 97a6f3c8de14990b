"""好差评: five levels as signed ledger entries without personal data; bad ratings open remediation due in 15
working days, across a holiday and a 调休 Saturday; only the evaluator device signs; call-back closes the item."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app.demo.scenarios import privacy_findings
from app.hall.config import default_config
from app.hall.evaluation import Evaluations, remediation_due, satisfaction_by
from app.hall.hall import SHANGHAI, Hall
from app.hall.store_open import open_hall_store
from app.ledger.entry import decode_entry
from app.ledger.entry_types import validate_body
from app.ledger.suites import ED25519, key_id
from app.protocol.hall_rating import (
    LEVELS,
    Rating,
    RatingError,
    case_commitment,
    new_salt,
    rating_entry,
    read_rating,
    reason_digest,
)
from app.protocol.hall_refusals import HallCode, HallRefusal
from app.protocol.hall_tickets import Device
from app.protocol.policy import role_may_write

CITIZEN_NAME = "张伟"
CITIZEN_ID = "110101199003071233"
CASE_ID = "GD-2026-000123"
REASON = f"等了很久，我是{CITIZEN_NAME}，电话13800138000"


def _ms(day: dt.date, hour: int = 10) -> int:
    return int(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI).timestamp() * 1000)


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def evaluator() -> tuple[Device, object]:
    signer = ED25519.signer(ED25519.generate_private())
    device = Device(key_id(ED25519, signer.public_key), ED25519.name, signer.public_key, "evaluator",
                    "office-03/evaluator-01", "office-03", "w01", False)  # fmt: skip
    return device, signer


@pytest.fixture
def evaluations(tmp_path: Path, evaluator) -> Iterator[tuple[Evaluations, Clock]]:
    clock = Clock(_ms(dt.date(2026, 9, 24)))
    store = open_hall_store(f"sqlite:///{tmp_path / 'hall.db'}")
    store.enroll(evaluator[0])
    yield Evaluations(Hall(default_config("office-03", 4), store, clock)), clock
    store.close()


def _rating(level: int, day: dt.date, reason: str | None = None, service: str = "taxation.individual-tax") -> Rating:
    clerk = key_id(ED25519, ED25519.signer(b"\x01" * 32).public_key)
    return Rating(case_commitment(CASE_ID, new_salt()), level, service, "office-03", "w01", clerk, _ms(day),
                  None if reason is None else reason_digest(reason))  # fmt: skip


def test_five_levels_and_the_entry_validates_against_its_type() -> None:
    assert [lv.zh for lv in LEVELS] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    signer = ED25519.signer(ED25519.generate_private())
    data = rating_entry(_rating(3, dt.date(2026, 3, 2)), "taxation.ledger.beijing.gov.cn", signer)
    entry = decode_entry(data).entry
    validate_body(entry.type, entry.body)
    assert entry.type == "hall.rating" and entry.body["level"] == 3
    for bad in (0, 6, True, "5"):
        with pytest.raises(RatingError):
            rating_entry(replace(_rating(3, dt.date(2026, 3, 2)), level=bad), "o", signer)


def test_only_a_device_key_may_write_a_rating_never_a_clerk() -> None:
    assert role_may_write("device", "hall.rating")
    assert not role_may_write("clerk", "hall.rating") and not role_may_write("supervisor", "hall.rating")


def test_a_rating_carries_no_personal_data_and_the_privacy_scan_covers_it() -> None:
    signer = ED25519.signer(ED25519.generate_private())
    data = rating_entry(_rating(1, dt.date(2026, 3, 2), REASON), "taxation.ledger.beijing.gov.cn", signer)
    needles = [t.encode(enc) for t in (CITIZEN_NAME, CITIZEN_ID, CASE_ID, REASON, "13800138000")
               for enc in ("utf-8", "utf-16-le")]  # fmt: skip
    assert privacy_findings([data], needles) == []
    # the scan does see a rating that leaks: the same entry type with the name where the service goes
    leaky = rating_entry(replace(_rating(1, dt.date(2026, 3, 2)), service=CITIZEN_NAME), "o", signer)
    assert privacy_findings([leaky], needles) and "hall.rating" in privacy_findings([leaky], needles)[0]


def test_a_bad_rating_is_due_15_working_days_later_across_national_day_and_a_make_up_saturday(
    evaluations, evaluator
) -> None:
    evals, clock = evaluations
    device, signer = evaluator
    day = dt.date(2026, 9, 24)  # Thursday; 25 Sep Mid-Autumn, 1-7 Oct off, Saturday 10 Oct a working day
    data = rating_entry(_rating(2, day, REASON), "taxation.ledger.beijing.gov.cn", signer)
    item = evals.record(data, device, REASON)
    assert item is not None and item.due_day == "2026-10-22" and not item.due_provisional
    assert remediation_due(_ms(day)).due == dt.date(2026, 10, 22)
    assert item.reason == REASON
    # a good rating opens nothing; the same entry twice opens nothing twice
    assert evals.record(rating_entry(_rating(5, day), "o", signer), device) is None
    assert evals.record(data, device, REASON) is None
    assert len(evals.items()) == 1
    # not overdue on its due day, overdue the working day after
    clock.now = _ms(dt.date(2026, 10, 22), 17)
    assert evals.overdue() == []
    clock.now = _ms(dt.date(2026, 10, 23))
    assert [i.id for i in evals.overdue()] == [item.id]
    closed = evals.record_callback(item.id, "wang.fang", "已电话回访，材料清单已改为一次性告知")
    assert closed.closed and closed.callback_by == "wang.fang" and closed.reason is None
    assert evals.overdue() == []
    with pytest.raises(HallRefusal) as again:
        evals.record_callback(item.id, "wang.fang", "again")
    assert again.value.code is HallCode.ALREADY_FINISHED


def test_ratings_from_anyone_but_the_evaluator_are_refused(evaluations, evaluator) -> None:
    evals, _ = evaluations
    device, signer = evaluator
    clerk_signer = ED25519.signer(ED25519.generate_private())
    forged = rating_entry(_rating(1, dt.date(2026, 3, 2)), "o", clerk_signer)
    with pytest.raises(HallRefusal) as err:
        evals.record(forged, device)  # signed by another key than the evaluator's
    assert err.value.code is HallCode.MALFORMED_REQUEST
    with pytest.raises(HallRefusal):
        evals.record(forged, replace(device, role="counter"))
    with pytest.raises(HallRefusal):
        evals.record(b"\x00garbage", device)
    elsewhere = rating_entry(replace(_rating(1, dt.date(2026, 3, 2)), office="office-99"), "o", signer)
    with pytest.raises(HallRefusal) as err:
        evals.record(elsewhere, device)
    assert err.value.code is HallCode.WRONG_OFFICE
    good = rating_entry(_rating(1, dt.date(2026, 3, 2), "原因"), "o", signer)
    with pytest.raises(HallRefusal):
        evals.record(good, device, "另一个原因")  # not the reason the entry commits to
    with pytest.raises(RatingError):
        read_rating(good, clerk_signer.public_key)


def test_satisfaction_per_clerk_service_and_department() -> None:
    ratings = [_rating(5, dt.date(2026, 3, 2)), _rating(1, dt.date(2026, 3, 2)),
               _rating(4, dt.date(2026, 3, 2), service="gas.account-opening")]  # fmt: skip
    by_service = satisfaction_by(ratings, "service")
    assert by_service["taxation.individual-tax"].count == 2 and by_service["taxation.individual-tax"].bad == 1
    assert by_service["taxation.individual-tax"].mean == 3.0
    by_department = satisfaction_by(ratings, "department")
    assert set(by_department) == {"taxation", "gas"}
    assert len(satisfaction_by(ratings, "clerk")) == 1
    with pytest.raises(ValueError):
        satisfaction_by(ratings, "citizen")
