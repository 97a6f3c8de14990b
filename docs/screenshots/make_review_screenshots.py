"""Take the review's refused-entries and hall-ratings tabs in zh_CN and en (issues 16 and 19).

Run: QT_QPA_PLATFORM=offscreen PYTHONPATH=. .venv/bin/python docs/screenshots/make_review_screenshots.py
A small generated office day (tests/review_daygen.py) whose last case step a node refused, and a real hall on
loopback holding the day's ratings, as the review reads them.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.hall.config import default_config
from app.hall.hall import SHANGHAI, Hall
from app.hall.store_open import open_hall_store
from app.ledger.suites import ED25519, key_id
from app.office import Office
from app.protocol.hall_client import HallClient
from app.protocol.hall_rating import Rating, case_commitment, new_salt, rating_entry
from app.protocol.hall_tickets import Device
from app.review import refused_entries, set_aside
from app.services import CaseDesk
from app.store import sync_state
from docs.screenshots.make_hall_screenshots import wait
from tests.hall_support import Server, enrolled_device
from tests.review_daygen import (
    CATALOGUE,
    PASSWORD,
    SERVICES,
    SUPERVISOR,
    Clock,
    citizens_of,
    generate_day,
    local_ms,
    make_office,
)
from ui.application import qt_application
from ui.background import BackgroundWork
from ui.i18n import Translations
from ui.review_screen import ReviewScreen

OUT = Path(__file__).resolve().parent
DAY = dt.date(2026, 5, 20)


def office_with_refusals(path: Path) -> bytes:
    """The day, with two case steps the tax node refused (one already set aside); return tax-li's key id."""
    generated = make_office(path, DAY - dt.timedelta(days=1))
    generate_day(generated, DAY, 6)
    citizens, _eids = citizens_of(generated, DAY)
    for n, (hour, minute, code) in enumerate(((15, 12, "revoked_signer"), (16, 40, "role_not_allowed"))):
        generated.clock.now_ms = local_ms(DAY, hour, minute)
        with generated.open("tax-li" if n else "tax-wang") as clerk:
            case = CaseDesk(clerk, CATALOGUE).open(SERVICES[n], "持证人", citizens[6 + n], "walk-in")
            leaf, origin = clerk.session.one(
                "SELECT o.leaf_hash, o.origin FROM outbox o JOIN case_steps cs ON cs.leaf_hash = o.leaf_hash "
                "WHERE cs.case_id = ?", (case.case_id,))  # fmt: skip
            generated.clock.now_ms += 5 * 60_000
            with clerk.transaction():  # what push records when the node refuses it
                sync_state.add_task(clerk, leaf, origin, "refused", code, case.case_id, code, "", reopen=True)
    generated.clock.now_ms = local_ms(DAY, 17, 30)
    with generated.open(SUPERVISOR) as sup:
        set_aside(sup, refused_entries(sup)[0].leaf_hash)
        kid = sup.session.one("SELECT kid FROM accounts WHERE name = 'tax-li'")[0]
    return kid


def hall_with_ratings(tmp: Path, clerk: bytes) -> tuple[Server, Path, object]:
    """A hall on loopback with the day's ratings and two overdue remediation items; a counter key for the office."""
    store = open_hall_store(f"sqlite:///{tmp / 'hall.db'}")
    hall = Hall(default_config("office-03", 4), store)
    server = Server(hall)
    evaluator = enrolled_device(hall, "evaluator", window="w01")
    pad = HallClient(server.url, evaluator)
    at = int(dt.datetime(DAY.year, DAY.month, DAY.day, 10, tzinfo=SHANGHAI).timestamp() * 1000)
    for level, service in ((5, 0), (5, 0), (5, 1), (4, 0), (4, 1), (3, 0), (2, 0), (1, 1)):
        rating = Rating(case_commitment("C", new_salt()), level, SERVICES[service], "office-03", "w01", clerk, at)
        pad.rate(rating_entry(rating, "taxation.ledger.beijing.gov.cn", evaluator))
    pad.close()
    seed = ED25519.generate_private()
    signer = ED25519.signer(seed)
    store.enroll(Device(key_id(ED25519, signer.public_key), ED25519.name, signer.public_key, "counter", "sup-pc",
                        "office-03", "w01", False))  # fmt: skip
    key = tmp / "counter.key"
    key.write_text(seed.hex() + "\n")
    return server, key, store


def shoot(language: str, app: QApplication, office: Office, translations: Translations) -> None:
    """The review's two new tabs in `language`."""
    translations.install(language)
    work = BackgroundWork()
    work.db_now(lambda: office.session.unlock(SUPERVISOR, PASSWORD))
    screen = ReviewScreen(office.reviews, work, language)
    screen.resize(1280, 760)
    screen.show()
    screen.load_day(DAY.isoformat())
    wait(app, lambda: screen.review is not None and screen.hall_panel.found is not None and screen.hall_panel.names
         and screen.refused_panel.entries)  # fmt: skip
    for index, name in ((4, "review_refused"), (5, "review_hall")):
        screen.tabs.setCurrentIndex(index)
        for _ in range(30):
            app.processEvents()
        screen.grab().save(str(OUT / f"{name}_{language}.png"))
    screen.close()
    work.shutdown(office.session.lock)


def main() -> None:
    """Build the day and the hall, then shoot both languages."""
    app = qt_application()
    translations = Translations()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        clerk = office_with_refusals(tmp / "office")
        server, key, store = hall_with_ratings(tmp, clerk)
        try:
            office = Office(tmp / "office", clock=Clock(local_ms(DAY, 17, 45)))
            office.settings = replace(office.settings, hall_url=server.url, hall_key_file=str(key))
            for language in ("zh_CN", "en"):
                shoot(language, app, office, translations)
        finally:
            server.stop()
            store.close()
    translations.uninstall()


if __name__ == "__main__":
    main()
