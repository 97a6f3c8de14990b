"""Trim the bundle to what govdesk loads: libraries nothing links to, and ICU data the app never reads.

Loaded by file path from govdesk-linux.spec (this directory is not a Python package: `packaging` is the name of
a PyPI library) and from tests/test_packaging.py.

* PyInstaller collects the libraries of every plug-in it sees, and the spec drops some plug-ins afterwards
  (Wayland, GTK theme, QML); `linked_closure` keeps only libraries that a Python extension, a Qt plug-in or a
  library loaded by name links to, directly or through others.
* Qt links ICU for collation, case mapping and codecs; ICU's common data (`libicudata`, 32 MB) carries every
  locale of CLDR, 200 legacy code pages, transliterators and South-East-Asian word dictionaries.
  `trim_icu_data` keeps the structural items, the root, English and Chinese locales, Unicode and
  normalisation data, the word-break dictionaries (brkitr/root names them) and the Chinese code pages;
  `write_icu_library` wraps that into a library with the same soname and data symbol, so Qt's own ICU
  libraries load it unchanged.
* `strip --strip-unneeded` drops symbol tables (9 MB) but can misalign a library patchelf has rewritten;
  `load_segments_aligned` tells the spec to keep the original then.
"""

from __future__ import annotations

import re
import struct
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

# ---------------------------------------------------------------- libraries nothing links to

Entry = tuple[str, str, str]  # PyInstaller's TOC entry: (destination in the bundle, source path, kind)


def needed_libraries(path: str | Path) -> list[str]:
    """The DT_NEEDED sonames of an ELF file (empty for anything else)."""
    with open(path, "rb") as f:
        if f.read(4) != b"\x7fELF":
            return []
    out = subprocess.run(["readelf", "-d", "-W", str(path)], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", out)


def linked_closure(entries: Iterable[Entry], is_root: Callable[[Entry], bool]) -> tuple[list[Entry], list[Entry]]:
    """(entries reachable from the roots through DT_NEEDED, the others); non-ELF entries are always kept."""
    entries = list(entries)
    by_name: dict[str, list[int]] = {}
    for index, (dest, _src, _kind) in enumerate(entries):
        by_name.setdefault(dest.rsplit("/", 1)[-1], []).append(index)
    needed = [needed_libraries(src) for _dest, src, _kind in entries]
    elf = [_is_elf(src) for _dest, src, _kind in entries]
    stack = [i for i, entry in enumerate(entries) if not elf[i] or is_root(entry)]
    reached: set[int] = set()
    while stack:
        index = stack.pop()
        if index in reached:
            continue
        reached.add(index)
        for soname in needed[index]:
            stack.extend(by_name.get(soname, []))
    kept = [entry for i, entry in enumerate(entries) if i in reached]
    dropped = [entry for i, entry in enumerate(entries) if i not in reached]
    return kept, dropped


def load_segments_aligned(path: str | Path, page: int = 4096) -> bool:
    """Whether every PT_LOAD segment of a 64-bit little-endian ELF file has offset == address modulo the page
    size, as the dynamic loader demands. `strip` breaks this for some libraries patchelf has rewritten
    (auditwheel's); such a stripped copy must not be used."""
    data = Path(path).read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return False
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, _flags, p_offset, p_vaddr = struct.unpack_from("<IIQQ", data, phoff + i * phentsize)
        p_align = struct.unpack_from("<Q", data, phoff + i * phentsize + 0x30)[0]
        if p_type == 1 and ((p_offset - p_vaddr) % page or p_align % page or (p_offset - p_vaddr) % p_align):
            return False
    return True


def _is_elf(path: str) -> bool:
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


# ---------------------------------------------------------------- ICU common data

ICU_DATA_SYMBOL = re.compile(r"^icudt\d+_dat$")
# Locales whose data stays: the app's two languages (every variant: zh_Hans_CN, zh_Hant_TW, en_GB, ...).
KEPT_LOCALES = re.compile(r"^(root|en|zh|yue)(_[A-Za-z0-9_]*)?$")  # zh_Hant_HK's number spellings use yue
LOCALE_ITEM = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9_]*)?\.res$")
# Legacy code pages Qt's QStringDecoder could be asked for on a Chinese counter: GB 18030, GBK, GB 2312 (EUC-CN),
# Big5 and Windows-1252. (UTF-8/16/32 and Latin-1 are Qt's own; the app decodes text in Python anyway.)
KEPT_CONVERTERS = frozenset(
    {"gb18030.cnv", "windows-936-2000.cnv", "ibm-1386_P100-2001.cnv", "ibm-1383_P110-1999.cnv",
     "windows-950-2000.cnv", "ibm-1373_P100-2002.cnv", "ibm-5348_P100-1997.cnv"}
)  # fmt: skip


def keep_icu_item(name: str) -> bool:
    """Whether an item of ICU's common data (e.g. 'icudt73l/coll/zh.res') stays in the trimmed data."""
    parts = name.split("/")[1:]  # drop the 'icudt73l' package prefix
    tree, leaf = ("/".join(parts[:-1]), parts[-1])
    if tree == "translit":
        return False  # transliterators: Qt never opens one
    if leaf.endswith(".cnv"):
        return leaf in KEPT_CONVERTERS
    if LOCALE_ITEM.match(leaf) and not leaf.startswith(("res_index", "pool.")):
        return bool(KEPT_LOCALES.match(leaf.removesuffix(".res")))
    return True


def parse_common_data(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """(the data header, [(item name, item bytes incl. trailing padding)]) of an ICU common data package."""
    header_size, magic = struct.unpack_from("<HH", blob, 0)
    if magic != 0x27DA or header_size < 20 or header_size % 16:
        raise ValueError("not an ICU data package")
    if blob[12:16] != b"CmnD":
        raise ValueError("not an ICU common data package (no CmnD table of contents)")
    count = struct.unpack_from("<I", blob, header_size)[0]
    offsets = [struct.unpack_from("<II", blob, header_size + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_offset, data_offset) in enumerate(offsets):
        start = header_size + name_offset
        name = blob[start : blob.index(b"\0", start)].decode("ascii")
        end = header_size + offsets[i + 1][1] if i + 1 < count else len(blob)
        items.append((name, blob[header_size + data_offset : end]))
    return blob[:header_size], items


def build_common_data(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """An ICU common data package of these items (kept in their sorted order; each 16-byte aligned)."""
    names = sorted(items, key=lambda item: item[0].encode("ascii"))
    if [n for n, _ in names] != [n for n, _ in items]:
        raise ValueError("items must be in byte order of their names")
    toc_size = 4 + 8 * len(items)
    name_block = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    data_start = toc_size + len(name_block)
    data_start += -(len(header) + data_start) % 16
    toc = bytearray(struct.pack("<I", len(items)))
    body = bytearray()
    name_offset = toc_size
    for name, data in items:
        toc += struct.pack("<II", name_offset, data_start + len(body))
        name_offset += len(name) + 1
        body += data + b"\0" * (-len(data) % 16)
    padding = b"\xaa" * (data_start - toc_size - len(name_block))  # the filler ICU's own tools write
    return header + bytes(toc) + name_block + padding + bytes(body)


def trim_icu_data(blob: bytes, keep: Callable[[str], bool] = keep_icu_item) -> bytes:
    """The common data package with only the items `keep` accepts."""
    header, items = parse_common_data(blob)
    return build_common_data(header, [(name, data) for name, data in items if keep(name)])


def icu_data_in_library(library: str | Path) -> tuple[str, str, bytes]:
    """(soname, data symbol, data package) of an ICU data library such as libicudata.so.73."""
    dynamic = subprocess.run(["readelf", "-d", "-W", str(library)], capture_output=True, text=True, check=True)
    soname_match = re.search(r"\(SONAME\)\s+Library soname: \[(.+?)\]", dynamic.stdout)
    if soname_match is None:
        raise ValueError(f"{library}: not a shared library with a soname")
    soname = soname_match.group(1)
    symbols = subprocess.run(["readelf", "--dyn-syms", "-W", str(library)], capture_output=True, text=True).stdout
    for line in symbols.splitlines():
        fields = line.split()
        if len(fields) >= 8 and ICU_DATA_SYMBOL.match(fields[7]) and fields[3] == "OBJECT":
            value, size, section = int(fields[1], 16), int(fields[2], 0), int(fields[6])
            break
    else:
        raise ValueError(f"{library}: no icudtNN_dat symbol")
    headers = subprocess.run(["readelf", "-S", "-W", str(library)], capture_output=True, text=True).stdout
    for line in headers.splitlines():
        match = re.match(r"\s*\[\s*(\d+)\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if match and int(match.group(1)) == section:
            file_offset = value - int(match.group(2), 16) + int(match.group(3), 16)
            break
    else:
        raise ValueError(f"{library}: section {section} of the data symbol not found")
    with open(library, "rb") as f:
        f.seek(file_offset)
        return soname, fields[7], f.read(size)


def write_icu_library(blob: bytes, soname: str, symbol: str, out: Path) -> Path:
    """Assemble `blob` as the read-only data `symbol` of a shared library `out` with `soname` (as + ld)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    data_file = out.with_suffix(".dat")
    data_file.write_bytes(blob)
    source = out.with_suffix(".s")
    source.write_text(
        f"\t.section .rodata\n\t.globl {symbol}\n\t.type {symbol}, @object\n\t.balign 16\n{symbol}:\n"
        f'\t.incbin "{data_file.name}"\n\t.size {symbol}, {len(blob)}\n'
        '\t.section .note.GNU-stack,"",@progbits\n',
        encoding="ascii",
    )
    obj = out.with_suffix(".o")
    subprocess.run(["as", "--64", "-o", str(obj), str(source)], cwd=out.parent, check=True)
    subprocess.run(["ld", "-shared", "-soname", soname, "-z", "noexecstack", "-o", str(out), str(obj)], check=True)
    for scratch in (data_file, source, obj):
        scratch.unlink()
    return out


def trimmed_icu_library(library: str | Path, workdir: Path) -> Path:
    """A copy of an ICU data library with the trimmed data, written under workdir."""
    soname, symbol, blob = icu_data_in_library(library)
    return write_icu_library(trim_icu_data(blob), soname, symbol, workdir / soname)
