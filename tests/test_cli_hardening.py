"""Issue 15, item 7: `govdesk cert verify` refuses a huge image from its header, output piped into `head` ends
quietly, and a node's folder, database, keys and config are private to its user."""

from __future__ import annotations

import os
import stat
import struct
import subprocess
import sys
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

from app.certs.errors import ImageInputError
from app.certs.image_input import read_qr_text
from app.node.node import CONFIG_FILE, KEYS_FILE, create_node


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares width x height and carries a few rows of zeros (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * (width + 1) * 4, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [30_000, 60_000])
def test_a_huge_png_is_refused_from_its_header_without_decoding(tmp_path: Path, side: int) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(side, side))
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(ImageInputError, match=f"{side}x{side} pixels"):
            read_qr_text(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 2
    assert peak < 64 * 1024 * 1024


def test_cert_verify_names_the_refusal_instead_of_a_cv2_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(60_000, 60_000))
    run = subprocess.run([sys.executable, "-m", "app.cli.main", "cert", "verify", str(path)],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert run.returncode != 0
    assert "Traceback" not in run.stderr and "cv2.error" not in run.stderr
    assert "pixels" in run.stderr + run.stdout


def test_output_piped_into_head_ends_without_a_traceback() -> None:
    # `scenario --list` many times over prints far more than a pipe buffer; the reader stops after one line.
    script = (
        "import sys; from app.cli.main import main; sys.exit(max(main(['scenario', '--list']) for _ in range(100)))"
    )
    cli = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = cli.stdout.readline()
    cli.stdout.close()  # what `head -n 1` does once it has its line
    _, err = cli.communicate(timeout=120)
    assert first
    assert b"BrokenPipeError" not in err and b"Traceback" not in err, err.decode(errors="replace")


def test_a_new_nodes_folder_database_keys_and_config_are_private(tmp_path: Path) -> None:
    directory = tmp_path / "node"
    directory.mkdir(mode=0o755)
    old = os.umask(0o022)
    try:
        config = create_node(directory, "taxation")
    finally:
        os.umask(old)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    files = [p for p in directory.iterdir() if p.is_file()]
    assert {"node.db", CONFIG_FILE, KEYS_FILE} <= {p.name for p in files}, files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert Path(config.keys_file).parent == directory.resolve()
