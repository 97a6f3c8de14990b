"""The EU DCC conformance corpus (dgc-testdata, pinned in tests/fixtures): real issuers' certificates.

Each case is verified with its own TESTCTX certificate as the only trust anchor, at its
VALIDATIONCLOCK. A case is decidable when one of its EXPECTED… steps is false (the verdict must
then not be VALID) or when EXPECTEDVERIFY is true (the signature must verify, and with
EXPECTEDEXPIRATIONCHECK also true and no step false, the verdict must be VALID). A row of the
corpus's own known-issues list withdraws the step it names from the cases it names.

One kind of step is not a verdict of ours: EXPECTEDSCHEMAVALIDATION false marks a DCC whose coded
values are outside the EU value sets (a country "XY", a manufacturer "ORG-99999999"). govdesk checks
the HCERT's structure, signature, key usage and validity, not the DCC's business rules, so such a
case is counted in the strict figure (printed) but not in the one the target applies to.
"""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from app.certs import Status
from app.certs.errors import ImageInputError, TrustListError
from app.certs.image_input import read_qr_text
from app.certs.verify import verify

CORPUS = Path(__file__).parent / "fixtures" / "dgc-testdata"
TARGET = 0.99
# The corpus's known-issues rows name a test of its own runner; each checks one step.
STEP_OF_TEST = {
    "test_cose_schema": "EXPECTEDSCHEMAVALIDATION",
    "test_cose_json": "EXPECTEDDECODE",
    "test_cbor_json": "EXPECTEDVALIDJSON",
    "test_verification_check": "EXPECTEDVERIFY",
    "test_expiration_check": "EXPECTEDEXPIRATIONCHECK",
    "test_expected_key_usage": "EXPECTEDKEYUSAGE",
}
SIGNATURE_NOT_VERIFIED = {Status.MALFORMED, Status.UNKNOWN_ISSUER, Status.BAD_SIGNATURE}
# Cases where govdesk keeps its verdict against the corpus's expectation, and why.
KNOWN_DISAGREEMENTS = {
    # The protected header is empty and alg sits in the unprotected one: refused, as alg must be protected.
    "common/2DCode/raw/CO20.json",
    # A Swedish DSC whose extended key usage allows vaccinations only, signing a test certificate.
    "LI/2DCode/raw/4.json",
    # "no key usage": a DSC without extended key usage may sign every kind (HCERT 1.0 section 5.1.2).
    "IS/2DCode/raw/3.json",
}


@dataclass(frozen=True)
class Case:
    """One corpus case: its name, its steps still in force, and what to verify."""

    name: str
    steps: dict[str, bool]
    data: dict


def _known_issues() -> list[dict[str, str]]:
    with (CORPUS / "known_issues.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def corpus_cases() -> Iterator[Case]:
    """Every case file of the pinned corpus, with the known issues' steps withdrawn."""
    issues = _known_issues()
    for path in sorted(CORPUS.rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        name = path.relative_to(CORPUS).as_posix()
        country = name.split("/")[0]
        steps = {k: v for k, v in data["EXPECTEDRESULTS"].items() if k.startswith("EXPECTED") and isinstance(v, bool)}
        for row in issues:
            if row["country"] == country and row["test_set"] in ("", path.stem):
                steps.pop(STEP_OF_TEST[row["test_name"]], None)
        yield Case(name, steps, data)


def _qr_text(case: Case, tmp_path: Path) -> str | None:
    """The text to verify: the case's PREFIX, or its picture's content when the picture is what fails."""
    if case.steps.get("EXPECTEDPICTUREDECODE") is False and case.data.get("2DCODE"):
        picture = tmp_path / (case.name.replace("/", "_") + ".png")
        picture.write_bytes(base64.b64decode(case.data["2DCODE"]))
        try:
            return read_qr_text(picture)
        except ImageInputError:
            return None
    return case.data["PREFIX"]


def _verdict_status(case: Case, tmp_path: Path) -> Status | None:
    """Our verdict's status, or None when the picture holds no readable code."""
    context = case.data["TESTCTX"]
    pem = f"-----BEGIN CERTIFICATE-----\n{context['CERTIFICATE']}\n-----END CERTIFICATE-----\n".encode()
    at = datetime.fromisoformat(context["VALIDATIONCLOCK"].replace("Z", "+00:00"))
    text = _qr_text(case, tmp_path)
    if text is None:
        return None
    try:
        return verify(text, trust_x509=[pem], at=at).status
    except TrustListError:  # the case's DSC itself is refused: nothing verifies against it
        return None


def _agrees(steps: dict[str, bool], status: Status | None) -> bool | None:
    """Whether a verdict agrees with the steps, or None when the steps decide nothing."""
    any_false = any(v is False for v in steps.values())
    verifies = steps.get("EXPECTEDVERIFY") is True
    if not any_false and not verifies:
        return None
    ok = True
    if any_false:
        ok = status is not Status.VALID
    elif steps.get("EXPECTEDEXPIRATIONCHECK") is True:
        ok = status is Status.VALID
    if verifies:
        ok = ok and status is not None and status not in SIGNATURE_NOT_VERIFIED
    return ok


def test_the_corpus_is_the_pinned_one() -> None:
    cases = list(corpus_cases())
    assert len(cases) == 581
    assert "4a62c8d9a9a57c29b3b83ee6bf2b1e03d4d88e79" in (CORPUS / "README.md").read_text(encoding="utf-8")


def test_real_issuers_certificates_agree_with_the_corpus(tmp_path: Path) -> None:
    strict_agree = strict_total = agree = total = 0
    disagreements = []
    for case in corpus_cases():
        status = _verdict_status(case, tmp_path)
        strict = _agrees(case.steps, status)
        if strict is None:
            continue
        strict_total += 1
        strict_agree += strict
        steps = {k: v for k, v in case.steps.items() if not (k == "EXPECTEDSCHEMAVALIDATION" and v is False)}
        verdict = _agrees(steps, status)
        if verdict is None:
            continue
        total += 1
        agree += verdict
        if not verdict:
            disagreements.append(f"{case.name}: {status}")
    share = agree / total
    print(
        f"dgc-testdata: {agree}/{total} decidable cases agree ({share:.2%}); "
        f"counting value-set expectations too: {strict_agree}/{strict_total} ({strict_agree / strict_total:.2%})"
    )
    assert total >= 540, total
    assert share >= TARGET, disagreements
    assert {d.split(":")[0] for d in disagreements} <= KNOWN_DISAGREEMENTS, disagreements


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("ES/2DCode/raw/1501.json", "iat as a floating-point NumericDate"),
        ("GE/2DCode/raw/1.json", "an iss longer than 64 characters"),
        ("HU/2DCode/raw/2.json", "a CBOR date/time value in the DCC"),
        ("SE/2DCode/raw/2.json", "a CBOR date/time value in the DCC"),
    ],
)
def test_certificates_the_strict_decoder_refused_are_valid(name: str, why: str, tmp_path: Path) -> None:
    case = next(c for c in corpus_cases() if c.name == name)
    assert _verdict_status(case, tmp_path) is Status.VALID, why


def test_a_dsc_whose_extensions_are_not_der_is_refused_as_a_trust_list_error() -> None:
    """Finland's test DSC encodes a DEFAULT value (BasicConstraints cA FALSE), which DER forbids."""
    case = next(c for c in corpus_cases() if c.name.startswith("FI/"))
    pem = f"-----BEGIN CERTIFICATE-----\n{case.data['TESTCTX']['CERTIFICATE']}\n-----END CERTIFICATE-----\n"
    with pytest.raises(TrustListError, match="not valid DER"):
        verify(case.data["PREFIX"], trust_x509=[pem.encode()])
