"""The service catalogue: contents, validation with named errors, hostile input, search and publication."""

from __future__ import annotations

import contextlib
import copy
import json
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.catalogue.catalogue import (
    CATALOGUE_FILE,
    CATEGORIES,
    catalogue_entry,
    catalogue_from_entry,
    credit_code_check,
    load_catalogue,
    parse_catalogue,
    parse_catalogue_bytes,
)
from app.catalogue.errors import CatalogueError
from app.certs import CertType
from app.ledger.entry import Entry, sign_entry
from app.ledger.suites import ED25519, key_id
from app.protocol.departments import all_departments

DOC = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
SCHEMA = json.loads((CATALOGUE_FILE.parent / "catalogue.schema.json").read_text(encoding="utf-8"))
SCENARIO_SERVICES = (
    "banking-insurance.personal-account-opening",
    "banking-insurance.sme-loan",
    "civil-affairs.medical-assistance",
    "provident-fund.withdrawal-home-purchase",
    "planning.utility-joint-transfer",
)


def test_the_catalogue_has_140_services_across_the_11_departments_and_3_categories() -> None:
    catalogue = load_catalogue()
    assert len(catalogue.services) == 140
    departments = {d.id for d in all_departments()}
    assert len(departments) == 11
    assert {s.lead for s in catalogue.services} == departments
    assert {st.department for s in catalogue.services for st in s.steps} <= departments
    assert {s.category for s in catalogue.services} == set(CATEGORIES)
    assert {c for s in catalogue.services for c in s.requires} <= {t.value for t in CertType}
    assert len({s.name.zh for s in catalogue.services}) == 140 and len({s.name.en for s in catalogue.services}) == 140
    for sid in SCENARIO_SERVICES:
        catalogue.service(sid)


def test_the_schema_file_and_the_loader_agree_on_the_fields() -> None:
    service = SCHEMA["$defs"]["service"]
    assert set(service["required"]) == set(DOC["services"][0])
    assert set(SCHEMA["$defs"]["department"]["enum"]) == {d.id for d in all_departments()}
    assert set(service["properties"]["requires"]["items"]["enum"]) == {t.value for t in CertType}
    assert set(service["properties"]["category"]["enum"]) == set(CATEGORIES)


def test_search_by_pinyin_initials_chinese_and_english() -> None:
    catalogue = load_catalogue()
    assert catalogue.search("dlgh")[0].id == "electric-power.account-transfer"  # 电力过户
    assert catalogue.search("电力过户")[0].id == "electric-power.account-transfer"
    assert catalogue.search("dianli")[0].id.startswith("electric-power")
    assert "banking-insurance.sme-loan" in [s.id for s in catalogue.search("business loan")]
    assert catalogue.search("   ") == []


def mutated(path: list, value) -> dict:
    doc = copy.deepcopy(DOC)
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (["services", 3, "category"], "gossip", "category"),
        (["services", 3, "lead"], "ministry-of-magic", "lead"),
        (["services", 3, "requires"], ["passport"], "requires"),
        (["services", 3, "requires"], [], "requires"),
        (["services", 3, "steps", 0, "department"], "nowhere", "steps[0].department"),
        (["services", 3, "steps", 0, "role"], "admin", "steps[0].role"),
        (["services", 3, "steps", 0, "action"], "bribe", "steps[0].action"),
        (["services", 3, "steps"], [], "steps"),
        (["services", 3, "max_staleness_hours"], 0, "max_staleness_hours"),
        (["services", 3, "max_staleness_hours"], True, "max_staleness_hours"),
        (["services", 3, "time_limit_days"], 10_000, "time_limit_days"),
        (["services", 3, "name"], {"zh_CN": "", "en": "x"}, "name"),
        (["services", 3, "search", "initials"], "ABC", "search.initials"),
        (["services", 3, "time_limit_days"], KeyError, "time_limit_days"),
        (["services", 3, "id"], "planning.Bad Id", "id"),
    ],
)
def test_every_fault_names_the_service_and_the_field(path, value, field) -> None:
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(mutated(path, value))
    assert err.value.field == field
    assert err.value.service in (DOC["services"][3]["id"], "#3")
    assert field in str(err.value)


def test_duplicates_and_unknown_fields_are_refused() -> None:
    doc = copy.deepcopy(DOC)
    doc["services"].append(copy.deepcopy(doc["services"][0]))
    with pytest.raises(CatalogueError, match="appears twice"):
        parse_catalogue(doc)
    with pytest.raises(CatalogueError, match="unknown field"):
        parse_catalogue(mutated(["services", 0, "citizen_name"], "x"))
    with pytest.raises(CatalogueError, match="unknown department"):
        parse_catalogue(DOC, departments=["planning"])


@pytest.mark.parametrize(
    "data",
    [b"", b"not json", b"\xff\xfe", b"[1,2]", b'{"format": NaN}', b"[" * 100_000, b"{}" + b" " * 10, b"null"],
)
def test_hostile_bytes_give_a_catalogue_error(data: bytes) -> None:
    with pytest.raises(CatalogueError):
        parse_catalogue_bytes(data)


def test_an_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (5 * 1024 * 1024))
    with pytest.raises(CatalogueError, match="larger"):
        load_catalogue(big)
    with pytest.raises(CatalogueError, match="cannot read"):
        load_catalogue(tmp_path / "missing.json")


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda c: st.lists(c) | st.dictionaries(st.text(max_size=8), c),
        max_leaves=30,
    )
)
def test_arbitrary_json_never_crashes_the_loader(doc) -> None:
    with contextlib.suppress(CatalogueError):
        parse_catalogue(doc)


def test_a_published_version_round_trips_and_tampering_is_caught() -> None:
    catalogue = load_catalogue()
    signer = ED25519.signer(ED25519.generate_private())
    entry = catalogue_entry(catalogue, "planning.ledger.beijing.gov.cn", signer, 1)
    assert len(entry) < 32 * 1024
    again = catalogue_from_entry(entry)
    assert again.digest == catalogue.digest and len(again.services) == 140
    kid = key_id(ED25519, signer.public_key)

    def published(body: dict) -> bytes:
        return sign_entry(Entry("planning.ledger.beijing.gov.cn", "registry.catalogue", 1, kid, body), signer)

    other = json.loads(catalogue.canonical)
    other["services"][0]["time_limit_days"] = 2
    tampered = zlib.compress(json.dumps(other).encode())
    with pytest.raises(CatalogueError, match="digest"):
        catalogue_from_entry(published({"version": 1, "digest": catalogue.digest, "document": tampered}))
    bomb = zlib.compress(b" " * (8 * 1024 * 1024), 9)
    with pytest.raises(CatalogueError, match="limit"):
        catalogue_from_entry(published({"version": 1, "digest": catalogue.digest, "document": bomb}))
    with pytest.raises(CatalogueError, match="inflate"):
        catalogue_from_entry(published({"version": 1, "digest": catalogue.digest, "document": b"junk"}))
    with pytest.raises(CatalogueError, match="version"):
        digest = catalogue.digest
        catalogue_from_entry(
            published({"version": 2, "digest": digest, "document": zlib.compress(catalogue.canonical)})
        )


def test_every_service_has_a_demo_marked_national_code_materials_and_working_day_deadlines() -> None:
    catalogue = load_catalogue()
    assert catalogue.codes_are_demo and DOC["codes"] == {"standard": "GB/T 39554.1-2020", "demo": True}
    assert len({s.code.basic for s in catalogue.services}) == 140
    for s in catalogue.services:
        assert (
            s.code.implementation[18:30] == s.code.basic
            and credit_code_check(s.code.implementation[:17]) == (s.code.implementation[17])
        )
        assert s.materials and all(m.id in catalogue.materials for m in s.materials)
        assert 1 <= s.promised_days <= s.legal_days
        assert catalogue.service_by_code(s.code.implementation) is s
    # a real GB 32100 credit code (the check character of a published example)
    assert credit_code_check("91350100M000100Y4") == "3"


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (["services", 3, "code", "basic"], "12345", "code.basic"),
        (["services", 3, "code", "implementation"], "X" * 32, "code.implementation"),
        (["services", 3, "code"], {"basic": "010100001000"}, "code"),
        (["services", 3, "materials"], [], "materials"),
        (["services", 3, "materials", 0, "id"], "bribe", "materials[0].id"),
        (["services", 3, "materials", 0, "copies"], 0, "materials[0].copies"),
        (["services", 3, "materials", 0, "original"], "yes", "materials[0].original"),
        (["services", 3, "legal_days"], 0, "legal_days"),
        (["services", 3, "promised_days"], 251, "promised_days"),
    ],
)
def test_faults_in_codes_materials_and_deadlines_name_the_field(path, value, field) -> None:
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(mutated(path, value))
    assert err.value.field == field and err.value.service == DOC["services"][3]["id"]


def test_code_consistency_is_checked() -> None:
    service = DOC["services"][3]
    wrong_check = (
        service["code"]["implementation"][:17]
        + ("0" if service["code"]["implementation"][17] != "0" else "1")
        + service["code"]["implementation"][18:]
    )
    with pytest.raises(CatalogueError, match="GB 32100"):
        parse_catalogue(mutated(["services", 3, "code", "implementation"], wrong_check))
    with pytest.raises(CatalogueError, match="embed the basic code"):
        parse_catalogue(mutated(["services", 3, "code", "basic"], "999999999999"))
    doc = mutated(["services", 3, "promised_days"], service["legal_days"] + 1)
    with pytest.raises(CatalogueError, match="promised deadline"):
        parse_catalogue(doc)
    clash = copy.deepcopy(DOC)
    clash["services"][4]["code"] = copy.deepcopy(service["code"])
    with pytest.raises(CatalogueError, match="already another service"):
        parse_catalogue(clash)
    with pytest.raises(CatalogueError, match="codes"):
        parse_catalogue(mutated(["codes", "demo"], "maybe"))
