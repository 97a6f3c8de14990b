"""Take the e-licence panel's screenshots in both languages (under Xvfb, xvfb-run -a ..., or QT_QPA_PLATFORM=offscreen).

The licence is issued as a department's records office does (sealed, its anchor recorded in the office's replica), so
the card shows the ledger line "issued by <department> at <anchor time>, serial …, still valid"."""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtWidgets import QApplication

from app.ofd.build import DocumentSpec, Page
from app.ofd.demo_pki import make_pki
from app.ofd.issue import issue_document, record_issue
from app.ofd.seal import SealRequest, make_seal
from app.office import Office
from app.protocol.departments import department
from app.store.keywrap import KdfParams
from app.store.replica import create_office, open_replica
from ui.background import BackgroundWork
from ui.i18n import Translations
from ui.ofd_panel import OfdPanel
from ui.style import apply as apply_style

OUT = Path(__file__).resolve().parent
FAST_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)


def seal_png() -> bytes:
    """A red seal ring."""
    image = np.zeros((160, 160, 4), dtype=np.uint8)
    cv2.circle(image, (80, 80), 70, (0, 0, 220, 255), 8)
    cv2.circle(image, (80, 80), 18, (0, 0, 220, 255), -1)
    return cv2.imencode(".png", image)[1].tobytes()


def main() -> int:
    """Seal a licence with the demo PKI, open it in the panel of an office that trusts the root, grab it."""
    app = QApplication.instance() or QApplication(sys.argv)
    apply_style(app)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        pki = make_pki(tmp)
        now = datetime.now(UTC)
        request = SealRequest("北京市朝阳区市场监督管理局", "11010500000001", "govdesk", now - timedelta(days=1),
                              now + timedelta(days=700), seal_png(), pki.signer.cert)  # fmt: skip
        seal = make_seal(request, pki.maker.signer())
        spec = DocumentSpec("营业执照", [Page(("准予登记，特发此照。",))], {
            "name": "营业执照", "number": "91110105MA01ABCD2X", "holder": "北京示例科技有限公司",
            "issuer": "北京市朝阳区市场监督管理局", "valid_from": "2026-01-01", "valid_until": "长期",
        })  # fmt: skip
        signer = pki.signer.signer()
        issued = issue_document(spec, seal=seal, seal_signer=signer, department=department("market-supervision").origin,
                                ledger_signer=signer.ledger_signer, now=now)  # fmt: skip
        path = tmp / "营业执照.ofd"
        path.write_bytes(issued.ofd)
        with create_office(tmp / "office", "Chaoyang Service Hall", "admin", "pw", kdf=FAST_KDF) as admin:
            admin.accounts.add("clerk", "clerk", "pw")
            admin.trust_roots.add("seal", pki.root.cert, "Beijing seal root (demo)")
        with open_replica(tmp / "office", "clerk", "pw", kdf=FAST_KDF) as clerk:
            record_issue(clerk, issued)  # as sync records the department's anchor
        office = Office(tmp / "office")
        work = BackgroundWork()
        work.db_now(lambda: office.session.unlock("clerk", "pw"))
        translations = Translations()
        for language in ("zh_CN", "en"):
            translations.install(language)
            panel = OfdPanel(office.ofd, work, language)
            panel.resize(560, 600)
            panel.show()
            shown: list[object] = []
            panel.verdict_shown.connect(shown.append)
            panel.set_case("C7D1E0A2B93F4")
            panel.open_path(path)
            end = time.monotonic() + 30
            while not shown and time.monotonic() < end:
                app.processEvents()
            panel.grab().save(str(OUT / f"ofd_card_{language}.png"))
            panel.close()
        work.shutdown(lambda: office.session.lock())
    return 0


if __name__ == "__main__":
    sys.exit(main())
