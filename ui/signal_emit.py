"""`emit(signal, *args)` and a guard against PySide6 6.12.0 reference-count bugs on CPython 3.11.

PySide6 6.12.0's `SignalInstance.emit` returns `True` without taking a reference to it, so every call
costs `True` one reference, and every Python slot Qt calls costs its return value (None) one; after a
few hundred calls CPython aborts ("deallocating None"). Importing `ui` applies the guard.
Python 3.12+ makes True immortal, which hides it. We probe once at import and, only if the bug is
present, repair each emit and give None, True and False a vast reserve of references (as CPython 3.12
makes them immortal). Drop this module once PySide6 is fixed.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal, SignalInstance

_PROBES = 8


class _Probe(QObject):
    """A signal to measure emit's effect on the reference count of True."""

    fired = Signal()


def _emit_loses_true() -> bool:
    """True if one emit() drops a reference to True."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBES):
        result = probe.fired.emit()
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))  # undo the probe's own damage, if any
    # Each loop pass adds one reference back; a correct emit leaves the count _PROBES higher.
    leaked = sys.getrefcount(True) - before < _PROBES
    for _ in range(_PROBES):
        ctypes.pythonapi.Py_DecRef(ctypes.py_object(True))
    if leaked:
        for _ in range(_PROBES):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return leaked


EMIT_LOSES_A_REFERENCE = _emit_loses_true()
# The same release also drops a reference to the return value (usually None) of every Python slot that Qt
# calls (a QTimer's timeout, a button's clicked), which no wrapper here can reach. As CPython 3.12 does for
# every singleton, make None, True and False effectively immortal: add 2**40 references to each, once.
IMMORTAL_MARGIN = 1 << 40
if EMIT_LOSES_A_REFERENCE and sys.version_info < (3, 12):
    for _singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(_singleton)).value += IMMORTAL_MARGIN


def emit(signal: SignalInstance, *args: object) -> None:
    """Emit `signal` with `args`, repairing the lost reference when this PySide6 has the bug."""
    result = signal.emit(*args)
    if EMIT_LOSES_A_REFERENCE:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))


def emitter(signal: SignalInstance):
    """Return a callable that emits `signal` (to hand to plain-callback subscribers and Qt connections)."""

    def fire(*args: object) -> None:
        emit(signal, *args)

    return fire
