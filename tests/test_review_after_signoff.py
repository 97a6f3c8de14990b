"""Work recorded on a day after it was signed off (issue 16, point 7) is flagged, with a plain reason, in that day's
review and in the next day's, where signing needs it acknowledged; sync's own records and logouts are not work."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from app.certs import verify
from app.review import NotAcknowledged, open_day, sign_day
from app.review.anomalies import AFTER_SIGNOFF
from tests.review_daygen import CLERKS, SUPERVISOR, citizens_of, generate_day, local_ms, make_office

DAY = date(2026, 5, 20)
NEXT = DAY + timedelta(days=1)


@pytest.fixture(scope="module")
def signed_then_worked(tmp_path_factory: pytest.TempPathFactory):
    """A small day signed off at 17:59; tax-li verifies a certificate at 18:30, then sync runs and tax-li logs out."""
    office = make_office(tmp_path_factory.mktemp("after") / "office", DAY - timedelta(days=1))
    generate_day(office, DAY, 3)
    office.clock.now_ms = local_ms(DAY, 17, 59)
    with office.open(SUPERVISOR) as sup:
        review = open_day(sup, DAY)
        sign_day(sup, review, {a.id: "已核实" for a in review.anomalies})
    citizens, eids = citizens_of(office, DAY)
    office.clock.now_ms = local_ms(DAY, 18, 30)
    li = office.open(CLERKS[0])
    verify(eids[citizens[0]], office=li)
    seq = li.session.one("SELECT max(seq) FROM audit WHERE action = 'cert.verify'")[0]
    office.clock.now_ms = local_ms(DAY, 18, 31)
    li.audit.append("sync.run", "ok", {"logs": 1})  # what a scheduled sync records: not work
    li.close()  # a logout record: not work
    return office, str(seq)


def test_the_signed_day_flags_what_came_after_its_signoff(signed_then_worked) -> None:
    office, seq = signed_then_worked
    office.clock.now_ms = local_ms(DAY, 19)
    with office.open(SUPERVISOR) as sup:
        review = open_day(sup, DAY)
    [flag] = [a for a in review.anomalies if a.kind == AFTER_SIGNOFF]
    assert flag.subject == DAY.isoformat() and flag.refs == (seq,)
    assert flag.facts["count"] == 1 and flag.facts["signed_at"] == "17:59" and flag.facts["first"] == "18:30"
    assert flag.facts["accounts"] == "tax-li (1)" and flag.facts["signed_by"] == SUPERVISOR
    zh, en = flag.explanation("zh_CN"), flag.explanation("en")
    assert "签署" in zh and "18:30" in zh and "{" not in zh
    assert "after it" in en and "does not cover" in en


def test_the_next_day_cannot_be_signed_before_the_late_work_is_acknowledged(signed_then_worked) -> None:
    office, seq = signed_then_worked
    office.clock.now_ms = local_ms(NEXT, 17, 50)
    with office.open(SUPERVISOR) as sup:
        review = open_day(sup, NEXT)
        [flag] = [a for a in review.anomalies if a.kind == AFTER_SIGNOFF]
        assert flag.subject == DAY.isoformat() and flag.refs == (seq,)
        others = {a.id: "已核实" for a in review.anomalies if a.kind != AFTER_SIGNOFF}
        with pytest.raises(NotAcknowledged) as refused:
            sign_day(sup, review, others)
        assert refused.value.missing == [flag.id]
        signed = sign_day(sup, review, {**others, flag.id: "已与 tax-li 核实：群众补办"})
        assert {"anomaly": flag.id, "comment": "已与 tax-li 核实：群众补办"} in signed.acknowledgements
        later = open_day(sup, NEXT + timedelta(days=1))
    assert [a for a in later.anomalies if a.kind == AFTER_SIGNOFF] == []  # only the next day's review


def test_an_unsigned_day_has_no_after_signoff_flag(tmp_path: Path) -> None:
    office = make_office(tmp_path / "office", DAY - timedelta(days=1))
    generate_day(office, DAY, 2)
    office.clock.now_ms = local_ms(DAY, 21)
    with office.open(SUPERVISOR) as sup:
        assert [a for a in open_day(sup, DAY).anomalies if a.kind == AFTER_SIGNOFF] == []
