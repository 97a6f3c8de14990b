"""PyInstaller runtime hook: make pyzbar load the libzbar collected into the bundle, not a system one.

pyzbar asks `ctypes.util.find_library("zbar")`, which on Linux searches ldconfig's cache and never the
bundle; PyInstaller only redirects that lookup on Windows. The Linux bundle ships libzbar.so.0 at its top.
"""

import ctypes.util
import os
import sys


def _install() -> None:
    """Answer find_library("zbar") with the bundled library when there is one."""
    bundled = os.path.join(sys._MEIPASS, "libzbar.so.0")
    if not os.path.isfile(bundled):
        return
    system_find_library = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        if name == "zbar":
            return bundled
        return system_find_library(name)

    ctypes.util.find_library = find_library


_install()
