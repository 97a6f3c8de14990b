"""Crash safety of the ratings a counter collects from its hall: SIGKILLs while the office queues pages of ratings
(each page one transaction: the accepted ratings into the outbox, an audit record per refused one) lose no
acknowledged rating and never leave half a page; the supervisor's list of refused ratings shows each refused one
once."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from app.ledger.entry import entry_hash
from app.ledger.suites import ED25519
from app.office import Office
from app.protocol.departments import department
from app.protocol.hall_rating import Rating, case_commitment, new_salt, rating_entry
from app.review.refused_ratings import refused_ratings
from app.store.replica import open_replica
from tests.crash_pipe import fork_reporting, read_until
from tests.store_support import FAST_KDF, office_with_supervisor

KILLS = 20
PAGE = 4
OFFICE = "office-03"
SERVICE = "taxation.tax-payment-certificate"


def _page(evaluator_seed: bytes, round_no: int, i: int) -> list[bytes]:
    """A page of ratings from the hall: PAGE of this office's tickets, then one of another office's."""
    signer = ED25519.signer(evaluator_seed)
    out = []
    for n, office in enumerate([OFFICE] * PAGE + ["office-07"]):
        commitment = case_commitment(f"C{round_no}-{i}-{n}", new_salt())
        rating = Rating(commitment, 1 + n % 5, SERVICE, office, "w01", b"\x02" * 16, 1_765_000_000_000 + i)
        out.append(rating_entry(rating, department("taxation").origin, signer))
    return out


def _collector(office_dir: Path, round_no: int, report_fd: int) -> None:
    """In a child: queue page after page, reporting each page before (`begin`) and after (`done`) it is taken."""
    office = Office(office_dir)
    office.session.unlock("sup", "pw")
    seed = ED25519.generate_private()
    os.write(report_fd, b"ready\n")
    for i in range(100_000):
        page = _page(seed, round_no, i)
        hashes = " ".join(entry_hash(e).hex() for e in page[:PAGE])
        os.write(report_fd, f"begin {hashes}\n".encode())
        taken = office.cases.forward_ratings(page, OFFICE)
        assert len(taken.queued) == PAGE and len(taken.refused) == 1
        os.write(report_fd, f"done {hashes}\n".encode())


@pytest.mark.slow
def test_sigkills_while_queuing_ratings_lose_none_and_tear_no_page(tmp_path: Path) -> None:
    office_dir = office_with_supervisor(tmp_path / "office", "Crash Hall")
    rng = random.Random(19)
    begun: set[str] = set()
    done: set[str] = set()
    killed_while_queuing = 0
    start = time.monotonic()
    for round_no in range(KILLS):
        pid, read_fd = fork_reporting(_collector, office_dir, round_no)
        buffer = read_until(read_fd, time.monotonic() + 20, marker=b"done ")  # a loaded machine still kills mid-run
        buffer += read_until(read_fd, time.monotonic() + rng.uniform(0.001, 0.040))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while chunk := os.read(read_fd, 65536):
            buffer += chunk
        os.close(read_fd)
        lines = [line.split(" ", 1) for line in buffer.decode().split("\n")[:-1] if line != "ready"]
        killed_while_queuing += lines[-1][0] == "begin" if lines else 0
        begun.update(hashes for kind, hashes in lines if kind == "begin")
        done.update(hashes for kind, hashes in lines if kind == "done")
    assert done and killed_while_queuing >= KILLS // 4, "kills should land while a page is being queued"

    with open_replica(office_dir, "sup", "pw", kdf=FAST_KDF) as r:
        assert r.check().ok, r.check().problems
        outbox = {bytes(row[0]).hex() for row in r.session.all("SELECT leaf_hash FROM outbox")}
        refusals = r.session.one("SELECT count(*) FROM audit WHERE action = 'hall.rating'")[0]
        listed = refused_ratings(r)  # what the supervisor's review shows of them
    whole_pages = 0
    for page in begun:
        present = [h in outbox for h in page.split(" ")]
        assert all(present) or not any(present), "half a page of ratings was queued"
        whole_pages += all(present)
    assert all(h in outbox for page in done for h in page.split(" ")), "an acknowledged rating was lost"
    assert refusals == whole_pages  # each page's refusal is audited in the transaction that queued the page
    assert len(listed) == whole_pages and {(x.reason, x.office, x.times) for x in listed} == {
        ("wrong_office", "office-07", 1)
    }
    assert time.monotonic() - start < 90
