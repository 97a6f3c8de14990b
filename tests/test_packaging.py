"""The real release artifacts: built once per commit by packaging/build, then run from outside the source tree.

The bundle is built into build/bundle-cache/<commit>/ (reused by every test here and by later runs on the same
commit). The reproducibility test builds the same commit a second time and compares the two.
"""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import tomllib
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import psycopg
import pytest

from app.demo.demo_office import DEMO_PASSWORD, build_demo_office
from app.release.keys import generate_release_key
from devtools.pg_cluster import PgCluster
from tests.framegen import Code, certificate_text, code_run, empty_run, write_video
from tests.store_support import FAST_KDF

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "build" / "bundle-cache"
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
BUILD_TIMEOUT_S = 900
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)

pytestmark = pytest.mark.slow
# The bundle was 397 MB before it was trimmed (ICU data, orphaned libraries, symbol tables, psycopg-binary,
# Pillow's AVIF/WebP); a change that brings those back should be noticed. QtPrintSupport (printing receipts and
# notices at the counter) added 8 MB: 353 MB.
BUNDLE_CEILING_BYTES = 360_000_000
_trim_spec = importlib.util.spec_from_file_location("bundle_trim", ROOT / "packaging" / "bundle_trim.py")
bundle_trim = importlib.util.module_from_spec(_trim_spec)
_trim_spec.loader.exec_module(bundle_trim)


def head_commit() -> str:
    """The commit the artifacts are built from."""
    result = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def run_build(out: Path, *extra: str) -> dict:
    """Run packaging/build into `out`; return its build-info.json."""
    result = subprocess.run(
        [str(ROOT / "packaging" / "build"), "--out", str(out), *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]
    return json.loads((out / "build-info.json").read_text())


@pytest.fixture(scope="session")
def release_build() -> Path:
    """The full release of HEAD, signed with a test release key; built once per commit, then reused."""
    out = CACHE / head_commit()
    for old in CACHE.glob("*") if CACHE.exists() else []:
        if old != out:  # a bundle is ~400 MB; keep the current commit's only
            shutil.rmtree(old, ignore_errors=True)
    if not (out / "build-info.json").exists() or not (out / "release" / "SHA256SUMS.sig").exists():
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        generate_release_key(out / "test-release.key")
        run_build(out, "--sign-key", str(out / "test-release.key"))
    return out


@pytest.fixture(scope="session")
def bundle(release_build: Path) -> Path:
    """The bundle's govdesk executable."""
    return release_build / "bundle" / "govdesk" / "govdesk"


@pytest.fixture
def outside(tmp_path: Path) -> dict[str, str]:
    """An environment with no trace of the source tree or its venv, run from a scratch directory."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    return env


def run_bundle(bundle: Path, env: dict[str, str], cwd: Path, *args: str, stdin: str = "", timeout: int = 120):
    """Run the bundled govdesk."""
    return subprocess.run(
        [str(bundle), *args], env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def demo_office(tmp_path: Path) -> Path:
    """The demo office (accounts, trusted department key, sample certificate images), made from source."""
    return build_demo_office(tmp_path / "office", kdf=FAST_KDF).path


def test_version_from_the_bundle(bundle: Path, outside, tmp_path: Path) -> None:
    result = run_bundle(bundle, outside, tmp_path, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"govdesk {VERSION}"


def test_self_test_of_the_bundle_finds_every_native_part(bundle: Path, outside, tmp_path: Path) -> None:
    result = run_bundle(bundle, outside, tmp_path, "self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("sqlcipher", "opencv", "zxing", "zbar"):
        assert f"OK  {name}" in result.stdout


def test_libzbar_is_loaded_from_the_bundle(bundle: Path, outside, tmp_path: Path) -> None:
    assert (bundle.parent / "_internal" / "libzbar.so.0").is_file()
    result = run_bundle(bundle, {**outside, "LD_DEBUG": "libs"}, tmp_path, "self-test")
    loaded = [line for line in result.stderr.splitlines() if "calling init:" in line and "libzbar" in line]
    assert loaded, "libzbar was never loaded"
    assert all(str(bundle.parent) in line for line in loaded), loaded


def test_ledger_verify_on_a_demo_log(bundle: Path, outside, tmp_path: Path) -> None:
    log = tmp_path / "log"
    assert run_bundle(bundle, outside, tmp_path, "ledger", "demo", str(log), "-n", "300").returncode == 0
    result = run_bundle(bundle, outside, tmp_path, "ledger", "verify", str(log))
    assert result.returncode == 0, result.stderr
    assert "OK: every entry verified" in result.stdout
    victim = max((p for p in log.rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x40
    victim.write_bytes(bytes(data))
    assert run_bundle(bundle, outside, tmp_path, "ledger", "verify", str(log)).returncode == 1


def test_cert_verify_on_a_generated_certificate_image(bundle: Path, outside, tmp_path: Path, demo_office) -> None:
    office_args = ["--office", str(demo_office), "--user", "li.na", "--password-stdin"]
    valid = demo_office / "samples" / "valid-eid.png"
    result = run_bundle(bundle, outside, tmp_path, "cert", "verify", str(valid), *office_args, "--json",
                        stdin=DEMO_PASSWORD + "\n")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["status"].lower() == "valid"
    expired = demo_office / "samples" / "expired-eid.png"
    result = run_bundle(bundle, outside, tmp_path, "cert", "verify", str(expired), *office_args,
                        stdin=DEMO_PASSWORD + "\n")  # fmt: skip
    assert result.returncode == 1


def test_gui_starts_offscreen_to_the_login_window_and_quits(bundle: Path, outside, tmp_path: Path, demo_office):
    result = run_bundle(bundle, outside, tmp_path, "self-test", "--gui", str(demo_office), timeout=90)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "login window shown" in result.stdout


def test_release_verifies_and_a_tampered_copy_does_not(release_build: Path, bundle, outside, tmp_path: Path):
    public = release_build / "test-release.key.pub"
    release = str(release_build / "release")
    result = run_bundle(bundle, outside, tmp_path, "verify-release", release, "--key", str(public))
    assert result.returncode == 0, result.stderr
    assert "verified 2 file(s)" in result.stdout
    copy = tmp_path / "download"
    copy.mkdir()
    for name in ("SHA256SUMS", "SHA256SUMS.sig", f"govdesk_{VERSION}_amd64.deb"):
        shutil.copy(release_build / "release" / name, copy / name)
    with (copy / f"govdesk_{VERSION}_amd64.deb").open("r+b") as f:
        f.seek(4096)
        byte = f.read(1)
        f.seek(4096)
        f.write(bytes([byte[0] ^ 1]))
    deb = copy / f"govdesk_{VERSION}_amd64.deb"
    result = run_bundle(bundle, outside, tmp_path, "verify-release", str(deb), "--key", str(public))
    assert result.returncode == 1 and "SHA-256" in result.stderr


def test_tarball_runs_from_where_it_is_unpacked(release_build: Path, outside, tmp_path: Path) -> None:
    tarball = release_build / "release" / f"govdesk-{VERSION}-linux-x86_64.tar.gz"
    with tarfile.open(tarball) as tar:
        members = tar.getmembers()
        assert {m.name.split("/")[0] for m in members} == {f"govdesk-{VERSION}"}
        assert all(m.uid == 0 and m.gid == 0 for m in members)
        tar.extractall(tmp_path / "opt", filter="tar")
    exe = tmp_path / "opt" / f"govdesk-{VERSION}" / "govdesk"
    assert run_bundle(exe, outside, tmp_path, "--version").stdout.strip() == f"govdesk {VERSION}"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_deb_carries_version_desktop_entry_icons_and_metainfo(release_build: Path, tmp_path: Path) -> None:
    deb = release_build / "release" / f"govdesk_{VERSION}_amd64.deb"
    fields = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True, check=True).stdout
    assert f"Version: {VERSION}\n" in fields and "Architecture: amd64\n" in fields
    depends = next(line for line in fields.splitlines() if line.startswith("Depends:"))
    assert "libc6 (>= 2." in depends and "fonts-noto-cjk" in depends
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    assert all(" root/root " in line for line in listing.splitlines())
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    assert os.readlink(root / "usr/bin/govdesk") == "/opt/govdesk/govdesk"
    assert (root / "opt/govdesk/govdesk").stat().st_mode & 0o111
    assert (root / "opt/govdesk/_internal/govdesk-version.txt").read_text().strip() == VERSION
    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str
    desktop.read(root / "usr/share/applications/cn.gov.govdesk.desktop", encoding="utf-8")
    entry = desktop["Desktop Entry"]
    assert entry["Type"] == "Application" and entry["Icon"] == "govdesk"
    launcher = root / entry["Exec"].split()[0].lstrip("/")
    assert launcher.is_file() and launcher.stat().st_mode & 0o111
    for size in HICOLOR_SIZES:
        assert png_size(root / f"usr/share/icons/hicolor/{size}x{size}/apps/govdesk.png") == (size, size)
    assert (root / "usr/share/icons/hicolor/scalable/apps/govdesk.svg").is_file()
    metainfo = root / "usr/share/metainfo/cn.gov.govdesk.metainfo.xml"
    assert f'<release version="{VERSION}"' in metainfo.read_text()
    check = subprocess.run(["appstreamcli", "validate", "--no-net", "--pedantic", str(metainfo)],
                           capture_output=True, text=True)  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr
    scripts = subprocess.run(["dpkg-deb", "-e", str(deb), str(tmp_path / "control")], check=True)
    assert scripts.returncode == 0 and (tmp_path / "control" / "postinst").stat().st_mode & 0o111


def test_every_bundled_library_resolves(release_build: Path) -> None:
    """Every ELF file in the bundle finds its libraries in the bundle or among the .deb's dependencies."""
    internal = release_build / "bundle" / "govdesk" / "_internal"
    missing = []
    for path in sorted(internal.parent.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        with path.open("rb") as f:
            if f.read(4) != b"\x7fELF":
                continue
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True,
                             env={"LD_LIBRARY_PATH": str(internal), "PATH": "/usr/bin:/bin"}).stdout  # fmt: skip
        missing += [f"{path.relative_to(internal)}: {line.strip()}" for line in out.splitlines() if "not found" in line]
    assert missing == []


def test_two_builds_of_one_commit_are_identical(release_build: Path, tmp_path: Path) -> None:
    """Same file list, same Python payload (every file's SHA-256), same tarball and .deb bytes."""
    first = json.loads((release_build / "build-info.json").read_text())
    second = run_build(tmp_path / "again", "--commit", first["commit"])
    assert sorted(first["files"]) == sorted(second["files"])
    payload = [name for name in first["files"] if name.endswith((".pyz", "base_library.zip")) or name == "govdesk"]
    assert payload and all(first["files"][n] == second["files"][n] for n in payload)
    assert first["files"] == second["files"]
    for name in (f"govdesk-{VERSION}-linux-x86_64.tar.gz", f"govdesk_{VERSION}_amd64.deb"):
        a = (release_build / "release" / name).read_bytes()
        b = (tmp_path / "again" / "release" / name).read_bytes()
        assert a == b, name


def test_bundle_has_no_library_that_nothing_loads_and_stays_under_its_ceiling(release_build: Path) -> None:
    """Every ELF file is an extension, a Qt plug-in, a library loaded by name, or linked from one of those."""
    internal = release_build / "bundle" / "govdesk" / "_internal"
    entries = []
    for path in sorted(internal.rglob("*")):
        if path.is_file() and not path.is_symlink():
            rel = path.relative_to(internal).as_posix()
            extension = ".cpython-" in path.name or path.name.endswith(".abi3.so")
            entries.append((rel, str(path), "EXTENSION" if extension else "BINARY"))
    loaded_by_name = ("libzbar.so.0", "libpython3.11.so.1.0")
    _kept, dropped = bundle_trim.linked_closure(
        entries, lambda e: e[2] == "EXTENSION" or "/plugins/" in e[0] or e[0] in loaded_by_name
    )
    assert [rel for rel, _, _ in dropped] == []
    names = {rel for rel, _, _ in entries}
    assert not any(rel.startswith(("psycopg_binary", "PIL/_avif", "PIL/_webp")) for rel in names)
    info = json.loads((release_build / "build-info.json").read_text())
    assert info["bundle_bytes"] < BUNDLE_CEILING_BYTES, info["bundle_bytes"]


ICU_PROBE = r"""
import json
from PySide6.QtCore import QCollator, QDate, QDateTime, QLocale, QStringDecoder, QTime, QTimeZone
words = ["张三", "李四", "王五", "赵六", "阿", "中国", "北京", "上海", "Zebra", "apple", "Äpfel", "éclair"]
out = {}
for name in ("zh_CN", "zh_TW", "zh_HK", "en_US", "en_GB", "de_DE"):
    loc = QLocale(name)
    out[name] = [sorted(words, key=QCollator(loc).sortKey), loc.toUpper("straße ǆ i"), loc.toLower("İSTANBUL ΣΑΣ"),
                 loc.toString(QDate(2026, 11, 24), QLocale.FormatType.LongFormat), loc.toString(1234567.891, "f", 2)]
for zone in (b"Asia/Shanghai", b"Asia/Taipei", b"Europe/Berlin", b"America/New_York"):
    tz = QTimeZone(zone)
    out[zone.decode()] = [tz.displayName(QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale(n))
                          for n in ("zh_CN", "en_US")] + [tz.offsetFromUtc(QDateTime(QDate(2026, 7, 1), QTime(12, 0)))]
# PySide6 cannot call a decoder; whether Qt finds the ICU converter by name is what the data decides.
out["codecs"] = {name: [QStringDecoder(name).isValid(), QStringDecoder(name).name()]
                 for name in ("GB18030", "GBK", "GB2312", "Big5", "windows-1252")}
maps = open("/proc/self/maps").read().splitlines()
out["icudata"] = sorted({line.split()[-1] for line in maps if "libicudata" in line})
print(json.dumps(out, ensure_ascii=False))
"""


def test_trimmed_icu_data_gives_qt_the_answers_of_the_full_data(release_build: Path) -> None:
    """The development venv's Qt, once with its own ICU data and once with the bundle's trimmed copy preloaded."""
    trimmed = release_build / "bundle" / "govdesk" / "_internal" / "PySide6" / "Qt" / "lib" / "libicudata.so.73"
    assert trimmed.stat().st_size < 12_000_000  # was 32 MB
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}

    def probe(extra: dict[str, str]) -> dict:
        result = subprocess.run([sys.executable, "-c", ICU_PROBE], env={**env, **extra}, capture_output=True,
                                text=True, timeout=60)  # fmt: skip
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    full, small = probe({}), probe({"LD_PRELOAD": str(trimmed)})
    assert small.pop("icudata") == [str(trimmed)]
    assert full.pop("icudata") != [str(trimmed)]
    assert small == full
    assert all(valid for valid, _name in small["codecs"].values()), small["codecs"]
    assert small["zh_CN"][0][:3] == ["阿", "北京", "李四"]  # pinyin order: the Chinese collation is there


def test_scan_reads_a_code_from_a_camera_video_through_the_bundled_ffmpeg(bundle: Path, outside, tmp_path: Path):
    """An MJPG .avi, as a USB camera delivers, decoded by the bundle's OpenCV/ffmpeg and read by both decoders."""
    rng = np.random.default_rng(11)
    code = Code(certificate_text(100, 11))
    video = write_video(tmp_path / "camera.avi", empty_run(2, rng) + code_run(code, 6, rng) + empty_run(2, rng))
    for backend in ("zxing", "pyzbar"):
        result = run_bundle(bundle, outside, tmp_path, "scan", "--source", str(video), "--json", "--backend", backend)
        assert result.returncode == 0, result.stderr
        texts = [json.loads(line)["text"] for line in result.stdout.splitlines() if line.startswith("{")]
        assert texts == [code.text], (backend, result.stdout, result.stderr)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL cluster from Debian's binaries (devtools.pg_cluster), on a Unix socket of its own."""
    cluster = PgCluster("pkg").initdb().start()
    try:
        yield cluster.url()
    finally:
        cluster.remove()


def test_bundled_node_stores_in_postgresql_through_the_system_libpq(
    release_build: Path, bundle: Path, outside, tmp_path: Path, postgres_url: str
) -> None:
    """psycopg-binary is not bundled: the pure-Python driver loads Debian's libpq5 (the .deb suggests it)."""
    result = run_bundle(bundle, outside, tmp_path, "node", "init", "--department", "taxation", "--home",
                        str(tmp_path / "nodes"), "--db", postgres_url)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] >= 1  # the department key's enrolment
    deb = next((release_build / "release").glob("*.deb"))
    fields = subprocess.run(["dpkg-deb", "-f", str(deb), "Suggests"], capture_output=True, text=True, check=True)
    assert "libpq5" in fields.stdout


def test_bundled_node_without_a_postgres_driver_says_what_to_install(bundle: Path, outside, tmp_path: Path) -> None:
    """PSYCOPG_IMPL=binary asks psycopg for the implementation the bundle leaves out, as a box without libpq5
    would fail; the node must say so in a sentence, and SQLite must still work."""
    home = str(tmp_path / "nodes")
    result = run_bundle(bundle, {**outside, "PSYCOPG_IMPL": "binary"}, tmp_path, "node", "init", "--department",
                        "taxation", "--home", home, "--db", "postgresql://nobody@127.0.0.1:1/none")  # fmt: skip
    assert result.returncode == 2
    assert "PostgreSQL is not available in this govdesk" in result.stderr and "libpq5" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_bundle(bundle, {**outside, "PSYCOPG_IMPL": "binary"}, tmp_path, "node", "init", "--department",
                        "taxation", "--home", str(tmp_path / "sqlite-nodes"))  # fmt: skip
    assert result.returncode == 0, result.stderr
