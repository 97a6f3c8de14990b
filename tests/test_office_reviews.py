"""The façade's review service, headless: open, compare and sign a day; refused while locked or unacknowledged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.office import NotUnlocked, Office
from app.review import AlreadySigned, NotAcknowledged
from app.store.errors import PermissionDenied
from tests.review_daygen import CLERKS, PASSWORD, SUPERVISOR, generate_day, local_ms, make_office, plant_anomalies

DAY = date(2026, 5, 20)


@pytest.fixture(scope="module")
def small_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """A small generated day (20 cases) with the planted anomalies, its clock at 17:59 that day."""
    generated = make_office(tmp_path_factory.mktemp("reviews") / "office", date(2026, 5, 19))
    generate_day(generated, DAY, 20)
    plant_anomalies(generated, DAY)
    generated.clock.now_ms = local_ms(DAY, 17, 59)
    return generated.path, generated.clock


def test_the_review_service_opens_compares_and_signs_a_day(small_day) -> None:
    path, clock = small_day
    office = Office(path, clock=clock)
    with pytest.raises(NotUnlocked):
        office.reviews.open_day(DAY.isoformat())
    assert office.reviews.now_ms() == local_ms(DAY, 17, 59)
    office.session.unlock(SUPERVISOR, PASSWORD)
    try:
        review = office.reviews.open_day(DAY.isoformat())
        assert review.day == DAY.isoformat() and review.period.actions and review.anomalies
        comparison = office.reviews.compare(DAY.isoformat())
        assert comparison and all(isinstance(v, dict) for v in comparison.values())
        with pytest.raises(NotAcknowledged):
            office.reviews.sign(review, {})  # no comment on any anomaly
        comments = {a.id: "checked with the clerk" for a in review.anomalies}
        signoff = office.reviews.sign(review, comments)
        assert signoff.day == DAY.isoformat() and len(signoff.leaf_hash) == 32
        with pytest.raises(AlreadySigned):
            office.reviews.sign(office.reviews.open_day(DAY.isoformat()), comments)
    finally:
        office.close()


def test_a_clerk_may_not_open_the_review(small_day) -> None:
    path, clock = small_day
    office = Office(path, clock=clock)
    office.session.unlock(CLERKS[0], PASSWORD)
    try:
        with pytest.raises(PermissionDenied):
            office.reviews.compare(DAY.isoformat())
    finally:
        office.close()
