"""A larger lookaside pool for each SQLCipher connection, set through SQLite's C API.

SQLite serves small allocations from a per-connection lookaside pool, without malloc. With
cipher_memory_security ON every malloc is an mlock/munlock pair (two syscalls), so that pool is what keeps
statements cheap, and the default pool is small: the prepared statements in the cache hold most of it. Once a
connection had written and checkpointed (create, every sync, the WAL's auto-checkpoint), each inserted row
spilled to malloc: measured 2.3x the CPU per inserted entry and ten times the mlock calls (bench/replica.py,
`strace -c`), while a fresh connection was fine; certificate lookups paid 20-50 us each for the same reason.
500 slots of 1,200 bytes (600 KiB a connection) keep the hot path in the pool.

Python's sqlite3 API has no call for this, so `sqlite3_db_config(db, SQLITE_DBCONFIG_LOOKASIDE, ...)` is made
through ctypes on the connection's `sqlite3*`, which the module's Connection object holds as its first field.
The handle is used only after SQLite confirms it is the database this process just opened at that path; if
it does not (another build of the module), the connection keeps SQLite's default pool and works as before.
This is per connection: the process-wide setting would need sqlite3_shutdown(), which breaks any connection
already open elsewhere in the process.
"""

from __future__ import annotations

import ctypes
import os

import sqlcipher3
import sqlcipher3._sqlite3

SQLITE_OK = 0
SQLITE_DBCONFIG_LOOKASIDE = 1001
SQLITE_DBSTATUS_LOOKASIDE_MISS_FULL = 6
SLOT_BYTES = 1200
SLOTS = 500

_library = ctypes.CDLL(sqlcipher3._sqlite3.__file__)  # the SQLCipher build the module links statically
_library.sqlite3_db_filename.restype = ctypes.c_char_p
_library.sqlite3_db_filename.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
_library.sqlite3_db_status.argtypes = [
    ctypes.c_void_p,
    ctypes.c_int,
    ctypes.POINTER(ctypes.c_int),
    ctypes.POINTER(ctypes.c_int),
    ctypes.c_int,
]
_HANDLE_OFFSET = object.__basicsize__  # the Connection object's fields start right after PyObject_HEAD


def _handle(conn: sqlcipher3.Connection, path: str | os.PathLike[str]) -> int | None:
    """Return the connection's sqlite3* if SQLite confirms it is the database opened at `path`, else None."""
    db = ctypes.c_void_p.from_address(id(conn) + _HANDLE_OFFSET).value
    if not db:
        return None
    name = _library.sqlite3_db_filename(db, b"main")
    if not name or os.path.realpath(os.fsdecode(name)) != os.path.realpath(os.fspath(path)):
        return None
    return db


def enlarge(conn: sqlcipher3.Connection, path: str | os.PathLike[str]) -> bool:
    """Give a connection that has not run a statement yet a pool of SLOTS lookaside slots; return whether it took."""
    db = _handle(conn, path)
    if db is None:
        return False
    status = _library.sqlite3_db_config(
        ctypes.c_void_p(db), SQLITE_DBCONFIG_LOOKASIDE, ctypes.c_void_p(None), ctypes.c_int(SLOT_BYTES),
        ctypes.c_int(SLOTS),
    )  # fmt: skip
    return status == SQLITE_OK


def misses(conn: sqlcipher3.Connection, path: str | os.PathLike[str]) -> int | None:
    """Return how many allocations found the connection's pool full (and went to malloc), or None if unknown."""
    db = _handle(conn, path)
    if db is None:
        return None
    current, highest = ctypes.c_int(), ctypes.c_int()
    status = _library.sqlite3_db_status(
        db, SQLITE_DBSTATUS_LOOKASIDE_MISS_FULL, ctypes.byref(current), ctypes.byref(highest), 0
    )
    return highest.value if status == SQLITE_OK else None
