"""The published log as static files in the C2SP tlog-tiles layout, for a web server or CDN to serve.

Under the node's `static_dir`:

    checkpoint                      the published checkpoint with its cosignatures (replaced on every publish)
    tile/<L>/<N>                    a full tile: 256 hashes, written once, never changed
    tile/<L>/<N>.p/<W>              a partial tile of W hashes, written once
    tile/entries/<N>                a full entry bundle, written once
    tile/entries/<N>.p/<W>          a partial entry bundle of W entries, written once

Every file is written atomically (temp file, fsync, rename). The tiles and bundles of a checkpoint are
written before the checkpoint itself, so a reader who has the checkpoint finds everything it names.
A partial tile is superseded by wider ones and, once its tile is full, removed: readers holding an
older checkpoint then read the prefix of the full tile from the node itself (the office falls back to
the node's own endpoint, which serves any partial width).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from app.atomic_file import write_atomic
from app.ledger.bundle import encode_bundle
from app.ledger.checkpoint import CheckpointError, parse_checkpoint
from app.ledger.note import NoteError, split_note
from app.node.jsonlog import log_event
from app.node.storage.interface import NodeStore
from app.protocol.tiles import MAX_LEVEL, TILE_HEIGHT, TILE_WIDTH, tile_path, tile_width_at

log = logging.getLogger("govdesk.node.static")

CHECKPOINT_FILE = "checkpoint"


def published_size_on_disk(directory: Path) -> int:
    """Return the tree size of the checkpoint file under `directory` (0 if there is none or it is unreadable)."""
    try:
        text = (directory / CHECKPOINT_FILE).read_text(encoding="utf-8")
        body, _ = split_note(text)
        return parse_checkpoint(body).size
    except (OSError, UnicodeDecodeError, NoteError, CheckpointError, ValueError):
        return 0


def changed_tiles(old_size: int, new_size: int) -> list[tuple[int | None, int, int]]:
    """Return (level or None for entry bundles, index, width) of every tile that grows from `old_size` to `new_size`."""
    out: list[tuple[int | None, int, int]] = []
    for level in range(MAX_LEVEL + 1):
        hashes = new_size >> (TILE_HEIGHT * level)
        if hashes == 0:
            break
        first = (old_size >> (TILE_HEIGHT * level)) // TILE_WIDTH
        for index in range(first, (hashes - 1) // TILE_WIDTH + 1):
            width = tile_width_at(level, index, new_size)
            if width != tile_width_at(level, index, old_size):
                out.append((level, index, width))
                if level == 0:
                    out.append((None, index, width))
    return out


class StaticTiles:
    """Writes the published tree under a directory, as the module docstring lays it out."""

    def __init__(self, directory: Path, store: NodeStore) -> None:
        self.directory = directory
        self._store = store
        self.written_size = published_size_on_disk(directory)

    def publish(self, size: int, checkpoint: str) -> None:
        """Write the tiles and bundles the tree of `size` adds to what is on disk, then the checkpoint."""
        if size < self.written_size:
            return  # another process of this node already wrote a larger tree
        self.directory.mkdir(parents=True, exist_ok=True)
        changed = changed_tiles(self.written_size, size)
        for level, index, width in changed:
            self._write_tile(level, index, width)
        write_atomic(self.directory / CHECKPOINT_FILE, checkpoint.encode())
        if changed:
            log_event(log, "static_published", level=logging.DEBUG, size=size, files=len(changed))
        self.written_size = size

    def _write_tile(self, level: int | None, index: int, width: int) -> None:
        full = width == TILE_WIDTH
        path = self.directory / tile_path(level, index, None if full else width)
        if level is None:
            start = index * TILE_WIDTH
            data = encode_bundle(self._store.entries(start, start + width))
        else:
            stored = self._store.tile(level, index)
            if stored is None or len(stored) < width * 32:
                raise RuntimeError(f"tile {level}/{index} is not stored to width {width}")
            data = stored[: width * 32]
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
        if full:  # the full tile replaces every partial one of it
            shutil.rmtree(path.with_name(path.name + ".p"), ignore_errors=True)
