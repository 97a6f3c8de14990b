"""Deduplication and confirmation: a code is acted on once; a 1D code only when two frames agree."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.scan import PipelineSettings, ResultFilter, Scanner, ScanResult, make_decoder
from app.scan.sources import VideoCaptureSource
from tests.framegen import Code, certificate_text, code_run, empty_run, render_frame, write_video

BOX = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))


def read(symbology: str, payload: bytes) -> ScanResult:
    """A decoder's result for one code."""
    return ScanResult(symbology, payload, BOX, 0.0)


def test_qr_counts_on_one_read() -> None:
    flt = ResultFilter(dedup_window_s=2.0)
    assert flt.offer([read("qr", b"GD1:A")], now=0.0, frame_index=0) == [read("qr", b"GD1:A")]


def test_same_code_in_following_frames_is_reported_once_while_in_view() -> None:
    flt = ResultFilter(dedup_window_s=2.0)
    emitted = [flt.offer([read("qr", b"X")], now=i / 30, frame_index=i) for i in range(300)]  # ten seconds in view
    assert sum(len(e) for e in emitted) == 1


def test_same_code_is_reported_again_after_the_window() -> None:
    flt = ResultFilter(dedup_window_s=2.0)
    assert flt.offer([read("qr", b"X")], 0.0, 0)
    assert not flt.offer([read("qr", b"X")], 1.9, 1)
    assert not flt.offer([read("qr", b"X")], 3.8, 2)  # the window runs from the last sighting
    assert flt.offer([read("qr", b"X")], 5.9, 3)


def test_two_codes_in_one_frame_are_each_reported() -> None:
    flt = ResultFilter()
    out = flt.offer([read("qr", b"A"), read("qr", b"B"), read("qr", b"A")], 0.0, 0)
    assert [r.payload for r in out] == [b"A", b"B"]


@pytest.mark.parametrize("symbology", ["code128", "code39", "ean13"])
def test_linear_code_needs_two_frames_agreeing(symbology: str) -> None:
    flt = ResultFilter(confirm_window_s=0.5)
    assert flt.offer([read(symbology, b"123")], 0.0, 0) == []
    assert flt.offer([read(symbology, b"123")], 0.03, 1) == [read(symbology, b"123")]
    assert flt.offer([read(symbology, b"123")], 0.06, 2) == []  # then deduplicated like any code


def test_linear_misread_is_never_confirmed_by_a_different_read() -> None:
    flt = ResultFilter()
    assert flt.offer([read("ean13", b"4006381333931")], 0.0, 0) == []
    assert flt.offer([read("ean13", b"4006381333937")], 0.03, 1) == []
    assert flt.offer([read("ean13", b"4006381333931")], 0.06, 2) == [read("ean13", b"4006381333931")]


def test_linear_reads_too_far_apart_do_not_confirm() -> None:
    flt = ResultFilter(confirm_window_s=0.5)
    assert flt.offer([read("code128", b"C")], 0.0, 0) == []
    assert flt.offer([read("code128", b"C")], 0.8, 20) == []
    assert flt.offer([read("code128", b"C")], 1.0, 26) == [read("code128", b"C")]


def test_two_reads_in_one_frame_do_not_confirm_a_linear_code() -> None:
    flt = ResultFilter()
    assert flt.offer([read("code39", b"Z"), read("code39", b"Z")], 0.0, 0) == []
    assert flt.offer([read("code39", b"Z")], 0.0, 0) == []


def test_negative_windows_are_refused() -> None:
    with pytest.raises(ValueError):
        ResultFilter(dedup_window_s=-1)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["qr", "code128", "ean13"]), st.sampled_from([b"a", b"b", b"c"]), st.floats(0, 0.2)),
        max_size=60,
    )
)
def test_no_code_is_emitted_twice_within_the_window(reads: list[tuple[str, bytes, float]]) -> None:
    flt = ResultFilter(dedup_window_s=1.0, confirm_window_s=0.5)
    now, last_emit = 0.0, {}
    for i, (symbology, payload, step) in enumerate(reads):
        now += step
        for result in flt.offer([read(symbology, payload)], now, i):
            assert result.key not in last_emit or now - last_emit[result.key] > 1.0
            last_emit[result.key] = now
        # every emitted linear code was seen in an earlier frame too
    for key in last_emit:
        if key[0] != "qr":
            assert sum(1 for s, p, _ in reads if (s, p) == key) >= 2


def scan_file(path: Path) -> list[ScanResult]:
    """Accepted results of a whole video file."""
    results: list[ScanResult] = []
    scanner = Scanner(VideoCaptureSource(str(path), "video"), make_decoder("zxing"), PipelineSettings())
    scanner.subscribe(results.append)
    with scanner:
        assert scanner.wait(20)
    return results


def test_barcode_seen_in_a_single_frame_is_not_acted_on(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    flash = render_frame([Code("GD-2024-000731", "code128")], "card", "plain", rng)
    qr = Code(certificate_text(100, 4))
    frames = [*empty_run(3, rng), flash, *empty_run(3, rng), *code_run(qr, 1, rng)]
    video = write_video(tmp_path / "flash.avi", frames)
    assert [(r.symbology, r.text) for r in scan_file(video)] == [("qr", qr.text)]


def test_barcode_held_for_several_frames_is_reported_once(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    frames = empty_run(2, rng) + code_run(Code("4006381333931", "ean13"), 8, rng, "card") + empty_run(2, rng)
    video = write_video(tmp_path / "held.avi", frames)
    assert [(r.symbology, r.text) for r in scan_file(video)] == [("ean13", "4006381333931")]
