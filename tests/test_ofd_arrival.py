"""A watched folder hands over a file only once it is whole: steady size and mtime, ZIP directory readable."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from app.ofd.arrival import ArrivalWatch, zip_directory_readable
from app.ofd.container import MAX_FILE
from tests.ofd_support import to_file


def _touch(path: Path, data: bytes, mtime_ns: int) -> None:
    path.write_bytes(data)
    os.utime(path, ns=(mtime_ns, mtime_ns))


def test_a_file_whose_size_changes_waits_until_it_settles(tmp_path: Path) -> None:
    whole = to_file({"OFD.xml": b"<ofd/>", "Doc_0/Document.xml": b"<d/>" * 1000})
    path = tmp_path / "a.ofd"
    _touch(path, whole[:100], 1_000)
    watch = ArrivalWatch(settle_ms=300, give_up_ms=5_000)
    watch.arrived([path], 0)
    assert watch.poll(200) == [] and watch.poll(400) == []  # steady but not a ZIP yet: a stalled copy
    assert watch.incomplete_looks == 1
    _touch(path, whole[:2000], 2_000)
    assert watch.poll(500) == []  # grew: the clock starts again
    _touch(path, whole, 3_000)
    assert watch.poll(600) == []
    assert watch.poll(800) == []  # steady for 200 ms only
    assert watch.poll(900) == [path]
    assert not watch.waiting and watch.poll(2_000) == []


def test_same_size_but_new_mtime_is_still_being_written(tmp_path: Path) -> None:
    whole = to_file({"OFD.xml": b"<ofd/>"})
    path = tmp_path / "b.ofd"
    _touch(path, whole, 1_000)
    watch = ArrivalWatch(settle_ms=300)
    watch.arrived([path], 0)
    _touch(path, whole, 2_000)  # rewritten in place with the same length
    assert watch.poll(350) == []
    assert watch.poll(700) == [path]


def test_garbage_that_never_becomes_a_zip_is_never_handed_over_only_reported_stalled(tmp_path: Path) -> None:
    path = tmp_path / "junk.ofd"
    _touch(path, b"\x00" * 5000, 1_000)
    empty = tmp_path / "empty.ofd"
    _touch(empty, b"", 1_000)
    watch = ArrivalWatch(settle_ms=300, give_up_ms=2_000)
    watch.arrived([path, empty], 0)
    assert watch.poll(1_000) == [] and watch.stalled(1_999) == []
    assert watch.poll(2_000) == [] and watch.stalled(2_000) == [path, empty]  # the clerk is told, nothing verified
    assert watch.poll(60_000) == [] and watch.waiting  # a copy stalled for a minute is still a copy
    _touch(path, to_file({"OFD.xml": b"<ofd/>"}), 2_000)  # the copy resumes and completes
    assert watch.poll(60_100) == [] and watch.stalled(60_100) == [empty]
    assert watch.poll(60_400) == [path]


def _with_stored_zip_inside() -> tuple[bytes, int]:
    """An OFD-like container one of whose members is a whole ZIP stored as is (a seal picture of type OFD), and
    where that inner ZIP ends in the file."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("seal.png", b"x" * 100)
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", b"<ofd/>" * 50)
        archive.writestr(zipfile.ZipInfo("Doc_0/Res/seal.ofd"), inner.getvalue())  # ZipInfo: stored
        archive.writestr("Doc_0/Document.xml", b"<d/>" * 500)
    data = outer.getvalue()
    return data, data.index(inner.getvalue()) + len(inner.getvalue())


def test_a_copy_cut_right_after_a_stored_inner_zip_is_not_whole(tmp_path: Path) -> None:
    data, inner_end = _with_stored_zip_inside()
    path = tmp_path / "half.ofd"
    path.write_bytes(data[:inner_end])
    with zipfile.ZipFile(path) as archive:  # what the plain zipfile check accepted: a ZIP with leading data
        assert archive.namelist() == ["seal.png"]
    assert not zip_directory_readable(path)
    path.write_bytes(data)
    assert zip_directory_readable(path)
    path.write_bytes(b"leading junk" + data)  # prefixed: the directory's offsets no longer meet its end record
    assert not zip_directory_readable(path)
    path.write_bytes(data[:-1])
    assert not zip_directory_readable(path)


def test_a_comment_after_the_end_record_still_reads_but_a_byte_more_does_not(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", b"<ofd/>")
        archive.comment = "由某厂商生成 (made by a producer that names itself)".encode()
    path = tmp_path / "c.ofd"
    path.write_bytes(buffer.getvalue())
    assert zip_directory_readable(path)
    path.write_bytes(buffer.getvalue() + b"\x00")
    assert not zip_directory_readable(path)


def test_a_removed_file_is_forgotten_and_an_oversized_one_not_parsed(tmp_path: Path) -> None:
    gone = tmp_path / "gone.ofd"
    _touch(gone, b"x", 1_000)
    big = tmp_path / "big.ofd"
    with big.open("wb") as handle:
        handle.truncate(MAX_FILE + 1)  # sparse: the panel refuses it by size, nothing parses it
    os.utime(big, ns=(1_000, 1_000))
    opened: list[Path] = []

    def readable(path: Path) -> bool:
        opened.append(path)
        return zip_directory_readable(path)

    watch = ArrivalWatch(settle_ms=100, readable=readable)
    watch.arrived([gone, big, tmp_path / "never-there.ofd"], 0)
    gone.unlink()
    assert watch.poll(200) == [big]
    assert opened == [] and not watch.waiting


def test_zip_directory_check_refuses_every_truncation(tmp_path: Path) -> None:
    whole = to_file({"OFD.xml": b"<ofd/>", "Doc_0/Document.xml": b"<d/>" * 300})
    path = tmp_path / "t.ofd"
    for cut in range(0, len(whole), max(1, len(whole) // 40)):
        path.write_bytes(whole[:cut])
        assert not zip_directory_readable(path), cut
    path.write_bytes(whole)
    assert zip_directory_readable(path)
