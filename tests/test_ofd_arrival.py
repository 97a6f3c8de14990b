"""A watched folder hands over a file only once it is whole: steady size and mtime, ZIP directory readable."""

from __future__ import annotations

import os
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


def test_garbage_that_never_becomes_a_zip_is_handed_over_after_the_give_up_time(tmp_path: Path) -> None:
    path = tmp_path / "junk.ofd"
    _touch(path, b"\x00" * 5000, 1_000)
    empty = tmp_path / "empty.ofd"
    _touch(empty, b"", 1_000)
    watch = ArrivalWatch(settle_ms=300, give_up_ms=2_000)
    watch.arrived([path, empty], 0)
    assert watch.poll(1_000) == [] and watch.poll(1_999) == []
    assert watch.poll(2_000) == [path, empty]  # the card then says "not a readable OFD document"


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
