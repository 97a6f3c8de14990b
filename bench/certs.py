"""Benchmark: decode and verify certificates from QR text against a replica with 10^6 revocations and 50 issuer keys.

Each timed call is the whole counter path, `app.certs.verify(text, office=replica)`: prefix,
base45, zlib, strict CBOR/COSE/claims decoding, the issuer key from the registry, the Ed25519
signature, revocation, validity window, replica age, anchor lookup, and the audit record of the
verdict (an encrypted, fsynced write). The headline p50/p99 are the same checks without the audit
write. Issuer keys and log trust come from the replica's trust cache (app.store.certs.TrustCache),
which every verification checks against `PRAGMA data_version`; revocations and anchors are read
from the replica every time. The cost of a verification right after a trust write (the cache
refilled) is printed too. The floor is a bare libsodium Ed25519 verify of the same messages in the
same run. All of the above on the Ed25519 suite. Then the national suite (issue 17): SM2-signed
certificates from issuer keys enrolled as `sm2-sm3`, verified end to end (no audit write) against
a bare SM2 verify of the same signatures (`sm2_*` figures). Last line: one JSON object (see
issues 6 and 17).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from app.certs import CertType, Status, issue_certificate, make_claims, transport, verify
from app.certs.claims import cert_hash
from app.certs.verify import verify_govdesk
from app.ledger import cose
from app.ledger.sm2 import SM2_SM3
from app.ledger.suites import ED25519, SignatureSuite, Signer, key_id
from app.store.keywrap import KdfParams
from app.store.registry import KeyRecord
from app.store.replica import Replica, create_office, open_replica

NOW_MS = 1_800_000_000_000
DEPARTMENTS = 11
FAST_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)


def origin(n: int) -> str:
    """The log origin of department n."""
    return f"dept-{n % DEPARTMENTS:02d}.ledger.beijing.gov.cn"


def build_replica(directory: Path, revocations: int, keys: int) -> tuple[Replica, list]:
    """Fill a replica: `keys` department keys, their logs' checkpoints, and `revocations` revoked serials."""
    clock = lambda: NOW_MS  # noqa: E731 - a fixed clock keeps every certificate inside its window
    with create_office(directory, "Bench Hall", "admin", "pw", kdf=FAST_KDF, clock=clock) as admin:
        admin.accounts.add("clerk", "clerk", "pw")
    replica = open_replica(directory, "clerk", "pw", clock=clock)
    signers = [ED25519.signer(ED25519.generate_private()) for _ in range(keys)]
    with replica.transaction():
        for n, signer in enumerate(signers):
            kid = key_id(ED25519, signer.public_key)
            record = KeyRecord(kid, "ed25519", signer.public_key, "department", f"key {n}", origin(n), 0, None)
            replica.registry.put_key(record)
        for n in range(DEPARTMENTS):
            replica.logs.put_checkpoint(origin(n), 1, bytes(32), f"{origin(n)}\n1\nAAAA\n", NOW_MS - 60_000)
    batch = 50_000
    for start in range(0, revocations, batch):
        with replica.transaction():
            for i in range(start, min(start + batch, revocations)):
                replica.certs.put_revocation(origin(i), f"{i:020X}", "bench", NOW_MS - 1000)
    return replica, signers


def enrol_keys(replica: Replica, suite: SignatureSuite, keys: int) -> list[Signer]:
    """Enrol `keys` more department keys of `suite` in the replica; return their signers."""
    signers = [suite.signer(suite.generate_private()) for _ in range(keys)]
    with replica.transaction():
        for n, signer in enumerate(signers):
            kid = key_id(suite, signer.public_key)
            record = KeyRecord(kid, suite.name, signer.public_key, "department", f"{suite.name} key {n}", origin(n), 0)
            replica.registry.put_key(record)
    return signers


def issue_many(signers: list[Signer], count: int) -> list:
    """Issue `count` certificates of every type, round-robin over the signers."""
    types = list(CertType)
    certs = []
    for i in range(count):
        n = i % len(signers)
        claims = make_claims(
            types[i % len(types)],
            origin(n),
            {"name": "王小明"},
            "11010519491231002X",
            NOW_MS // 1000 - 3600,
            NOW_MS // 1000 + 86400 * 365,
        )
        certs.append((issue_certificate(claims, signers[n], now_ms=NOW_MS), signers[n]))
    return certs


def sm2_figures(replica: Replica, keys: int, certificates: int, rounds: int) -> dict[str, float]:
    """Time SM2-signed certificates through the counter path (no audit write) against the bare SM2 verify."""
    certs = issue_many(enrol_keys(replica, SM2_SM3, keys), certificates)
    end_to_end, bare = [], []
    for _ in range(rounds):
        for issued, signer in certs:
            cose_bytes = transport.unwrap(issued.text).cose
            start = time.perf_counter()
            verdict = verify_govdesk(cose_bytes, replica, NOW_MS)
            end_to_end.append((time.perf_counter() - start) * 1000)
            if verdict.status is not Status.VALID:
                raise SystemExit(f"unexpected SM2 verdict {verdict.status}: {verdict.reason_en}")
            sign1 = cose.decode_sign1(issued.cose, max_size=8192)
            message, signature = sign1.to_be_signed(), sign1.signature
            start = time.perf_counter()
            ok = SM2_SM3.verify(signer.public_key, message, signature)
            bare.append((time.perf_counter() - start) * 1000)
            assert ok
    end_to_end.sort()
    bare.sort()
    p50, p99, bare_p50 = percentile(end_to_end, 0.5), percentile(end_to_end, 0.99), percentile(bare, 0.5)
    print(f"suite sm2-sm3: decode + verify from QR text      p50 {p50:.3f} ms  p99 {p99:.3f} ms  ({len(end_to_end)})")
    print(f"suite sm2-sm3: bare SM2 verify (libcrypto)        p50 {bare_p50:.3f} ms  ratio {p50 / bare_p50:.2f}")
    print("targets: sm2 p99 <= 2 ms, sm2 p50 within 1.5x the bare SM2 verify")
    return {
        "sm2_p50_ms": round(p50, 4),
        "sm2_p99_ms": round(p99, 4),
        "sm2_p50_ratio_to_bare_verify": round(p50 / bare_p50, 3),
    }


def percentile(sorted_values: list[float], q: float) -> float:
    """Return the q-quantile (0..1) of sorted values, nearest rank."""
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def main() -> int:
    """Run the benchmark and print its figures; the last line is JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--revocations", type=int, default=1_000_000)
    parser.add_argument("--keys", type=int, default=50)
    parser.add_argument("--certificates", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10, help="times each certificate is verified")
    parser.add_argument("--tiny", action="store_true", help="a seconds-long run that keeps the script honest")
    args = parser.parse_args()
    if args.tiny:
        args.revocations, args.keys, args.certificates, args.rounds = 2_000, 5, 20, 2

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        replica, signers = build_replica(Path(tmp) / "office", args.revocations, args.keys)
        print(f"replica with {args.revocations:,} revocations and {args.keys} keys in {time.perf_counter() - t0:.1f} s")
        types = list(CertType)
        certs = []
        for i in range(args.certificates):
            n = i % len(signers)
            claims = make_claims(
                types[i % len(types)],
                origin(n),
                {"name": "王小明"},
                "11010519491231002X",
                NOW_MS // 1000 - 3600,
                NOW_MS // 1000 + 86400 * 365,
            )
            issued = issue_certificate(claims, signers[n], now_ms=NOW_MS)
            if i % 2:  # half of them are anchored in the replica
                replica.certs.put_anchor(
                    cert_hash(issued.cose), claims.serial, claims.issuer, claims.cert_type, claims.issuer, i
                )
            certs.append(issued)
        revoked = replica.certs.revocation(origin(7), f"{7:020X}")
        assert revoked is not None, "the revocation table was not filled"

        for issued in certs[:5]:  # warm the page cache and check the path is the VALID one
            assert verify(issued.text, office=replica).status is Status.VALID
        timings = []
        for _ in range(args.rounds):
            for issued in certs:
                start = time.perf_counter()
                verdict = verify(issued.text, office=replica)
                timings.append((time.perf_counter() - start) * 1000)
                if verdict.status is not Status.VALID:
                    raise SystemExit(f"unexpected verdict {verdict.status}: {verdict.reason_en}")
        no_audit = []  # the same checks against the same replica, without writing the verdict's audit record
        for _ in range(args.rounds):
            for issued in certs:
                start = time.perf_counter()
                verdict = verify_govdesk(transport.unwrap(issued.text).cose, replica, NOW_MS)
                no_audit.append((time.perf_counter() - start) * 1000)
                assert verdict.status is Status.VALID
        refill = []  # each verification right after a registry write, which empties the trust cache
        for n, issued in enumerate(certs[: min(len(certs), 100)]):
            replica.logs.put_checkpoint(origin(n), 1, bytes(32), f"{origin(n)}\n1\nAAAA\n", NOW_MS - 60_000)
            start = time.perf_counter()
            verdict = verify_govdesk(transport.unwrap(issued.text).cose, replica, NOW_MS)
            refill.append((time.perf_counter() - start) * 1000)
            assert verdict.status is Status.VALID
        sm2 = sm2_figures(replica, args.keys, args.certificates, args.rounds)
        replica.close()

    jobs = []
    for issued, signer in zip(certs, [signers[i % len(signers)] for i in range(len(certs))], strict=True):
        sign1 = cose.decode_sign1(issued.cose, max_size=8192)
        jobs.append((signer.public_key, sign1.to_be_signed(), sign1.signature))
    bare = []
    for _ in range(args.rounds):
        for public_key, message, signature in jobs:
            start = time.perf_counter()
            ok = ED25519.verify(public_key, message, signature)
            bare.append((time.perf_counter() - start) * 1000)
            assert ok

    timings.sort()
    bare.sort()
    no_audit.sort()
    refill.sort()
    p50, p99 = percentile(no_audit, 0.5), percentile(no_audit, 0.99)
    full_p50, full_p99 = percentile(timings, 0.5), percentile(timings, 0.99)
    bare_p50 = percentile(bare, 0.5)
    print(f"decode + verify from QR text against the replica  p50 {p50:.3f} ms  p99 {p99:.3f} ms  ({len(no_audit)})")
    print(f"the same plus the verdict's audit record (fsync)  p50 {full_p50:.3f} ms  p99 {full_p99:.3f} ms")
    print(f"the same right after a trust write (cache refill) p50 {percentile(refill, 0.5):.3f} ms  ({len(refill)})")
    print(
        f"bare Ed25519 verify (libsodium)                   p50 {bare_p50:.3f} ms  p99 {percentile(bare, 0.99):.3f} ms"
    )
    print(
        f"ratio p50 / bare p50                              {p50 / bare_p50:.1f} (with audit {full_p50 / bare_p50:.1f})"
    )
    print("targets: p99 < 3 ms, p50 within 3x the bare verify")
    print(
        json.dumps(
            {
                "bench": "certs",
                "suite": "ed25519",
                "p50_ms": round(p50, 4),
                "p99_ms": round(p99, 4),
                "p50_ratio_to_bare_verify": round(p50 / bare_p50, 2),
                **sm2,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
