"""Release integrity: signed SHA256SUMS, `govdesk verify-release` and friends, the one version number."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from app.cli.main import main as govdesk
from app.release import (
    SIGNATURE_FILE,
    SUMS_FILE,
    MissingArtifact,
    MissingSum,
    SignatureInvalid,
    SumMismatch,
    SumsFormatError,
    current_version,
    format_sums,
    parse_sums,
    sign_release_dir,
    verify_release,
)
from app.release.keys import ReleaseKeyError, generate_release_key, load_private_key, load_public_key
from app.release.version import frozen_version

ROOT = Path(__file__).resolve().parent.parent
HEX = "ab" * 32


@pytest.fixture
def release_key(tmp_path: Path) -> tuple[Path, Path]:
    """A fresh release key pair on disk: (private, public)."""
    private = tmp_path / "keys" / "release.key"
    private.parent.mkdir()
    return private, generate_release_key(private)


@pytest.fixture
def signed_release(tmp_path: Path, release_key: tuple[Path, Path]) -> Path:
    """A release directory with two artifacts, SHA256SUMS and its signature."""
    release = tmp_path / "release"
    release.mkdir()
    (release / "govdesk-0.1.0-linux-x86_64.tar.gz").write_bytes(b"tarball bytes" * 1000)
    (release / "govdesk_0.1.0_amd64.deb").write_bytes(b"!<arch>\n deb bytes")
    sign_release_dir(release, load_private_key(release_key[0]))
    return release


def test_signed_release_verifies_as_directory_and_as_files(signed_release: Path, release_key) -> None:
    key = load_public_key(release_key[1])
    report = verify_release([signed_release], key)
    assert [name for name, _ in report.artifacts] == ["govdesk-0.1.0-linux-x86_64.tar.gz", "govdesk_0.1.0_amd64.deb"]
    one = verify_release([signed_release / "govdesk_0.1.0_amd64.deb"], key)
    assert len(one.artifacts) == 1


def test_sums_file_is_coreutils_format(signed_release: Path) -> None:
    result = subprocess.run(["sha256sum", "-c", SUMS_FILE], cwd=signed_release, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_signature_checks_with_openssl(signed_release: Path, release_key) -> None:
    result = subprocess.run(
        ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(release_key[1]), "-rawin",
         "-in", SUMS_FILE, "-sigfile", SIGNATURE_FILE],
        cwd=signed_release, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_tampered_artifact_is_refused(signed_release: Path, release_key) -> None:
    deb = signed_release / "govdesk_0.1.0_amd64.deb"
    data = bytearray(deb.read_bytes())
    data[-1] ^= 1
    deb.write_bytes(bytes(data))
    with pytest.raises(SumMismatch, match=r"govdesk_0\.1\.0_amd64\.deb"):
        verify_release([signed_release], load_public_key(release_key[1]))
    with pytest.raises(SumMismatch):
        verify_release([deb], load_public_key(release_key[1]))


def test_tampered_sums_break_the_signature(signed_release: Path, release_key) -> None:
    sums = signed_release / SUMS_FILE
    deb = signed_release / "govdesk_0.1.0_amd64.deb"
    deb.write_bytes(b"evil")
    # The attacker rewrites the sum to match the swapped file; the signature no longer covers the sums.
    lines = sums.read_text().splitlines()
    lines = [line if not line.endswith(deb.name) else f"{'0' * 64}  {deb.name}" for line in lines]
    sums.write_text("\n".join(lines) + "\n")
    with pytest.raises(SignatureInvalid):
        verify_release([signed_release], load_public_key(release_key[1]))


def test_wrong_key_is_refused(signed_release: Path, tmp_path: Path) -> None:
    other_public = generate_release_key(tmp_path / "other.key")
    with pytest.raises(SignatureInvalid, match="release key"):
        verify_release([signed_release], load_public_key(other_public))


def test_missing_or_malformed_signature(signed_release: Path, release_key) -> None:
    key = load_public_key(release_key[1])
    signature = signed_release / SIGNATURE_FILE
    signature.write_bytes(signature.read_bytes()[:63])
    with pytest.raises(SignatureInvalid, match="64-byte"):
        verify_release([signed_release], key)
    signature.write_bytes(b"\0" * 65)
    with pytest.raises(SignatureInvalid):
        verify_release([signed_release], key)
    signature.unlink()
    with pytest.raises(SignatureInvalid, match="cannot read"):
        verify_release([signed_release], key)


def test_artifact_without_a_sum_is_refused(signed_release: Path, release_key) -> None:
    stray = signed_release / "govdesk-0.1.0-extra.tar.gz"
    stray.write_bytes(b"not in the sums")
    key = load_public_key(release_key[1])
    with pytest.raises(MissingSum, match="extra"):
        verify_release([signed_release], key)
    with pytest.raises(MissingSum):
        verify_release([stray], key)


def test_listed_artifact_that_is_gone_is_refused(signed_release: Path, release_key) -> None:
    (signed_release / "govdesk_0.1.0_amd64.deb").unlink()
    with pytest.raises(MissingArtifact):
        verify_release([signed_release], load_public_key(release_key[1]))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        f"{HEX}  a\n{HEX}  a\n".encode(),  # duplicate
        f"{HEX}  ../etc/passwd\n".encode(),  # path traversal
        f"{HEX}  dir/file\n".encode(),
        f"{HEX}  ..\n".encode(),
        f"{HEX}  {SUMS_FILE}\n".encode(),
        f"{HEX.upper()}  a\n".encode(),
        f"{HEX[:-2]}  a\n".encode(),
        f"{HEX} a\n".encode(),  # one space only
        f"{HEX}  a".encode(),  # no final newline
        f"{HEX}  a\r\n".encode(),
        f"{HEX}  a\x00b\n".encode(),
        f"{HEX}  {'n' * 256}\n".encode(),
        b"\xff\xfe  a\n",
        b"\n",
        f"{HEX}  a\n".encode() * 1 + b"x" * (1024 * 1024),  # oversized
    ],
)
def test_hostile_sums_are_refused(data: bytes) -> None:
    with pytest.raises(SumsFormatError):
        parse_sums(data)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.text(st.characters(codec="utf-8", exclude_characters="/\\"), min_size=1, max_size=40).filter(
            lambda s: s.isprintable() and s == s.strip() and s not in (".", "..", SUMS_FILE, SIGNATURE_FILE)
        ),
        st.binary(min_size=32, max_size=32).map(bytes.hex),
        min_size=1,
        max_size=20,
    )
)
def test_sums_round_trip(sums: dict[str, str]) -> None:
    assert parse_sums(format_sums(sums)) == sums


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_parse_sums_never_crashes(data: bytes) -> None:
    with contextlib.suppress(SumsFormatError):
        parse_sums(data)


def test_key_files_are_checked(tmp_path: Path, release_key) -> None:
    with pytest.raises(ReleaseKeyError, match="never overwritten"):
        generate_release_key(release_key[0])
    assert release_key[0].stat().st_mode & 0o777 == 0o600
    with pytest.raises(ReleaseKeyError, match="not a PEM public key"):
        load_public_key(release_key[0])
    with pytest.raises(ReleaseKeyError):
        load_private_key(release_key[1])
    big = tmp_path / "big.pem"
    big.write_bytes(b"A" * 20000)
    with pytest.raises(ReleaseKeyError, match="larger"):
        load_public_key(big)
    with pytest.raises(ReleaseKeyError, match="cannot read"):
        load_public_key(tmp_path / "absent.pub")
    rsa_like = tmp_path / "ec.pub"
    rsa_like.write_bytes(
        subprocess.run(
            ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
            capture_output=True, check=True,
        ).stdout
    )  # fmt: skip
    with pytest.raises(ReleaseKeyError, match="Ed25519"):
        load_private_key(rsa_like)


def test_cli_verify_release_exit_codes(signed_release: Path, release_key, capsys, tmp_path: Path) -> None:
    assert govdesk(["verify-release", str(signed_release), "--key", str(release_key[1])]) == 0
    assert "verified 2 file(s)" in capsys.readouterr().out
    (signed_release / "govdesk_0.1.0_amd64.deb").write_bytes(b"tampered")
    assert govdesk(["verify-release", str(signed_release), "--key", str(release_key[1])]) == 1
    assert "FAILED" in capsys.readouterr().err
    assert govdesk(["verify-release", str(signed_release), "--key", str(tmp_path / "nope.pub")]) == 2


def test_cli_sign_and_keygen(tmp_path: Path, capsys) -> None:
    key = tmp_path / "k.key"
    assert govdesk(["release-keygen", str(key)]) == 0
    assert govdesk(["release-keygen", str(key)]) == 2
    release = tmp_path / "r"
    release.mkdir()
    (release / "a.tar.gz").write_bytes(b"a")
    assert govdesk(["sign-release", str(release), "--key", str(key)]) == 0
    assert govdesk(["verify-release", str(release / "a.tar.gz"), "--key", str(key) + ".pub"]) == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    assert govdesk(["sign-release", str(empty), "--key", str(key)]) == 2


def test_signing_is_deterministic_over_the_same_files(tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    release = tmp_path / "r"
    release.mkdir()
    (release / "b").write_bytes(b"b")
    (release / "a").write_bytes(b"a")
    sign_release_dir(release, key)
    first = (release / SUMS_FILE).read_bytes(), (release / SIGNATURE_FILE).read_bytes()
    sign_release_dir(release, key)
    assert first == ((release / SUMS_FILE).read_bytes(), (release / SIGNATURE_FILE).read_bytes())
    assert first[0].decode().splitlines()[0].endswith("  a")


def test_version_is_set_in_pyproject_only() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert current_version() == version
    out = subprocess.run(
        [sys.executable, "-m", "app.cli.main", "--version"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == f"govdesk {version}"
    assert f"## [{version}] - " in (ROOT / "CHANGELOG.md").read_text()


def test_frozen_version_file(tmp_path: Path) -> None:
    assert frozen_version(tmp_path) is None
    (tmp_path / "govdesk-version.txt").write_text("1.2.3\n")
    assert frozen_version(tmp_path) == "1.2.3"
    (tmp_path / "govdesk-version.txt").write_bytes(b"\xff\xfe")
    assert frozen_version(tmp_path) is None
    (tmp_path / "govdesk-version.txt").write_text("1" * 65)
    assert frozen_version(tmp_path) is None


def test_self_test_passes_from_source(capsys) -> None:
    assert govdesk(["self-test"]) == 0
    out = capsys.readouterr().out
    for name in ("sqlcipher", "opencv", "zxing", "zbar", "cjk-font"):
        assert f"OK  {name}" in out


def test_self_test_gui_needs_an_office(tmp_path: Path, capsys) -> None:
    assert govdesk(["self-test", "--gui", str(tmp_path / "none")]) == 2
