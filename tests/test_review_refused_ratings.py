"""The hall's ratings a counter refused to pass on (issue 19) reach the supervisor: each refusal is in the audit trail
with the rating's facts, survives closing and reopening the office, and is listed once per rating with its reason,
however often a restarted counter collects it again; hostile bytes are listed too, never raised."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from app.ledger.entry import entry_hash
from app.ledger.suites import ED25519, key_id
from app.office import Office
from app.protocol.departments import department
from app.protocol.hall_rating import Rating, case_commitment, new_salt, rating_entry
from app.review.refused_ratings import refused_rating_facts
from app.store.errors import PermissionDenied
from app.store.registry import KeyRecord
from app.store.replica import open_replica
from tests.store_support import FAST_KDF, office_with_supervisor

OFFICE = "office-03"
SERVICE = "taxation.tax-payment-certificate"
TAX_LOG = department("taxation").origin


def _rating(office: str, window: str = "w01", seed: bytes | None = None) -> bytes:
    signer = ED25519.signer(seed or ED25519.generate_private())
    rating = Rating(case_commitment("C1", new_salt()), 2, SERVICE, office, window, b"\x02" * 16,
                    int(time.time() * 1000))  # fmt: skip
    return rating_entry(rating, TAX_LOG, signer)


@pytest.fixture
def office_dir(tmp_path: Path) -> Path:
    path = office_with_supervisor(tmp_path / "office", "Refusing Hall")
    with open_replica(path, "admin", "pw", kdf=FAST_KDF) as admin:
        admin.accounts.add("clerk", "clerk", "pw")
    return path


def test_refused_ratings_are_kept_listed_once_and_survive_a_restart(office_dir: Path) -> None:
    person_seed = ED25519.generate_private()
    person = ED25519.signer(person_seed).public_key
    forged = bytearray(_rating(OFFICE, "w02"))
    forged[-1] ^= 1  # the signature no longer verifies
    page = [
        _rating(OFFICE),  # queued
        _rating("office-07", "w05"),  # another office's ticket
        b"\xffnot an entry",
        _rating(OFFICE, "w03", person_seed),  # signed by a person's key, not a device's
        bytes(forged),
    ]
    office = Office(office_dir)
    office.session.unlock("sup", "pw")
    try:
        with office.replica.transaction():
            office.replica.registry.put_key(
                KeyRecord(key_id(ED25519, person), "ed25519", person, "clerk", "tax-wang", "taxation", 0)
            )
        taken = office.cases.forward_ratings(page, OFFICE)
        assert len(taken.queued) == 2 and len(taken.refused) == 3  # the forged one's signer is unknown: the node's
        # A counter that starts again collects the last week again: the same refusals, once more.
        again = office.cases.forward_ratings(page, OFFICE)
        assert len(again.refused) == 3
    finally:
        office.close()

    office = Office(office_dir)  # after a restart: read from the replica, nothing kept in memory
    office.session.unlock("sup", "pw")
    try:
        listed = office.reviews.refused_ratings()
    finally:
        office.close()
    by_entry = {r.entry: r for r in listed}
    assert set(by_entry) == {entry_hash(page[i]).hex() for i in (1, 2, 3)}
    assert all(r.times == 2 and r.first_ms <= r.last_ms for r in listed)
    wrong = by_entry[entry_hash(page[1]).hex()]
    assert (wrong.reason, wrong.office, wrong.window, wrong.service, wrong.hall_office) == (
        "wrong_office", "office-07", "w05", SERVICE, OFFICE)  # fmt: skip
    garbage = by_entry[entry_hash(page[2]).hex()]
    assert (garbage.reason, garbage.office, garbage.window, garbage.signer) == ("not_a_rating", "", "", "")
    person_rated = by_entry[entry_hash(page[3]).hex()]
    assert (person_rated.reason, person_rated.signer, person_rated.window) == ("not_a_device", "tax-wang", "w03")


def test_only_supervisors_and_admins_read_them(office_dir: Path) -> None:
    office = Office(office_dir)
    office.session.unlock("clerk", "pw")
    try:
        office.cases.forward_ratings([b"junk"], OFFICE)  # a clerk's counter collects; it is audited all the same
        with pytest.raises(PermissionDenied):
            office.reviews.refused_ratings()
    finally:
        office.close()
    office = Office(office_dir)
    office.session.unlock("admin", "pw")
    try:
        assert [r.reason for r in office.reviews.refused_ratings()] == ["not_a_rating"]
    finally:
        office.close()


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00" * 70_000, bytes(range(256)), _rating(OFFICE)[:-7], "评价".encode() * 50],
)
def test_the_facts_of_hostile_bytes_are_bounded_and_printable(data: bytes) -> None:
    facts = refused_rating_facts(data, "office-03\n<b>")
    assert facts["entry"] == entry_hash(data).hex() and facts["hall_office"] == ""
    assert all(len(v) <= 128 and v.isprintable() for v in facts.values())
