"""Pull one department log into the replica, verifying everything before anything is stored.

The checkpoint must carry the log's signature and the witness quorum, and extend the checkpoint the
replica holds. Entries are downloaded as tlog-tiles entry bundles from the sync cursor on, in batches;
every entry's signature is checked against the registry as the log itself builds it (enrolments and
revocations take effect in log order), the batch's leaf hashes extend the cursor's tree edge, and a
consistency proof from the batch's end to the checkpoint proves every entry of the batch is in it.
Then the batch is applied, with the cursor, in one replica transaction: a crash leaves the old state or
the new one, and the next run resumes from the cursor.

The puller may run on a network thread while the replica belongs to the database thread: every replica
read and every apply goes through `on_db` (run this on the database thread and return its result), so
downloads, signature checks and proofs never hold the database thread, and it is held only for short
reads and one bounded transaction per batch. Without `on_db` everything runs on the caller's thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from app.catalogue.catalogue import Catalogue, load_catalogue
from app.catalogue.errors import ServiceError
from app.ledger.bundle import BundleError, decode_bundle
from app.ledger.checkpoint import SignedCheckpoint
from app.ledger.entry import SignedEntry, decode_entry
from app.ledger.errors import LedgerError
from app.ledger.merkle import ProofError, RootMismatch, TreeHash
from app.pki.sm2_x509 import CertificateError, Sm2Certificate, load_certificate, verify_chain
from app.protocol.policy import WINDOW, step_may_write
from app.protocol.tiles import TILE_WIDTH, TreeReader, tile_path, tile_width_at
from app.store import sync_state
from app.store.ledger_projection import CONSENT_TYPES, apply_entry
from app.store.registry import DeviceRecord, KeyRecord, WindowRecord
from app.store.replica import Replica
from app.sync.anchor import RestoreWatch
from app.sync.checkpoints import (
    ForkCallback,
    check_against_held,
    cosignatures,
    fetch_consistency,
    fetch_quorate_checkpoint,
)
from app.sync.database_runner import DatabaseRunner, run_here
from app.sync.errors import Cancelled, EntryRejected, LogUntrusted, MalformedResponse
from app.sync.progress import ProgressCallback, SyncProgress, ignore_progress
from app.sync.transport import BUNDLE_LIMIT, TILE_LIMIT, NodeLink
from app.sync.trust import LogTrust

BATCH_ENTRIES = 8 * TILE_WIDTH


TaskCallback = Callable[[sync_state.ClerkTask], None]
CONFLICT_ADVICE = (
    "Open the case and read the step that was sequenced first. Your step was not applied; if it is still "
    "needed, redo it on top of the current state of the case, and tell the citizen if the outcome changed."
)


@dataclass
class PullReport:
    """What one pull of one log did."""

    origin: str
    size_before: int = 0
    size_after: int = 0
    verified: int = 0
    kept: int = 0
    registry_changes: int = 0
    revocations: int = 0
    tasks: int = 0
    bytes: int = 0
    refused_folds: int = 0
    restored_entries: int = 0  # entries signed by this office's keys that the replica did not hold (app/sync/anchor)


def tile_getter(link: NodeLink, size: int) -> Callable[[int, int], bytes | None]:
    """Return a tile getter for TreeReader that fetches the tiles of the tree of `size` leaves, checking sizes."""

    def get(level: int, index: int) -> bytes | None:
        width = tile_width_at(level, index, size)
        if width == 0:
            return None
        path = tile_path(level, index, None if width == TILE_WIDTH else width)
        body = link.get(path, limit=TILE_LIMIT).body
        if len(body) != width * 32:
            raise MalformedResponse(link.origin, f"tile {path} is {len(body)} bytes, not {width * 32}")
        return body

    return get


class _Keys:
    """The registry of one log as the log builds it: the replica's enrolments by this log's department, plus changes
    verified but not yet applied."""

    def __init__(self, replica: Replica, origin: str, on_db: DatabaseRunner) -> None:
        self._replica = replica
        self._origin = origin
        self._db = on_db
        self._cache: dict[bytes, KeyRecord | None] = {}
        self._windows: dict[tuple[bytes, str], WindowRecord | None] = {}

    def get(self, kid: bytes) -> KeyRecord | None:
        """The enrolment of `kid` by this log's department (None: not enrolled by it)."""
        if kid not in self._cache:
            self._cache[kid] = self._db(lambda: self._replica.registry.key(kid, self._origin))
        return self._cache[kid]

    def put(self, record: KeyRecord) -> None:
        self._cache[record.kid] = record

    def window(self, kid: bytes, origin: str) -> WindowRecord | None:
        if (kid, origin) not in self._windows:
            self._windows[(kid, origin)] = self._db(lambda: self._replica.registry.window(kid, origin))
        return self._windows[(kid, origin)]

    def put_window(self, record: WindowRecord) -> None:
        self._windows[(record.kid, record.origin)] = record


class LogPuller:
    """Pull one log: `run()` verifies and applies everything new, batch by batch."""

    def __init__(
        self,
        replica: Replica,
        trust: LogTrust,
        link: NodeLink,
        *,
        max_skew_ms: int,
        progress: ProgressCallback = ignore_progress,
        on_fork: ForkCallback | None = None,
        on_task: TaskCallback | None = None,
        catalogue: Catalogue | None = None,
        batch_entries: int = BATCH_ENTRIES,
        on_db: DatabaseRunner = run_here,
    ) -> None:
        self.replica = replica
        self.trust = trust
        self.origin = trust.origin
        self.link = link
        self.max_skew_ms = max_skew_ms
        self.progress = progress
        self.on_fork = on_fork
        self.on_task = on_task
        self._catalogue = catalogue
        self.batch_entries = max(TILE_WIDTH, batch_entries - batch_entries % TILE_WIDTH)
        self._db = on_db
        self._keys = _Keys(replica, trust.origin, on_db)
        self._department_roots: list[Sm2Certificate] | None = None
        self._our_kids: set[bytes] | None = None
        self._restore: RestoreWatch = on_db(lambda: RestoreWatch(replica, trust.origin))

    @property
    def tree(self) -> TreeHash:
        """The hash of the log's Merkle tree, as the trust policy declares it."""
        return self.trust.tree

    # --- the run -------------------------------------------------------------------------------------
    def run(self) -> PullReport:
        """Verify the node's checkpoint, then download, verify and apply every entry up to it."""
        log = self._db(lambda: sync_state.log_state(self.replica, self.origin, self.tree))
        if not log.trusted:
            raise LogUntrusted(self.origin, f"not synced: {log.reason}")
        offered = fetch_quorate_checkpoint(self.link, self.trust, self.replica.session.now_ms, self.max_skew_ms)
        check_against_held(
            self.replica,
            self.link,
            offered,
            floor=log.cursor.size,
            on_fork=self.on_fork,
            on_db=self._db,
            tree=self.tree,
        )
        target = offered.checkpoint
        cursor = log.cursor
        report = PullReport(self.origin, size_before=cursor.size, size_after=cursor.size)
        bytes_start = self.link.bytes_received
        start = cursor.size
        reader = TreeReader(tile_getter(self.link, target.size), self.tree)
        if cursor.size == target.size:
            self._db(lambda: self._store_checkpoint_now(offered, cursor))
        while cursor.size < target.size:
            if self.link.cancel.is_set():
                raise Cancelled(f"{self.origin}: cancelled at {cursor.size} of {target.size}")
            end = min(target.size, (cursor.size // TILE_WIDTH) * TILE_WIDTH + self.batch_entries)
            batch = self._fetch_verified(cursor, end, target.size)
            self._prove_batch(cursor, end, offered)
            self._apply(batch, cursor, offered, reader, report)
            report.size_after = cursor.size
            done_bytes = self.link.bytes_received - bytes_start
            done = cursor.size - start
            self.progress(
                SyncProgress(
                    self.origin,
                    "pull",
                    done,
                    target.size - start,
                    done_bytes,
                    done_bytes * (target.size - start) // max(done, 1),
                )
            )
        report.bytes = self.link.bytes_received - bytes_start
        report.restored_entries = len(self._restore.unknown)
        alarm = self._db(self._restore.raise_alarm)
        if alarm is not None:
            report.tasks += 1
            if self.on_task is not None:
                self.on_task(alarm)
        return report

    # --- download and verification --------------------------------------------------------------------
    def _fetch_verified(self, cursor: sync_state.TreeCursor, end: int, size: int) -> list[tuple[int, SignedEntry]]:
        out: list[tuple[int, SignedEntry]] = []
        index = cursor.size
        while index < end:
            bundle = index // TILE_WIDTH
            width = tile_width_at(0, bundle, size)
            path = tile_path(None, bundle, None if width == TILE_WIDTH else width)
            body = self.link.get(path, limit=BUNDLE_LIMIT).body
            try:
                entries = decode_bundle(body, first_index=bundle * TILE_WIDTH, max_entries=width)
            except BundleError as exc:
                raise MalformedResponse(self.origin, f"entry bundle {bundle}: {exc}") from None
            if len(entries) != width:
                raise MalformedResponse(self.origin, f"entry bundle {bundle} holds {len(entries)}, not {width}")
            first = bundle * TILE_WIDTH
            for i in range(index, min(end, first + width)):
                signed = self._verify(i, entries[i - first])
                cursor.append(self.tree.entry_leaf(signed.data, signed.leaf_hash))
                out.append((i, signed))
            index = min(end, first + width)
        return out

    def _verify(self, index: int, data: bytes) -> SignedEntry:
        try:
            signed = decode_entry(data)
        except LedgerError as exc:
            raise EntryRejected(self.origin, f"entry {index}: {exc}") from None
        entry = signed.entry
        if entry.log != self.origin:
            raise EntryRejected(self.origin, f"entry {index} names log {entry.log!r}")
        body = entry.body
        enrol = entry.type == "registry.enroll"
        bootstrap = index == 0 and enrol and body["kid"] == signed.kid and body["role"] == "department"
        if bootstrap:
            public_key = body["public_key"]
        else:
            record = self._keys.get(signed.kid)  # enrolled by this log's department; other logs have their own
            if record is None:
                # A comprehensive-window key of another department, enrolled here for the acceptance of cases.
                window = self._keys.window(signed.kid, self.origin)
                if window is None:
                    raise EntryRejected(
                        self.origin, f"entry {index} is signed by {signed.kid.hex()}, not enrolled here"
                    )
                record = KeyRecord(window.kid, window.suite, window.public_key, WINDOW, window.subject, self.origin,
                                   window.valid_from_ms, window.revoked_at_ms)  # fmt: skip
            # A revocation refuses what the key signed on this log after it; another department's enrolment of the
            # same key (a device enrolled by several departments) is its own and stands.
            if record.revoked_at_ms is not None and entry.time >= record.revoked_at_ms:
                raise EntryRejected(self.origin, f"entry {index} is signed by the revoked key {signed.kid.hex()}")
            if not step_may_write(record.role, entry.type, body):
                raise EntryRejected(
                    self.origin, f"entry {index}: role {record.role!r} may not write this {entry.type!r}"
                )
            public_key = record.public_key
        try:
            signed.verify(public_key)
        except LedgerError as exc:
            raise EntryRejected(self.origin, f"entry {index}: {exc}") from None
        if entry.type == "registry.enroll":
            if body["role"] == WINDOW:
                self._keys.put_window(_window(signed, self.origin))
            else:
                if body["role"] == "department":
                    self._check_department_certificate(index, body, entry.time, bootstrap)
                self._keys.put(_enrolled(signed, self.origin))
        elif entry.type == "registry.revoke":
            current = self._keys.get(body["kid"])
            window = self._keys.window(body["kid"], self.origin)
            if window is not None and window.revoked_at_ms is None:
                self._keys.put_window(replace(window, revoked_at_ms=entry.time))
            elif current is not None and current.revoked_at_ms is None:
                self._keys.put(replace(current, revoked_at_ms=entry.time))
        return signed

    def _check_department_certificate(self, index: int, body: dict[str, Any], time_ms: int, bootstrap: bool) -> None:
        """A new department key is trusted only with a certificate chaining to one of the office's own roots.

        The roots come from the administrator (Replica.trust_roots, list `department`), never from the ledger.
        Without such roots nothing is required; the log's first key is vouched for by the trust policy's log key.
        """
        if self._department_roots is None:
            self._department_roots = self._db(lambda: self.replica.trust_roots.certificates("department"))
        certificate = body.get("certificate")
        if certificate is None:
            if self._department_roots and not bootstrap:
                raise EntryRejected(self.origin, f"entry {index}: a department key without a certificate")
            return
        if body["suite"] != "sm2-sm3":
            raise EntryRejected(self.origin, f"entry {index}: a certified department key must be an SM2 key")
        try:
            leaf = load_certificate(certificate)
            verify_chain(leaf, [], self._department_roots, at=datetime.fromtimestamp(time_ms / 1000, UTC))
        except CertificateError as exc:
            raise EntryRejected(self.origin, f"entry {index}: department certificate refused ({exc.code})") from None
        if leaf.public_key != body["public_key"]:
            raise EntryRejected(self.origin, f"entry {index}: the certificate is for another key")

    def _prove_batch(self, cursor: sync_state.TreeCursor, end: int, offered: SignedCheckpoint) -> None:
        target = offered.checkpoint
        root = cursor.root()
        if end == target.size:
            if root != target.root_hash:
                raise EntryRejected(self.origin, f"the entries up to {end} do not hash to the checkpoint's root")
            return
        proof = fetch_consistency(self.link, end, target.size)
        try:
            self.tree.verify_consistency(end, target.size, proof, root, target.root_hash)
        except RootMismatch:
            raise EntryRejected(self.origin, f"the entries up to {end} are not a prefix of the checkpoint") from None
        except ProofError as exc:
            raise MalformedResponse(self.origin, f"consistency proof {end}->{target.size}: {exc}") from None

    # --- applying -----------------------------------------------------------------------------------------
    def _apply(
        self,
        batch: list[tuple[int, SignedEntry]],
        cursor: sync_state.TreeCursor,
        offered: SignedCheckpoint,
        reader: TreeReader,
        report: PullReport,
    ) -> None:
        target = offered.checkpoint
        keep = self._db(lambda: [self._keep(s) for _, s in batch])
        kept = [item for item, wanted in zip(batch, keep, strict=True) if wanted]
        proofs = {}
        for index, signed in kept:
            try:
                proof = reader.inclusion_proof(index, target.size)
                self.tree.verify_inclusion(
                    self.tree.entry_leaf(signed.data, signed.leaf_hash), index, target.size, proof, target.root_hash
                )
            except ProofError as exc:
                raise MalformedResponse(self.origin, f"inclusion proof of entry {index}: {exc}") from None
            proofs[index] = proof
        new_tasks = self._db(lambda: self._store_batch(batch, proofs, cursor, offered, report))
        report.tasks += len(new_tasks)
        if self.on_task is not None:
            for task in new_tasks:
                self.on_task(task)

    def _store_batch(
        self,
        batch: list[tuple[int, SignedEntry]],
        proofs: dict[int, list[bytes]],
        cursor: sync_state.TreeCursor,
        offered: SignedCheckpoint,
        report: PullReport,
    ) -> list[sync_state.ClerkTask]:
        """Apply one verified batch and its cursor in one replica transaction (on the database thread)."""
        target = offered.checkpoint
        cases: set[str] = set()
        with self.replica.transaction():
            for index, signed in batch:
                self._restore.see(index, signed)
                self._apply_registry(index, signed, report)
                if index in proofs:
                    self.replica.logs.put_entry(self.origin, index, signed.leaf_hash, signed.data, proofs[index])
                    report.kept += 1
                    if signed.entry.type == "case.step" or signed.entry.type in CONSENT_TYPES:
                        self._fold(index, signed, report)
                        if signed.entry.type == "case.step":
                            cases.add(signed.entry.body["case_id"])
            report.verified += len(batch)
            new_tasks = self._conflict_tasks(cases)
            if cursor.size == target.size:
                self._store_checkpoint(offered, cursor)
            else:
                sync_state.save_cursor(self.replica, self.origin, cursor, None)
        return new_tasks

    def _store_checkpoint_now(self, offered: SignedCheckpoint, cursor: sync_state.TreeCursor) -> None:
        with self.replica.transaction():
            self._store_checkpoint(offered, cursor)

    def _store_checkpoint(self, offered: SignedCheckpoint, cursor: sync_state.TreeCursor) -> None:
        now = self.replica.session.now_ms()
        cp = offered.checkpoint
        self.replica.logs.put_checkpoint(cp.origin, cp.size, cp.root_hash, offered.text, now, cosignatures(offered))
        sync_state.save_cursor(self.replica, self.origin, cursor, now)

    def _keep(self, signed: SignedEntry) -> bool:
        etype, body = signed.entry.type, signed.entry.body
        if etype == "registry.catalogue":
            return True
        if etype == "case.step":
            # The office's own steps are kept even for a case the replica does not know: after a restore from an
            # old copy, that is how the office's cases come back (app/sync/anchor.py).
            return (
                self.trust.cases == "all"
                or self._restore.is_own(signed)
                or sync_state.knows_case(self.replica, body["case_id"])
            )
        if etype in ("consent.grant", "consent.revoke"):
            return self.trust.cases == "all" or sync_state.knows_consent(self.replica, body["consent_id"])
        if etype in ("data.request", "data.response"):
            return self.trust.cases == "all" or sync_state.knows_exchange(self.replica, body["request_id"])
        return False

    def _apply_registry(self, index: int, signed: SignedEntry, report: PullReport) -> None:
        entry, body = signed.entry, signed.entry.body
        registry, certs = self.replica.registry, self.replica.certs
        if entry.type == "registry.enroll" and body["role"] == WINDOW:
            # Beside the key's home enrolment, never over it: one key may be a window of several departments.
            registry.put_window(_window(signed, self.origin))
            report.registry_changes += 1
        elif entry.type == "registry.enroll":
            record = _enrolled(signed, self.origin)
            registry.put_key(record)
            if record.role == "device":
                registry.put_device(DeviceRecord(record.kid, record.subject, self.origin, entry.time))
            report.registry_changes += 1
        elif entry.type == "registry.revoke" and registry.window(body["kid"], self.origin) is not None:
            window = registry.window(body["kid"], self.origin)
            if window is not None and window.revoked_at_ms is None:
                registry.put_window(replace(window, revoked_at_ms=entry.time))
                report.registry_changes += 1
        elif entry.type == "registry.revoke":
            current = registry.key(body["kid"], self.origin)
            if current is not None and current.revoked_at_ms is None:
                registry.put_key(replace(current, revoked_at_ms=entry.time))
                device = registry.device(body["kid"], current.department)
                if device is not None:
                    registry.put_device(replace(device, revoked_at_ms=entry.time))
                report.registry_changes += 1
        elif entry.type == "cert.revoke":
            certs.put_revocation(self.origin, body["serial"], body["reason"], body["revoked_at"])
            report.revocations += 1
        elif entry.type == "cert.anchor":
            certs.put_anchor(
                body["cert_hash"], body["serial"], self.origin, body["cert_type"], self.origin, index, entry.time
            )

    def _fold(self, index: int, signed: SignedEntry, report: PullReport) -> None:
        if self._catalogue is None:
            self._catalogue = load_catalogue()
        try:
            apply_entry(self.replica, self._catalogue, signed.data, index)
        except ServiceError:
            report.refused_folds += 1

    def _conflict_tasks(self, cases: set[str]) -> list[sync_state.ClerkTask]:
        if not cases:
            return []
        if self._our_kids is None:
            self._our_kids = sync_state.account_kids(self.replica)
            self._our_kids.add(self.replica.device_kid)
        created = []
        for case_id in sorted(cases):
            for step in sync_state.conflicting_steps(self.replica, case_id):
                if step.signer not in self._our_kids:
                    continue
                why = step.explanation or "another office moved the case first"
                what = f"case {case_id}, step {step.step!r}: {why}"
                if sync_state.add_task(
                    self.replica, step.leaf_hash, step.origin, "conflict", "case_conflict", case_id, what,
                    CONFLICT_ADVICE,
                ):  # fmt: skip
                    created.append(step.leaf_hash)
        return [t for t in sync_state.open_tasks(self.replica) if t.kind == "conflict" and t.leaf_hash in created]


def _window(signed: SignedEntry, origin: str) -> WindowRecord:
    body = signed.entry.body
    return WindowRecord(body["kid"], origin, body["public_key"], body["suite"], body["subject"], signed.entry.time)


def _enrolled(signed: SignedEntry, origin: str) -> KeyRecord:
    body = signed.entry.body
    return KeyRecord(
        body["kid"], body["suite"], body["public_key"], body["role"], body["subject"], origin, signed.entry.time
    )
