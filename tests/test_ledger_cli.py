"""`govdesk ledger demo|verify`: a demo log verifies, and every kind of tampering is named."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli.main import main
from app.ledger.bundle import decode_bundle, encode_bundle
from app.logdir import LogDirError, verify_log_dir

N = 40
BATCH = 64  # entries per verification batch in the two-process tests (the default is 4,096)


@pytest.fixture(scope="module")
def pristine_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("log") / "log"
    assert main(["ledger", "demo", str(path), "-n", str(N)]) == 0
    return path


@pytest.fixture
def log_dir(pristine_log: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "log"
    shutil.copytree(pristine_log, copy)
    return copy


def run_verify(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["ledger", "verify", str(path)])
    out = capsys.readouterr()
    return code, out.out + out.err


def rewrite_entries(path: Path, change) -> None:
    entries = decode_bundle((path / "entries.bundle").read_bytes())
    change(entries)
    (path / "entries.bundle").write_bytes(encode_bundle(entries))


def test_a_fresh_demo_log_verifies(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_verify(log_dir, capsys)
    assert code == 0, out
    assert f"entries    {N}" in out and "OK" in out


def test_the_console_command_is_installed(log_dir: Path) -> None:
    exe = Path(sys.executable).parent / "govdesk"
    result = subprocess.run([str(exe), "ledger", "verify", str(log_dir)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    help_text = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60).stdout
    assert "ledger" in help_text and "demo" in help_text


def test_a_changed_byte_in_an_entry_names_that_entry(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def flip(entries: list[bytes]) -> None:
        e = bytearray(entries[17])
        e[-10] ^= 0x01  # inside the signature
        entries[17] = bytes(e)

    rewrite_entries(log_dir, flip)
    code, out = run_verify(log_dir, capsys)
    assert code == 1
    assert "entry 17" in out and "BadSignature" in out


def test_a_changed_payload_names_the_entry(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def edit(entries: list[bytes]) -> None:
        assert b"demo entry 7" in entries[7]
        entries[7] = entries[7].replace(b"demo entry 7", b"demo entry 8")

    rewrite_entries(log_dir, edit)
    code, out = run_verify(log_dir, capsys)
    assert code == 1 and "entry 7" in out and "BadSignature" in out


def test_garbage_in_an_entry_is_named(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rewrite_entries(log_dir, lambda entries: entries.__setitem__(3, b"\xff\x00garbage"))
    code, out = run_verify(log_dir, capsys)
    assert code == 1 and "entry 3" in out and "MalformedCBOR" in out


def test_reordered_entries_break_the_root(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def swap(entries: list[bytes]) -> None:
        entries[1], entries[2] = entries[2], entries[1]

    rewrite_entries(log_dir, swap)
    code, out = run_verify(log_dir, capsys)
    assert code == 1 and "Merkle root" in out


def test_a_removed_entry_is_caught(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rewrite_entries(log_dir, lambda entries: entries.pop())
    code, out = run_verify(log_dir, capsys)
    assert code == 1 and f"covers {N} entries" in out


def test_a_truncated_bundle_names_the_entry(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = (log_dir / "entries.bundle").read_bytes()
    (log_dir / "entries.bundle").write_bytes(data[:-7])
    code, out = run_verify(log_dir, capsys)
    assert code == 1 and f"entry {N - 1}" in out and "truncated" in out


def test_an_entry_by_an_unenrolled_signer(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    signers = json.loads((log_dir / "signers.json").read_text())
    signers.pop(sorted(signers)[0])
    (log_dir / "signers.json").write_text(json.dumps(signers))
    code, out = run_verify(log_dir, capsys)
    assert code == 1 and "UnknownSigner" in out


def test_a_forged_checkpoint_is_refused(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (log_dir / "checkpoint").read_text()
    origin, size, rest = text.split("\n", 2)
    (log_dir / "checkpoint").write_text(f"{origin}\n{int(size) + 1}\n{rest}")
    code, out = run_verify(log_dir, capsys)
    assert code == 1 and "checkpoint does not verify" in out


def test_missing_and_malformed_files(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = (log_dir / "signers.json").read_text()
    (log_dir / "signers.json").write_text("{not json")
    code, out = run_verify(log_dir, capsys)
    assert code == 1 and "signers.json is malformed" in out
    (log_dir / "signers.json").write_text(good)
    (log_dir / "checkpoint").unlink()
    code, out = run_verify(log_dir, capsys)
    assert code == 1 and "checkpoint is missing" in out
    code, out = run_verify(log_dir / "nowhere", capsys)
    assert code == 1 and "missing" in out


def test_demo_rejects_a_silly_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ledger", "demo", str(tmp_path / "x"), "-n", "-5"]) == 2


def test_an_sm2_demo_log_verifies_and_refuses_a_changed_signature(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sm2log"
    assert main(["ledger", "demo", str(path), "-n", "12", "--suite", "sm2-sm3"]) == 0
    signers = json.loads((path / "signers.json").read_text())
    assert {rec["suite"] for rec in signers.values()} == {"sm2-sm3"}
    vkey_blob = (path / "log.vkey").read_text().strip().split("+", 2)[2]
    assert base64.b64decode(vkey_blob)[0] == 0xFF  # signed-note type 0xff, then the SM2 identifier
    code, out = run_verify(path, capsys)
    assert code == 0, out

    def flip(entries: list[bytes]) -> None:
        entries[5] = entries[5][:-1] + bytes([entries[5][-1] ^ 1])

    rewrite_entries(path, flip)
    code, out = run_verify(path, capsys)
    assert code != 0 and "entry 5" in out


def test_a_signer_enrolled_for_one_suite_cannot_sign_in_another(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mixed"
    assert main(["ledger", "demo", str(path), "-n", "4", "--suite", "sm2-sm3"]) == 0
    signers = json.loads((path / "signers.json").read_text())
    for rec in signers.values():
        rec["suite"] = "ed25519"  # key ids no longer match: refused before any entry is read
    (path / "signers.json").write_text(json.dumps(signers))
    code, out = run_verify(path, capsys)
    assert code != 0 and "signers.json" in out


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A log of several verification batches of BATCH entries, so that two workers really run a process pool."""
    path = tmp_path_factory.mktemp("big") / "log"
    assert main(["ledger", "demo", str(path), "-n", str(3 * BATCH + 5)]) == 0
    return path


def test_verification_on_two_processes_agrees_with_one(big_log: Path) -> None:
    assert verify_log_dir(big_log, workers=2, batch_entries=BATCH) == verify_log_dir(big_log, workers=1)


def test_two_processes_name_the_same_first_bad_entry(big_log: Path, tmp_path: Path) -> None:
    copy = tmp_path / "log"
    shutil.copytree(big_log, copy)
    bad = [BATCH + 3, 2 * BATCH + 1]  # two bad entries in different batches: the first is named

    def flip(entries: list[bytes]) -> None:
        for index in bad:
            e = bytearray(entries[index])
            e[-10] ^= 0x01
            entries[index] = bytes(e)

    rewrite_entries(copy, flip)
    for workers in (1, 2):
        with pytest.raises(LogDirError, match=rf"^entry {bad[0]}: BadSignature"):
            verify_log_dir(copy, workers=workers, batch_entries=BATCH)


def test_jobs_must_be_sensible(log_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ledger", "verify", str(log_dir), "--jobs", "0"]) == 2
    assert "--jobs" in capsys.readouterr().err


def test_an_sm3_tree_log_verifies_on_one_and_two_processes_and_its_declaration_is_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sm3log"
    assert main(["ledger", "demo", str(path), "-n", str(3 * BATCH + 5), "--suite", "sm2-sm3"]) == 0
    assert (path / "tree_hash").read_text() == "sm3\n"  # the national suite's logs hash their trees in SM3
    one = verify_log_dir(path, workers=1)
    assert one.tree_hash == "sm3" and verify_log_dir(path, workers=2, batch_entries=BATCH) == one
    code, out = run_verify(path, capsys)
    assert code == 0 and "tree       sm3" in out, out
    # the same entries read as a SHA-256 tree (the declaration changed, or removed: an old directory) do not
    # give the signed root
    for change in ("sha256\n", None):
        if change is None:
            (path / "tree_hash").unlink()
        else:
            (path / "tree_hash").write_text(change)
        code, out = run_verify(path, capsys)
        assert code != 0 and "Merkle root" in out, out
    for hostile in ("md5\n", "", "SM3", "sm3 sha256", "\xff" * 3):
        (path / "tree_hash").write_text(hostile)
        code, out = run_verify(path, capsys)
        assert code != 0 and "tree_hash" in out, out


def test_a_log_can_choose_its_tree_hash_apart_from_its_suite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ed_sm3, sm2_sha = tmp_path / "ed-sm3", tmp_path / "sm2-sha"
    assert main(["ledger", "demo", str(ed_sm3), "-n", "9", "--tree-hash", "sm3"]) == 0
    assert main(["ledger", "demo", str(sm2_sha), "-n", "9", "--suite", "sm2-sm3", "--tree-hash", "sha256"]) == 0
    assert verify_log_dir(ed_sm3).tree_hash == "sm3" and verify_log_dir(sm2_sha).tree_hash == "sha256"
    with pytest.raises(SystemExit):
        main(["ledger", "demo", str(tmp_path / "x"), "--tree-hash", "sha1"])


def test_the_headless_demo_builds_a_national_log_with_an_sm3_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--headless", "--dir", str(tmp_path), "--entries", "30"]) == 0
    assert "tree       sm3" in capsys.readouterr().out
    assert verify_log_dir(tmp_path / "log").tree_hash == "sm3"
    assert main(["demo", "--headless", "--dir", str(tmp_path / "ed"), "--entries", "5", "--suite", "ed25519"]) == 0
    assert verify_log_dir(tmp_path / "ed" / "log").tree_hash == "sha256"
