"""Opening the SQLCipher connection, and turning SQLite failures into typed store errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import sqlcipher3

from app.store import lookaside
from app.store.errors import DatabaseDamaged, DiskFull, StoreError

# With cipher_memory_security ON every allocation SQLite takes from malloc is mlock'ed and munlock'ed (two
# syscalls), so only allocations served from the connection's small lookaside buffer are cheap. Each cached
# prepared statement holds lookaside slots; measured in bench/replica.py, a cache of 128 statements (Python's
# default) exhausts the lookaside and makes every lookup 5-7x slower than plain SQLite. A small cache keeps the
# hot statements prepared and leaves lookaside for execution.
STATEMENT_CACHE = 16
# A ceiling of 768 MiB of decrypted pages (allocated only as pages are read). A lookup that misses the cache
# pays a page decryption plus an HMAC check; with 1,000,000 entries (a 500 MB file) a 64 MiB cache made lookups
# 2.6x slower than plain SQLite, this cache makes them 1.1x (bench/replica.py). The figure is in KiB.
DEFAULT_CACHE_KIB = 768 * 1024

# The HMAC that authenticates each page. Offices made before 2026-11-24 use SQLCipher 4's default, SHA-512;
# new ones use SHA-256, which this machine's SHA extensions compute about twice as fast: every page written is
# encrypted and authenticated, so it was 10% of the CPU of an insert. Both are full-length HMACs under a key
# derived from the 256-bit database key; office.json records which one a replica uses.
LEGACY_CIPHER_HMAC = "HMAC_SHA512"
NEW_CIPHER_HMAC = "HMAC_SHA256"
CIPHER_HMACS = (LEGACY_CIPHER_HMAC, NEW_CIPHER_HMAC)

DatabaseError = sqlcipher3.DatabaseError


def configure(conn: sqlcipher3.Connection, *, cache_kib: int = DEFAULT_CACHE_KIB) -> None:
    """Apply the journal, sync and cache settings shared by the replica and its plain-SQLite baseline."""
    conn.execute("PRAGMA temp_store = MEMORY")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise StoreError(f"the replica could not switch to WAL journaling (got {mode!r})")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA cache_size = -{int(cache_kib)}")


def connect(
    path: str | os.PathLike[str],
    db_key: bytes,
    *,
    cache_kib: int = DEFAULT_CACHE_KIB,
    page_hmac: str = LEGACY_CIPHER_HMAC,
) -> sqlcipher3.Connection:
    """Open the encrypted database with a raw 256-bit key; raises sqlcipher3 errors for the caller to classify."""
    if len(db_key) != 32:
        raise ValueError("the database key must be 32 bytes")
    if page_hmac not in CIPHER_HMACS:
        raise ValueError(f"unknown page HMAC {page_hmac!r}")
    conn = sqlcipher3.connect(
        os.fspath(path), isolation_level=None, check_same_thread=True, cached_statements=STATEMENT_CACHE
    )
    try:
        lookaside.enlarge(conn, path)  # before the first statement: see app/store/lookaside.py
        conn.execute(f"PRAGMA key = \"x'{db_key.hex()}'\"")
        conn.execute(f"PRAGMA cipher_hmac_algorithm = {page_hmac}")
        # Wipe freed memory so decrypted pages and keys do not linger; SQLCipher applies it process-wide.
        conn.execute("PRAGMA cipher_memory_security = ON")
        # Failures reach the caller as typed errors naming the damage; SQLCipher's own stderr log would repeat them.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        configure(conn, cache_kib=cache_kib)
    except BaseException:
        conn.close()
        raise
    return conn


def classify(exc: Exception) -> StoreError:
    """Return the typed store error for a failure raised by SQLCipher."""
    message = str(exc)
    lowered = message.lower()
    if "full" in lowered or "disk i/o error" in lowered:
        return DiskFull(
            f"could not write the replica ({message}): the disk or file-size limit is full; "
            "the transaction was rolled back and nothing already saved was lost"
        )
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return DatabaseDamaged(f"SQLCipher refused a page of the replica ({message})")
    return StoreError(f"replica database error: {message}")


@contextmanager
def translated_errors() -> Iterator[None]:
    """Re-raise SQLCipher errors as typed store errors."""
    try:
        yield
    except sqlcipher3.IntegrityError:
        raise
    except sqlcipher3.DatabaseError as exc:
        raise classify(exc) from exc


def check_sqlcipher() -> str:
    """Open a keyed in-memory SQLCipher database and return the cipher's version."""
    db = sqlcipher3.connect(":memory:")
    try:
        db.execute("PRAGMA key = \"x'" + "11" * 32 + "'\"")
        db.execute("CREATE TABLE t (x)")
        db.execute("INSERT INTO t VALUES (42)")
        if db.execute("SELECT x FROM t").fetchone() != (42,):
            raise RuntimeError("a row written was not read back")
        row = db.execute("PRAGMA cipher_version").fetchone()
    finally:
        db.close()
    if not row or not row[0]:
        raise RuntimeError("the SQLite library is not SQLCipher (no cipher_version)")
    return f"SQLCipher {row[0]}"
