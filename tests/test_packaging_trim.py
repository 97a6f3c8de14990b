"""packaging/bundle_trim.py on real inputs: Qt's own ICU data library, real ELF files, hostile data packages."""

from __future__ import annotations

import importlib.util
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bundle_trim", ROOT / "packaging" / "bundle_trim.py")
bundle_trim = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bundle_trim)


@pytest.fixture(scope="module")
def qt_icu_library() -> Path:
    """The libicudata that PySide6's Qt links (the one the bundle trims)."""
    import PySide6

    found = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    assert found, "PySide6 ships no libicudata"
    return found[0]


@pytest.fixture(scope="module")
def icu_blob(qt_icu_library: Path) -> tuple[str, str, bytes]:
    """(soname, symbol, common data) read out of Qt's libicudata."""
    return bundle_trim.icu_data_in_library(qt_icu_library)


def test_parse_and_rebuild_give_back_the_same_bytes(icu_blob) -> None:
    _soname, symbol, blob = icu_blob
    assert bundle_trim.ICU_DATA_SYMBOL.match(symbol)
    header, items = bundle_trim.parse_common_data(blob)
    assert len(items) > 1000
    assert bundle_trim.build_common_data(header, items) == blob


def test_trimmed_data_keeps_what_qt_needs_for_chinese_and_english(icu_blob) -> None:
    _soname, _symbol, blob = icu_blob
    trimmed = bundle_trim.trim_icu_data(blob)
    assert len(trimmed) < len(blob) / 3
    names = {name.split("/", 1)[1] for name, _ in bundle_trim.parse_common_data(trimmed)[1]}
    needed = (
        "root.res", "zh.res", "zh_Hans_CN.res", "en.res", "coll/zh.res", "coll/ucadata.icu", "coll/root.res",
        "pool.res", "res_index.res", "supplementalData.res", "zoneinfo64.res", "cnvalias.icu", "gb18030.cnv",
        "windows-936-2000.cnv", "brkitr/cjdict.dict", "nfkc.nrm",
    )  # fmt: skip
    for name in needed:
        assert name in names, name
    for dropped in ("de.res", "coll/ja.res", "translit/root.res", "ibm-1390_P110-2003.cnv", "zone/fr.res"):
        assert dropped not in names, dropped


def test_every_item_another_kept_item_names_is_kept(icu_blob, tmp_path: Path) -> None:
    """ICU's own icupkg checks the dependencies between items (a collation naming a missing pool, ...)."""
    icupkg = shutil.which("icupkg")
    if icupkg is None:
        pytest.fail("icupkg (icu-devtools) is needed to check the trimmed data")
    _soname, _symbol, blob = icu_blob
    _header, items = bundle_trim.parse_common_data(blob)
    package = tmp_path / (items[0][0].split("/")[0] + ".dat")
    package.write_bytes(bundle_trim.trim_icu_data(blob))
    result = subprocess.run([icupkg, "-l", str(package)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "missing" not in result.stderr, result.stderr


def test_trimmed_library_has_the_same_soname_and_symbol(qt_icu_library: Path, tmp_path: Path) -> None:
    built = bundle_trim.trimmed_icu_library(qt_icu_library, tmp_path)
    soname, symbol, blob = bundle_trim.icu_data_in_library(built)
    original = bundle_trim.icu_data_in_library(qt_icu_library)
    assert (soname, symbol) == original[:2]
    assert blob == bundle_trim.trim_icu_data(original[2])
    assert bundle_trim.load_segments_aligned(built)
    assert sorted(p.name for p in tmp_path.iterdir()) == [soname]
    again = bundle_trim.trimmed_icu_library(qt_icu_library, tmp_path / "again")
    assert again.read_bytes() == built.read_bytes()  # reproducible


@pytest.mark.parametrize(
    "blob",
    [b"", b"\x00" * 64, b"\x80\x00\xda\x27" + b"\x00" * 200, b"\x80\x00\xda\x27" + b"\x00" * 8 + b"ResB" + b"\0" * 200],
)
def test_data_that_is_not_an_icu_common_package_is_refused(blob: bytes) -> None:
    with pytest.raises((ValueError, struct.error)):
        bundle_trim.parse_common_data(blob)


def test_a_library_without_icu_data_is_refused() -> None:
    with pytest.raises(ValueError):
        bundle_trim.icu_data_in_library("/bin/ls")


def _package(items: list[tuple[str, bytes]]) -> bytes:
    header = bytearray(32)
    struct.pack_into("<HH", header, 0, 32, 0x27DA)
    header[12:16] = b"CmnD"
    return bundle_trim.build_common_data(bytes(header), items)


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.from_regex(r"pk/[a-z]{1,8}(/[a-z_]{1,6})?\.res", fullmatch=True),
        st.binary(min_size=0, max_size=80).map(lambda b: b + b"\0" * (-len(b) % 16)),
        max_size=12,
    )
)
def test_any_package_round_trips(entries: dict[str, bytes]) -> None:
    items = sorted(entries.items(), key=lambda item: item[0].encode())
    blob = _package(items)
    header, parsed = bundle_trim.parse_common_data(blob)
    assert [name for name, _ in parsed] == [name for name, _ in items]
    assert all(data.rstrip(b"\0") == want.rstrip(b"\0") for (_, data), (_, want) in zip(parsed, items, strict=True))
    assert bundle_trim.build_common_data(header, parsed) == blob


def test_items_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError):
        _package([("pk/b.res", b"\0" * 16), ("pk/a.res", b"\0" * 16)])


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("icudt73l/zh_Hant_TW.res", True), ("icudt73l/en_GB.res", True), ("icudt73l/root.res", True),
        ("icudt73l/res_index.res", True), ("icudt73l/coll/res_index.res", True), ("icudt73l/curr/pool.res", True),
        ("icudt73l/de.res", False), ("icudt73l/coll/ja.res", False), ("icudt73l/lang/fr_CA.res", False),
        ("icudt73l/translit/root.res", False), ("icudt73l/ibm-943_P15A-2003.cnv", False),
        ("icudt73l/gb18030.cnv", True), ("icudt73l/brkitr/thaidict.dict", True), ("icudt73l/unames.icu", True),
        ("icudt73l/supplementalData.res", True), ("icudt73l/zone/tzdbNames.res", True),
    ],
)  # fmt: skip
def test_which_items_stay(name: str, kept: bool) -> None:
    assert bundle_trim.keep_icu_item(name) is kept


def test_linked_closure_keeps_what_the_roots_link(qt_icu_library: Path) -> None:
    lib = qt_icu_library.parent
    entries = [
        ("PySide6/Qt/lib/libQt6Core.so.6", str(lib / "libQt6Core.so.6"), "BINARY"),
        ("PySide6/Qt/lib/libicuuc.so.73", str(next(lib.glob("libicuuc.so.*"))), "BINARY"),
        ("PySide6/Qt/lib/libicudata.so.73", str(qt_icu_library), "BINARY"),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", str(lib / "libQt6Widgets.so.6"), "BINARY"),
        ("PySide6/QtCore.abi3.so", str(lib.parent.parent / "QtCore.abi3.so"), "EXTENSION"),
        ("PySide6/__init__.py", str(lib.parent.parent / "__init__.py"), "DATA"),
    ]
    kept, dropped = bundle_trim.linked_closure(entries, lambda entry: entry[2] == "EXTENSION")
    assert [d for d, _, _ in dropped] == ["PySide6/Qt/lib/libQt6Widgets.so.6"]
    assert {d for d, _, _ in kept} == {d for d, _, _ in entries} - {"PySide6/Qt/lib/libQt6Widgets.so.6"}


def test_load_segments_aligned_refuses_a_misaligned_library(qt_icu_library: Path, tmp_path: Path) -> None:
    assert bundle_trim.load_segments_aligned(qt_icu_library)
    data = bytearray(qt_icu_library.read_bytes())
    (phoff,) = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        at = phoff + i * phentsize
        if struct.unpack_from("<I", data, at)[0] == 1:  # the first PT_LOAD: shift its file offset by 8
            struct.pack_into("<Q", data, at + 8, struct.unpack_from("<Q", data, at + 8)[0] + 8)
            break
    broken = tmp_path / "broken.so"
    broken.write_bytes(bytes(data))
    assert not bundle_trim.load_segments_aligned(broken)
    text = tmp_path / "text"
    text.write_text("not an ELF file")
    assert not bundle_trim.load_segments_aligned(text)
