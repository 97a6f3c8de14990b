"""`govdesk verify-release`, `sign-release`, `release-keygen` and `self-test`: checking what was installed."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

from app.release.keys import ReleaseKeyError, generate_release_key, load_private_key, load_public_key
from app.release.selftest import run_checks
from app.release.sums import ReleaseError, sign_release_dir, verify_release
from app.store.office_files import OfficeDir

GUI_TIMEOUT_S = 60.0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the release commands."""
    verify = sub.add_parser(
        "verify-release",
        help="check downloaded release files against SHA256SUMS and its Ed25519 signature",
        description=(
            "Check a release directory (every file in it must be listed) or the named artifacts (each must be "
            "listed) against SHA256SUMS, after checking SHA256SUMS.sig with the release public key. "
            "Exit 0 if everything checks out, 1 if not, 2 on a usage or key problem."
        ),
    )
    verify.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="a release directory or artifacts")
    verify.add_argument("--key", type=Path, required=True, help="the release public key (PEM)")
    verify.add_argument("--sums", type=Path, help="the SHA256SUMS file (default: beside the first PATH)")
    verify.add_argument("--signature", type=Path, help="the signature file (default: SHA256SUMS.sig beside the sums)")
    verify.set_defaults(func=run_verify)

    sign = sub.add_parser("sign-release", help="write SHA256SUMS and SHA256SUMS.sig over a release directory")
    sign.add_argument("directory", type=Path)
    sign.add_argument("--key", type=Path, required=True, help="the release private key (PEM, keep it offline)")
    sign.set_defaults(func=run_sign)

    keygen = sub.add_parser("release-keygen", help="make an Ed25519 release key (FILE, mode 0600) and FILE.pub")
    keygen.add_argument("out", type=Path)
    keygen.set_defaults(func=run_keygen)

    selftest = sub.add_parser(
        "self-test",
        help="check this installation's native parts (SQLCipher, OpenCV, zxing, zbar, CJK font)",
        description=(
            "Without --gui: run the library checks. With --gui OFFICE: start the counter app on OFFICE, wait for "
            "its login window, then quit (set QT_QPA_PLATFORM=offscreen to run it without a display)."
        ),
    )
    selftest.add_argument("--gui", type=Path, metavar="OFFICE", help="start the GUI to its login window and quit")
    selftest.set_defaults(func=run_self_test)


def run_verify(args: argparse.Namespace) -> int:
    """Verify a release; print each artifact checked, or the first problem."""
    try:
        key = load_public_key(args.key)
    except ReleaseKeyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        report = verify_release(list(args.paths), key, args.sums, args.signature)
    except ReleaseError as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    for name, digest in report.artifacts:
        print(f"OK  {digest}  {name}")
    print(f"verified {len(report.artifacts)} file(s), signed by release key {report.key_fingerprint}")
    return 0


def run_sign(args: argparse.Namespace) -> int:
    """Sign a release directory."""
    try:
        key = load_private_key(args.key)
        report = sign_release_dir(args.directory, key)
    except (ReleaseKeyError, ReleaseError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for name, digest in report.artifacts:
        print(f"{digest}  {name}")
    print(f"signed by release key {report.key_fingerprint}")
    return 0


def run_keygen(args: argparse.Namespace) -> int:
    """Make a release key pair."""
    try:
        public_path = generate_release_key(args.out)
    except (ReleaseKeyError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out} (private, keep offline) and {public_path} (publish this one)")
    return 0


def _gui_to_login(office_dir: Path) -> int:
    """Start the counter app on `office_dir`, wait for the login window, shut it down."""
    if not OfficeDir(office_dir).exists():
        print(f"error: no office in {office_dir}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    # app never imports the ui package by name (tests/test_architecture.py); the GUI is loaded as a plug-in.
    application = importlib.import_module("ui.application")
    qt_app = application.qt_application()
    counter = application.start(office_dir)
    try:
        deadline = time.monotonic() + GUI_TIMEOUT_S
        while not (counter.window.isVisible() and counter.window.login.isVisible()):
            if time.monotonic() > deadline:
                print(f"FAILED: no login window after {GUI_TIMEOUT_S:.0f} s", file=sys.stderr)
                return 1
            qt_app.processEvents()
            time.sleep(0.001)
        qt_app.processEvents()
        print(f"OK  gui: login window shown after {time.perf_counter() - start:.3f} s", flush=True)
    finally:
        counter.shutdown()
    return 0


def run_self_test(args: argparse.Namespace) -> int:
    """Run the installation checks; exit 1 if any fails."""
    if args.gui is not None:
        return _gui_to_login(args.gui)
    results = run_checks()
    for result in results:
        print(f"{'OK ' if result.ok else 'BAD'} {result.name:<10} {result.detail}")
    failed = [r.name for r in results if not r.ok]
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("OK: every native part of govdesk loads and works")
    return 0
