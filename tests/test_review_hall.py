"""The day's 好差评 and the overdue 整改 in the supervisor's review (issue 19), from a real hall on loopback: the hall's
signed /evaluations endpoint, the counter's strict reading of it (hostile answers refused), the office façade (no
hall configured, hall down), and the review screen's hall tab in Chinese."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from app.hall.config import default_config
from app.hall.hall import SHANGHAI, Hall
from app.hall.store_open import open_hall_store
from app.ledger.suites import ED25519, key_id
from app.office import Office
from app.protocol.departments import department
from app.protocol.hall_client import HallClient, HallUnavailable
from app.protocol.hall_evaluations import DayEvaluations, MalformedEvaluations, RatingCounts
from app.protocol.hall_rating import Rating, case_commitment, new_salt, rating_entry
from app.protocol.hall_refusals import HallCode, HallRefusal
from app.protocol.hall_tickets import Device
from app.review.hall_satisfaction import satisfaction_by_department
from tests.hall_support import Server, enrolled_device
from tests.review_daygen import PASSWORD, SUPERVISOR, Clock, generate_day, local_ms, make_office
from tests.ui_fixtures import dangling_threads, dangling_timers
from ui.background import BackgroundWork
from ui.i18n import Translations
from ui.review_screen import ReviewScreen

__all__ = ["dangling_threads", "dangling_timers"]
DAY = dt.date(2026, 5, 20)
EARLIER = dt.date(2026, 4, 1)
OFFICE = "office-03"
TAX = "taxation.tax-payment-certificate"
HALL_TAB = 5


def _ms(day: dt.date, hour: int = 10) -> int:
    return int(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI).timestamp() * 1000)


@pytest.fixture(scope="module")
def reviewed_office(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A small generated day; returns the office and tax-li's key id (the clerk the ratings name)."""
    generated = make_office(tmp_path_factory.mktemp("hall-review") / "office", DAY - dt.timedelta(days=1))
    generate_day(generated, DAY, 2)
    with generated.open("tax-li") as li:
        kid = li.account.kid
    return generated.path, kid


@pytest.fixture
def hall(tmp_path: Path, reviewed_office) -> Iterator[tuple[Hall, Server, Path]]:
    """A real hall on loopback with the day's ratings (5, 5, 4, 2 by tax-li at w01; 1 elsewhere) and an earlier bad
    rating; a counter key file for w01 (what the supervisor's office machine holds)."""
    _path, clerk = reviewed_office
    store = open_hall_store(f"sqlite:///{tmp_path / 'hall.db'}")
    hall = Hall(default_config(OFFICE, 4), store)
    server = Server(hall)
    evaluator = enrolled_device(hall, "evaluator", window="w01")
    pad = HallClient(server.url, evaluator)
    ratings = [(5, DAY, clerk), (5, DAY, clerk), (4, DAY, clerk), (2, DAY, clerk), (1, DAY, b"\x07" * 32),
               (1, EARLIER, clerk)]  # fmt: skip
    for level, day, by in ratings:
        rating = Rating(case_commitment("C1", new_salt()), level, TAX, OFFICE, "w01", by, _ms(day))
        pad.rate(rating_entry(rating, "taxation.ledger.beijing.gov.cn", evaluator))
    pad.close()
    seed = ED25519.generate_private()
    signer = ED25519.signer(seed)
    store.enroll(Device(key_id(ED25519, signer.public_key), ED25519.name, signer.public_key, "counter", "sup-pc",
                        OFFICE, "w01", False))  # fmt: skip
    key = tmp_path / "counter.key"
    key.write_text(seed.hex() + "\n")
    key.chmod(0o600)
    yield hall, server, key
    server.stop()
    store.close()


def counter_client(server: Server, key: Path) -> HallClient:
    """The supervisor's counter, signing with its enrolled key."""
    return HallClient(server.url, ED25519.signer(bytes.fromhex(key.read_text().strip())))


def test_the_hall_serves_the_days_ratings_and_the_overdue_items_to_a_counter(hall, reviewed_office) -> None:
    the_hall, server, key = hall
    _path, clerk = reviewed_office
    client = counter_client(server, key)
    try:
        found = client.evaluations(DAY.isoformat())
        assert found.day == DAY.isoformat() and found.levels == {5: 2, 4: 1, 3: 0, 2: 1, 1: 1}
        assert (found.total, found.bad) == (5, 2)
        assert found.by_service[TAX].count == 5 and found.by_service[TAX].bad == 2
        assert found.by_clerk[clerk.hex()].count == 4 and found.by_clerk[clerk.hex()].mean == pytest.approx(4.0)
        overdue = {(i.level, i.due_day) for i in found.overdue}  # today is months later: all three are overdue
        assert len(found.overdue) == 3 and {level for level, _ in overdue} == {1, 2}
        assert all(i.service == TAX and i.window == "w01" for i in found.overdue)
        assert client.evaluations("2026-05-21").total == 0  # another day: no ratings, the same overdue items
        with pytest.raises(ValueError):
            client.evaluations("2026-5-20")  # never sent
    finally:
        client.close()
    for role in ("kiosk", "evaluator", "display"):
        other = HallClient(server.url, enrolled_device(the_hall, role, window="w01"))
        with pytest.raises(HallRefusal) as refused:
            other.evaluations(DAY.isoformat())
        assert refused.value.code is HallCode.ROLE_NOT_ALLOWED
        other.close()
    stranger = HallClient(server.url, ED25519.signer(ED25519.generate_private()))
    with pytest.raises(HallRefusal):
        stranger.evaluations(DAY.isoformat())  # not enrolled
    stranger.close()


@pytest.mark.parametrize("query", ["", "?day=", "?day=2026-13-01", "?day=20260520", "?day=2026-05-20T00", "?day=%00"])
def test_a_malformed_day_is_refused_by_the_hall(hall, query: str) -> None:
    _hall, server, key = hall
    client = counter_client(server, key)
    try:
        with pytest.raises(HallRefusal) as refused:
            client._request("GET", f"/evaluations{query}")
        assert refused.value.code is HallCode.MALFORMED_REQUEST
    finally:
        client.close()


GOOD = {
    "day": "2026-05-20",
    "levels": {"5": 2, "4": 1, "3": 0, "2": 1, "1": 1},
    "by_service": {TAX: {"count": 5, "bad": 2, "mean": 3.4}},
    "by_clerk": {"ab" * 32: {"count": 4, "bad": 1, "mean": 4.0}},
    "overdue": [{"id": 1, "level": 2, "service": TAX, "window": "w01", "due_day": "2026-06-10", "provisional": False}],
}


def _with(path: tuple, value: object) -> dict:
    doc = {k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v) for k, v in GOOD.items()}
    target = doc
    for step in path[:-1]:
        target[step] = dict(target[step]) if isinstance(target[step], dict) else [dict(x) for x in target[step]]
        target = target[step]
    target[path[-1]] = value
    return doc


def test_a_well_formed_answer_reads_back_as_sent() -> None:
    found = DayEvaluations.from_json(GOOD)
    assert found.to_json() == GOOD and found.total == 5 and found.bad == 2


def test_the_days_ratings_add_up_per_lead_department() -> None:
    doc = _with(("by_service",), {
        TAX: {"count": 3, "bad": 1, "mean": 3.0},
        "taxation.tax-registration": {"count": 1, "bad": 0, "mean": 5.0},
        "public-security.resident-id-renewal": {"count": 2, "bad": 2, "mean": 1.5},
        "unknown-dept.some-service": {"count": 1, "bad": 0, "mean": 4.0},
    })  # fmt: skip
    found = satisfaction_by_department(DayEvaluations.from_json(doc))
    assert list(found) == ["public-security", "taxation", "unknown-dept"]
    assert found["taxation"] == RatingCounts(4, 1, 3.5)
    assert found["public-security"] == RatingCounts(2, 2, 1.5) and found["unknown-dept"].count == 1
    assert satisfaction_by_department(DayEvaluations.from_json(_with(("by_service",), {}))) == {}


@pytest.mark.parametrize(
    "doc",
    [
        None, [], "x", {}, _with(("day",), "2026-02-30"), _with(("day",), 20260520),
        _with(("levels",), {"5": 1}), _with(("levels", "5"), -1), _with(("levels", "5"), True),
        _with(("levels", "5"), 10**12), _with(("levels", "5"), 1.5), _with(("levels", "6"), 1),
        _with(("by_service",), []), _with(("by_service", TAX), {"count": 1, "bad": 2, "mean": 3}),
        _with(("by_service", TAX), {"count": 1, "bad": 0, "mean": 9}),
        _with(("by_service", TAX), {"count": 0, "bad": 0, "mean": 3}),
        _with(("by_service", TAX), {"count": 1, "bad": 0, "mean": "3"}),
        _with(("by_service", "x" * 300), GOOD["by_service"][TAX]),
        _with(("by_service", "a\nb"), GOOD["by_service"][TAX]), _with(("by_service", TAX), 5),
        _with(("by_clerk",), {str(i): {"count": 1, "bad": 0, "mean": 5} for i in range(2001)}),
        _with(("overdue",), {}), _with(("overdue",), [GOOD["overdue"][0]] * 2001),
        _with(("overdue",), [{**GOOD["overdue"][0], "level": 5}]),
        _with(("overdue",), [{**GOOD["overdue"][0], "provisional": "no"}]),
        _with(("overdue",), [{**GOOD["overdue"][0], "due_day": "soon"}]),
        _with(("overdue",), [{**GOOD["overdue"][0], "service": ""}]), _with(("overdue",), ["item"]),
    ],
)  # fmt: skip
def test_a_hostile_answer_is_refused(doc: object) -> None:
    with pytest.raises(MalformedEvaluations):
        DayEvaluations.from_json(doc)


def test_the_office_asks_its_hall_and_says_when_there_is_none_or_it_is_down(hall, reviewed_office) -> None:
    _hall, server, key = hall
    path, _clerk = reviewed_office
    office = Office(path, clock=Clock(local_ms(DAY, 17, 59)))
    office.session.unlock(SUPERVISOR, PASSWORD)
    try:
        assert office.settings.hall_url == "" and office.reviews.hall_evaluations(DAY.isoformat()) is None
        office.settings = replace(office.settings, hall_url=server.url, hall_key_file=str(key))
        assert office.reviews.hall_evaluations(DAY.isoformat()).total == 5
        office.settings = replace(office.settings, hall_url="http://127.0.0.1:9")  # nobody listens there
        with pytest.raises(HallUnavailable):
            office.reviews.hall_evaluations(DAY.isoformat())
    finally:
        office.close()


@pytest.fixture
def screen(qtbot, reviewed_office):
    """The review screen in Chinese for the supervisor; its office (settings) is the test's to change."""
    path, _clerk = reviewed_office
    office = Office(path, clock=Clock(local_ms(DAY, 17, 59)))
    work = BackgroundWork()
    work.db_now(lambda: office.session.unlock(SUPERVISOR, PASSWORD))
    translations = Translations()
    translations.install("zh_CN")
    widget = ReviewScreen(office.reviews, work, "zh_CN")
    widget.office = office
    widget.db_now = work.db_now  # the test's own way onto the office's database thread
    qtbot.addWidget(widget)
    yield widget
    work.shutdown(office.session.lock)
    translations.uninstall()


def test_the_review_shows_the_halls_ratings_and_overdue_items_in_chinese(qtbot, screen, hall) -> None:
    _hall, server, key = hall
    screen.office.settings = replace(screen.office.settings, hall_url=server.url, hall_key_file=str(key))
    panel = screen.hall_panel
    with qtbot.waitSignal(panel.loaded, timeout=30_000):
        screen.load_day(DAY.isoformat())
    qtbot.waitUntil(lambda: bool(panel.names), timeout=10_000)
    assert screen.tabs.tabText(HALL_TAB) == "大厅好差评"
    levels = {panel.levels_table.item(r, 0).text(): panel.levels_table.item(r, 1).text() for r in range(5)}
    assert levels == {"非常满意": "2", "满意": "1", "基本满意": "0", "不满意": "1", "非常不满意": "1"}
    assert "5" in panel.summary.text() and "逾期" in panel.summary.text()
    assert panel.service_table.item(0, 0).text() == "完税证明开具"
    assert [panel.department_table.item(0, c).text() for c in range(4)] == [
        department("taxation").name_zh, "5", "2", "3.40"]  # fmt: skip
    clerks = {panel.clerk_table.item(r, 0).text() for r in range(panel.clerk_table.rowCount())}
    assert "tax-li" in clerks  # the key id named by the office's account
    assert panel.overdue_table.rowCount() == 3
    assert {panel.overdue_table.item(r, 1).text() for r in range(3)} == {"不满意", "非常不满意"}
    # on a 1280x760 screen every row of every table is in view: the tab scrolls as a whole, no table scrolls alone
    screen.resize(1280, 760)
    screen.show()
    screen.tabs.setCurrentIndex(HALL_TAB)
    for table in (*panel.figure_tables, panel.refused_table):
        qtbot.waitUntil(lambda table=table: table.isVisible(), timeout=5_000)
        assert table.verticalScrollBar().maximum() == 0, table.horizontalHeaderItem(0).text()
        last = table.rowCount() - 1
        if last >= 0:
            assert table.rowViewportPosition(last) + table.rowHeight(last) <= table.viewport().height()


def test_the_review_says_plainly_when_no_hall_is_configured_or_it_is_down(qtbot, screen) -> None:
    panel = screen.hall_panel
    with qtbot.waitSignal(panel.loaded, timeout=30_000) as answer:
        screen.load_day(DAY.isoformat())
    assert answer.args[0] is None and "未配置" in panel.summary.text() and panel.levels_table.rowCount() == 0
    screen.office.settings = replace(screen.office.settings, hall_url="http://127.0.0.1:9",
                                     hall_key_file=str(Path(__file__)))  # fmt: skip
    with qtbot.waitSignal(panel.failed, timeout=30_000):
        screen.load_day(DAY.isoformat())
    assert "密钥" in panel.summary.text()  # a key file that is not a key: said, not raised


def test_the_review_lists_the_ratings_the_counter_refused_in_chinese(qtbot, screen) -> None:
    """A rating of another office's ticket, from the hall: refused at the counter, shown to the supervisor."""
    panel = screen.hall_panel
    evaluator = ED25519.signer(ED25519.generate_private())
    rating = Rating(case_commitment("C9", new_salt()), 1, TAX, "office-07", "w05", b"\x07" * 16, _ms(DAY, 11))
    foreign = rating_entry(rating, "taxation.ledger.beijing.gov.cn", evaluator)
    taken = screen.db_now(lambda: screen.office.cases.forward_ratings([foreign, b"junk"], OFFICE))
    assert [r.reason for r in taken.refused] == ["wrong_office", "not_a_rating"]
    with qtbot.waitSignal(panel.refused_loaded, timeout=30_000) as read:
        screen.load_day(DAY.isoformat())
    assert len(read.args[0]) == 2
    assert "2 条大厅评价未转交部门" in panel.refused_label.text()
    rows = {panel.refused_table.item(r, 1).text(): [panel.refused_table.item(r, c).text() for c in range(6)]
            for r in range(panel.refused_table.rowCount())}  # fmt: skip
    wrong = rows["该评价属于其他办事大厅的号码，或其评价器登记在其他大厅。"]
    assert wrong[2:4] == ["w05", "完税证明开具"] and wrong[5] == "1" and "年" in wrong[0]
    assert "叫号系统提供的内容不是发往部门账本的已签名评价。" in rows
