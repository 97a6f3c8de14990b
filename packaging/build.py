"""Build govdesk's Linux x86_64 release: the PyInstaller one-folder bundle, a tarball, a .deb, and signed sums.

    packaging/build [--commit REV | --worktree] [--profile full|core] [--out DIR] [--sign-key KEY]

Steps, each timed in DIR/build-info.json:
1. the source is `git archive REV` (default HEAD) unpacked under build/src/, so the bundle holds exactly
   that commit; --worktree bundles the working tree instead, for trying changes;
2. a build venv keyed by packaging/requirements-linux.lock is made once and filled with
   `pip install --require-hashes` from that lock (never from the development venv);
3. PyInstaller runs packaging/govdesk-linux.spec with PYTHONHASHSEED=0 and SOURCE_DATE_EPOCH set to the
   commit's time, so two builds of one commit give the same files;
4. every file's mtime is set to SOURCE_DATE_EPOCH; the tarball is written sorted, owned by root and
   gzipped without a timestamp; the .deb gets its dependencies from the bundle's own libraries;
5. SHA256SUMS is written over the artifacts, and signed with the release key if --sign-key is given.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Inside the source being built (the exported commit), so that the recipe is the commit's own.
LOCK = "packaging/requirements-linux.lock"
SPEC = "packaging/govdesk-linux.spec"
LINUX = "packaging/linux"
ICONS = "packaging/icons"
APP_ID = "cn.gov.govdesk"
INSTALL_DIR = "opt/govdesk"
FROZEN_VERSION_FILE = "govdesk-version.txt"  # the name app/release/version.py reads
# Libraries every Linux desktop has, that the .deb names instead of bundling (PyInstaller leaves them out).
SYSTEM_LIBRARY_DIRS = ("/lib/", "/usr/lib/", "/lib64/")


@dataclass
class Plan:
    """What one build makes, from what, and where."""

    source: Path
    commit: str
    version: str
    release_date: str
    epoch: int
    profile: str
    out: Path
    work: Path
    sign_key: Path | None
    timings: dict[str, float] = field(default_factory=dict)


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command, failing the build with its output if it fails."""
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-8000:])
        raise SystemExit(f"build failed: {' '.join(cmd[:4])} ... exited {result.returncode}")
    return result


def project_version(source: Path) -> str:
    """The version in pyproject.toml: the one place it is set."""
    return tomllib.loads((source / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def release_date(source: Path, version: str) -> str:
    """The date of the version's CHANGELOG.md section; a release without one is refused."""
    text = (source / "CHANGELOG.md").read_text(encoding="utf-8")
    match = re.search(rf"^## \[{re.escape(version)}\] - (\d{{4}}-\d{{2}}-\d{{2}})$", text, re.MULTILINE)
    if not match:
        raise SystemExit(f"CHANGELOG.md has no '## [{version}] - YYYY-MM-DD' section")
    return match.group(1)


def export_source(commit: str, work_root: Path) -> Path:
    """Unpack `git archive commit` into build/src/<commit> once; return that directory."""
    dest = work_root / "src" / commit
    if (dest / ".complete").exists():
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")
    (dest / ".complete").touch()
    return dest


def build_venv(work_root: Path, lock: Path) -> Path:
    """Return the python of a venv holding exactly the lock's wheels (hash-checked), made once per lock."""
    key = hashlib.sha256(lock.read_bytes() + sys.version.encode()).hexdigest()[:16]
    venv = work_root / f"venv-{key}"
    python = venv / "bin" / "python"
    if (venv / ".complete").exists():
        return python
    shutil.rmtree(venv, ignore_errors=True)
    run([sys.executable, "-m", "venv", str(venv)])
    run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--require-hashes",
            "--no-deps",
            "--only-binary=:all:",
            "-r",
            str(lock),
        ],
        env={**os.environ, "PIP_CONSTRAINT": "", "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    )
    (venv / ".complete").touch()
    return python


def normalise_tree(root: Path, epoch: int) -> None:
    """Give every file and directory the same mtime and a mode of 0755 or 0644."""
    for path in [*sorted(root.rglob("*"), reverse=True), root]:
        if path.is_symlink():
            os.utime(path, (epoch, epoch), follow_symlinks=False)
            continue
        mode = path.stat().st_mode
        executable = stat.S_ISDIR(mode) or mode & 0o111
        path.chmod(0o755 if executable else 0o644)
        os.utime(path, (epoch, epoch))


def run_pyinstaller(plan: Plan, python: Path) -> Path:
    """Run the spec into OUT/govdesk; return the bundle directory."""
    version_file = plan.work / FROZEN_VERSION_FILE
    version_file.parent.mkdir(parents=True, exist_ok=True)
    version_file.write_text(plan.version + "\n", encoding="ascii")
    dist = plan.out / "bundle"
    shutil.rmtree(dist, ignore_errors=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "GOVDESK_", "QT_"))} | {
        "PYTHONHASHSEED": "0",
        "SOURCE_DATE_EPOCH": str(plan.epoch),
        "PYINSTALLER_CONFIG_DIR": str(ROOT / "build" / "pyinstaller-cache"),
        "GOVDESK_SOURCE": str(plan.source),
        "GOVDESK_VERSION_FILE": str(version_file),
        "GOVDESK_PROFILE": plan.profile,
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
    }
    run(
        [
            str(python),
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(plan.work / "pyinstaller"),
            str(plan.source / SPEC),
        ],
        env=env,
        cwd=plan.work,
    )
    bundle = dist / "govdesk"
    normalise_tree(bundle, plan.epoch)
    return bundle


def _tar_filter(epoch: int):
    def reset(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        info.mtime = epoch
        return info

    return reset


def write_tarball(bundle: Path, out: Path, top: str, epoch: int) -> None:
    """Write bundle as top/ into a .tar.gz with sorted members, root ownership, fixed times, no gzip timestamp."""
    reset = _tar_filter(epoch)
    with (
        out.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        tar.add(bundle, arcname=top, recursive=False, filter=reset)
        for path in sorted(bundle.rglob("*"), key=lambda p: p.relative_to(bundle).as_posix()):
            tar.add(path, arcname=f"{top}/{path.relative_to(bundle).as_posix()}", recursive=False, filter=reset)


def elf_files(root: Path) -> list[Path]:
    """Every regular ELF file under root."""
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def system_libraries(bundle: Path) -> tuple[set[str], list[str]]:
    """(system library paths the bundle's ELF files load, 'file: lib' for any library found nowhere)."""
    internal = bundle / "_internal"
    env = {**os.environ, "LD_LIBRARY_PATH": str(internal)}
    system: set[str] = set()
    missing: list[str] = []
    for path in elf_files(bundle):
        result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env)
        for line in result.stdout.splitlines():
            parts = line.split()
            if "=>" not in parts:
                continue
            name, target = parts[0], parts[parts.index("=>") + 1]
            if target == "not":
                missing.append(f"{path.relative_to(bundle)}: {name}")
            elif target.startswith(SYSTEM_LIBRARY_DIRS) and not target.startswith(str(bundle)):
                system.add(os.path.realpath(target))
    return system, missing


def debian_depends(bundle: Path) -> str:
    """The Depends line: the Debian packages owning the system libraries the bundle loads, and the CJK font."""
    libraries, _ = system_libraries(bundle)
    packages: set[str] = {"fonts-noto-cjk"}
    if libraries:
        owners = subprocess.run(["dpkg", "-S", *sorted(libraries)], capture_output=True, text=True).stdout
        for line in owners.splitlines():
            package = line.split(":", 1)[0].strip()
            if package and "," not in package and not package.startswith("diversion"):
                packages.add(package)
    glibc = max(
        (
            tuple(int(x) for x in v.split(b"."))
            for p in elf_files(bundle)
            for v in re.findall(rb"GLIBC_(2\.\d+)\x00", p.read_bytes())
        ),
        default=(2, 17),
    )
    packages.discard("libc6")
    return ", ".join([f"libc6 (>= {'.'.join(map(str, glibc))})", *sorted(packages)])


def installed_size_kib(root: Path) -> int:
    """Debian's Installed-Size: KiB, each file rounded up, excluding DEBIAN/."""
    total = 0
    for path in root.rglob("*"):
        if "DEBIAN" in path.relative_to(root).parts[:1]:
            continue
        total += 1 if path.is_dir() or path.is_symlink() else -(-path.stat().st_size // 1024)
    return total


def write_gzip(data: bytes, out: Path) -> None:
    """Gzip without a name or timestamp."""
    with out.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(data)


def stage_deb(plan: Plan, bundle: Path, stage: Path) -> None:
    """Lay out the package tree: the bundle in /opt, a command in /usr/bin, desktop entry, icons, metainfo."""
    shutil.rmtree(stage, ignore_errors=True)
    linux, icons = plan.source / LINUX, plan.source / ICONS
    opt = stage / INSTALL_DIR
    shutil.copytree(bundle, opt, symlinks=True, copy_function=os.link)
    shutil.copy(linux / "govdesk-counter", opt / "govdesk-counter")
    (stage / "usr/bin").mkdir(parents=True)
    (stage / "usr/bin/govdesk").symlink_to(f"/{INSTALL_DIR}/govdesk")
    share = stage / "usr/share"
    (share / "applications").mkdir(parents=True)
    shutil.copy(linux / f"{APP_ID}.desktop", share / "applications" / f"{APP_ID}.desktop")
    (share / "metainfo").mkdir(parents=True)
    metainfo = (linux / f"{APP_ID}.metainfo.xml.in").read_text(encoding="utf-8")
    metainfo = metainfo.replace("@VERSION@", plan.version).replace("@DATE@", plan.release_date)
    (share / "metainfo" / f"{APP_ID}.metainfo.xml").write_text(metainfo, encoding="utf-8")
    for png in sorted((icons / "hicolor").glob("*/apps/govdesk.png")):
        target = share / "icons/hicolor" / png.relative_to(icons / "hicolor")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(png, target)
    scalable = share / "icons/hicolor/scalable/apps"
    scalable.mkdir(parents=True)
    shutil.copy(icons / "govdesk.svg", scalable / "govdesk.svg")
    doc = share / "doc/govdesk"
    doc.mkdir(parents=True)
    shutil.copy(linux / "copyright", doc / "copyright")
    write_gzip((plan.source / "CHANGELOG.md").read_bytes(), doc / "changelog.gz")
    install_doc = plan.source / "docs" / "install.md"
    if install_doc.exists():
        shutil.copy(install_doc, doc / "install.md")
    debian = stage / "DEBIAN"
    debian.mkdir()
    for script in ("postinst", "postrm"):
        shutil.copy(linux / script, debian / script)
    normalise_tree(stage, plan.epoch)
    control = (linux / "control.in").read_text(encoding="utf-8")
    control = (
        control.replace("@VERSION@", plan.version)
        .replace("@INSTALLED_SIZE@", str(installed_size_kib(stage)))
        .replace("@DEPENDS@", debian_depends(bundle))
    )
    (debian / "control").write_text(control, encoding="utf-8")
    normalise_tree(debian, plan.epoch)


def build_deb(plan: Plan, stage: Path, out: Path) -> None:
    """dpkg-deb with root ownership (no fakeroot needed) and SOURCE_DATE_EPOCH for the archive times."""
    run(
        ["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(stage), str(out)],
        env={**os.environ, "SOURCE_DATE_EPOCH": str(plan.epoch)},
    )


def manifest(bundle: Path) -> dict[str, str]:
    """relative path -> SHA-256 of each file ('-> target' for a symlink): what two builds must agree on."""
    files = {}
    for path in sorted(bundle.rglob("*")):
        rel = path.relative_to(bundle).as_posix()
        if path.is_symlink():
            files[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            files[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def sign(plan: Plan, release: Path) -> None:
    """SHA256SUMS (and its signature with --sign-key) over the release directory, by `govdesk sign-release`."""
    if plan.sign_key is None:
        lines = "".join(
            f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n"
            for p in sorted(release.iterdir())
            if p.is_file() and p.name != "SHA256SUMS"
        )
        (release / "SHA256SUMS").write_text(lines, encoding="utf-8")
        return
    run([sys.executable, "-m", "app.cli.main", "sign-release", str(release), "--key", str(plan.sign_key)], cwd=ROOT)


def build(plan: Plan) -> dict:
    """Run every step; return the build info written beside the artifacts."""
    started = time.perf_counter()

    def step(name: str, since: float) -> float:
        now = time.perf_counter()
        plan.timings[name] = round(now - since, 2)
        return now

    t = started
    python = build_venv(ROOT / "build", plan.source / LOCK)
    t = step("venv", t)
    bundle = run_pyinstaller(plan, python)
    t = step("pyinstaller", t)
    release = plan.out / "release"
    shutil.rmtree(release, ignore_errors=True)
    release.mkdir(parents=True)
    write_tarball(
        bundle, release / f"govdesk-{plan.version}-linux-x86_64.tar.gz", f"govdesk-{plan.version}", plan.epoch
    )
    t = step("tarball", t)
    stage = plan.work / "deb-root"
    stage_deb(plan, bundle, stage)
    build_deb(plan, stage, release / f"govdesk_{plan.version}_amd64.deb")
    shutil.rmtree(stage)
    t = step("deb", t)
    sign(plan, release)
    t = step("sums", t)
    files = manifest(bundle)
    info = {
        "version": plan.version,
        "commit": plan.commit,
        "profile": plan.profile,
        "source_date_epoch": plan.epoch,
        "lock_sha256": hashlib.sha256((plan.source / LOCK).read_bytes()).hexdigest(),
        "bundle_bytes": sum((bundle / rel).stat().st_size for rel, v in files.items() if not v.startswith("->")),
        "build_s": round(time.perf_counter() - started, 2),
        "steps_s": plan.timings,
        "artifacts": sorted(p.name for p in release.iterdir()),
        "files": files,
    }
    (plan.out / "build-info.json").write_text(json.dumps(info, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return info


def make_plan(args: argparse.Namespace) -> Plan:
    """Resolve the source, version, date and epoch for the requested build."""
    commit = run(["git", "rev-parse", args.commit], cwd=ROOT).stdout.strip()
    epoch = int(run(["git", "log", "-1", "--format=%ct", commit], cwd=ROOT).stdout.strip())
    source = ROOT if args.worktree else export_source(commit, ROOT / "build")
    version = project_version(source)
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    work = (args.work or out / "work").resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    key = args.sign_key.resolve() if args.sign_key else None
    return Plan(source, commit, version, release_date(source, version), epoch, args.profile, out, work, key)


def main(argv: list[str] | None = None) -> int:
    """Build the release and print where it is."""
    parser = argparse.ArgumentParser(prog="packaging/build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--commit", default="HEAD", help="the commit to build (default HEAD)")
    parser.add_argument("--worktree", action="store_true", help="bundle the working tree instead of a commit")
    parser.add_argument(
        "--profile",
        choices=("full", "core"),
        default="full",
        help="full: the product; core: no Qt/OpenCV, for the reproducibility check",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="output directory (default dist/)")
    parser.add_argument("--work", type=Path, help="scratch directory (default OUT/work)")
    parser.add_argument("--sign-key", type=Path, help="the Ed25519 release private key (PEM) to sign the sums")
    args = parser.parse_args(argv)
    plan = make_plan(args)
    info = build(plan)
    shutil.rmtree(plan.work, ignore_errors=True)
    print(f"govdesk {info['version']} ({info['profile']}, {info['commit'][:12]}) built in {info['build_s']} s")
    print(f"  bundle   {plan.out / 'bundle' / 'govdesk'} ({info['bundle_bytes'] / 1e6:.0f} MB)")
    for name in info["artifacts"]:
        print(f"  release  {plan.out / 'release' / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
