"""The transparency-dev/merkle inclusion and consistency vectors (pinned in tests/fixtures) against our proofs.

Every vector must agree with its `wantErr`, except the vectors whose roots are placeholders ("don't
care" text, not 32-byte hashes) that the reference accepts because both placeholders are equal: a
root that is not a hash is malformed input here, refused as a ProofError. They are listed by name.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from app.ledger.merkle import HASH_SIZE, ProofError, verify_consistency, verify_inclusion

VECTORS = Path(__file__).parent / "fixtures" / "transparency-dev-merkle"
# Accepted by the reference, refused here as malformed: the roots are placeholders, not hashes.
PLACEHOLDER_ROOTS_REFUSED = {"consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"}


def _b64(value: str | None) -> bytes:
    return base64.b64decode(value) if value else b""


def _proof(vector: dict) -> list[bytes]:
    return [_b64(h) for h in vector["proof"] or []]


def _check(kind: str, vector: dict) -> None:
    if kind == "inclusion":
        verify_inclusion(
            _b64(vector["leafHash"]), vector["leafIdx"], vector["treeSize"], _proof(vector), _b64(vector["root"])
        )
    else:
        verify_consistency(
            vector["size1"], vector["size2"], _proof(vector), _b64(vector["root1"]), _b64(vector["root2"])
        )


def _vectors() -> list[tuple[str, dict]]:
    return [
        (path.relative_to(VECTORS).as_posix(), json.loads(path.read_text(encoding="utf-8")))
        for path in sorted(VECTORS.rglob("*.json"))
    ]


def test_the_vectors_are_the_pinned_set() -> None:
    names = [name for name, _ in _vectors()]
    assert len(names) == 196
    assert sum(n.startswith("inclusion/") for n in names) == 98
    assert "417fb0c314750d94e53942e9f92e79b6d35915db" in (VECTORS / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "vector"), _vectors(), ids=[name for name, _ in _vectors()])
def test_every_vector_agrees(name: str, vector: dict) -> None:
    kind = name.split("/")[0]
    if vector["wantErr"] or name in PLACEHOLDER_ROOTS_REFUSED:
        with pytest.raises(ProofError):
            _check(kind, vector)
    else:
        _check(kind, vector)


def test_the_listed_exceptions_are_exactly_the_accepted_placeholder_roots() -> None:
    roots = ("root", "root1", "root2")
    placeholders = {
        name
        for name, vector in _vectors()
        if not vector["wantErr"] and any(k in vector and len(_b64(vector[k])) != HASH_SIZE for k in roots)
    }
    assert placeholders == PLACEHOLDER_ROOTS_REFUSED
    for name in PLACEHOLDER_ROOTS_REFUSED:
        vector = dict(_vectors())[name]
        with pytest.raises(ProofError, match="32-byte hash"):
            _check(name.split("/")[0], vector)
