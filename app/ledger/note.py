"""C2SP signed notes (c2sp.org/signed-note) and tlog-cosignature/v1, in Ed25519 or SM2/SM3.

Key ids, verifier keys (`name+hash+base64key`) and signer keys
(`PRIVATE+KEY+name+hash+base64key`) are those of the spec and of Go's sumdb/note package, so
Ed25519 notes made here verify there and the other way round. SM2/SM3 notes use the spec's
type byte 0xff followed by a longer identifier (see `SIG_SM2_SM3` and docs/ledger-format.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass, field

from app.ledger.errors import LedgerError
from app.ledger.sm2 import SM2_SM3
from app.ledger.suites import ED25519, SignatureSuite, Signer

MAX_NOTE_SIZE = 1 << 20
MAX_SIGNATURES = 100
_DASH = "\u2014 "


@dataclass(frozen=True)
class SigType:
    """A signed-note signature type: its type byte, the identifier after 0xff, its suite, and whether it cosigns."""

    code: int
    identifier: bytes
    suite: SignatureSuite = field(compare=False)
    cosignature: bool = field(compare=False)

    @property
    def prefix(self) -> bytes:
        """The bytes that precede the key in key ids and key strings: type byte, then identifier."""
        return bytes([self.code]) + self.identifier

    def __repr__(self) -> str:
        return f"SigType({self.prefix!r})"


SIG_ED25519 = SigType(0x01, b"", ED25519, False)
SIG_COSIGNATURE_V1 = SigType(0x04, b"", ED25519, True)
SIG_SM2_SM3 = SigType(0xFF, b"govdesk.beijing/sm2-sm3-note/v1", SM2_SM3, False)
SIG_SM2_SM3_COSIGNATURE = SigType(0xFF, b"govdesk.beijing/sm2-sm3-cosignature/v1", SM2_SM3, True)
SIG_TYPES = (SIG_ED25519, SIG_COSIGNATURE_V1, SIG_SM2_SM3, SIG_SM2_SM3_COSIGNATURE)


def sig_type_for(suite_name: str, *, cosignature: bool) -> SigType:
    """Return the note signature type of a suite: a plain note signature or a timestamped cosignature."""
    for sig_type in SIG_TYPES:
        if sig_type.suite.name == suite_name and sig_type.cosignature == cosignature:
            return sig_type
    raise NoteError(f"no note signature type for suite {suite_name!r}")


def _split_key_blob(raw: bytes, key_size: str) -> tuple[SigType, bytes] | None:
    for sig_type in SIG_TYPES:
        size = sig_type.suite.public_key_size if key_size == "public" else 32
        if raw.startswith(sig_type.prefix) and len(raw) == len(sig_type.prefix) + size:
            return sig_type, raw[len(sig_type.prefix) :]
    return None


class NoteError(LedgerError):
    """A note is malformed, or no known key verified it."""


class NoteSignatureInvalid(NoteError):
    """A signature by a known key failed to verify: the whole note is refused."""


class UnverifiedNote(NoteError):
    """No signature from a known key was present."""


def _valid_name(name: str) -> bool:
    return bool(name) and not any(c.isspace() or c == "+" for c in name)


def key_id(name: str, sig_type: SigType, public_key: bytes) -> int:
    """Return the 32-bit key id SHA-256(name || 0x0A || type [|| identifier] || public key)[:4]."""
    digest = hashlib.sha256(name.encode() + b"\n" + sig_type.prefix + public_key).digest()
    return struct.unpack(">I", digest[:4])[0]


@dataclass(frozen=True)
class Verifier:
    """A verifier key: a name, a key id, a signature type and a public key."""

    name: str
    key_hash: int
    sig_type: SigType
    public_key: bytes

    def vkey(self) -> str:
        """Return the verifier key string `name+hash+base64(type[||identifier]||key)`."""
        blob = base64.b64encode(self.sig_type.prefix + self.public_key).decode()
        return f"{self.name}+{self.key_hash:08x}+{blob}"

    def verify(self, text: bytes, sig: bytes) -> int | None:
        """Return the cosignature time (0 for plain signatures) if `sig` is valid over `text`, else None."""
        suite = self.sig_type.suite
        if not self.sig_type.cosignature:
            return 0 if suite.verify(self.public_key, text, sig) else None
        if len(sig) != 8 + suite.signature_size:
            return None
        (ts,) = struct.unpack(">Q", sig[:8])
        if ts >= 1 << 63:
            return None
        return ts if suite.verify(self.public_key, cosignature_message(text, ts), sig[8:]) else None


@dataclass(frozen=True)
class NoteSigner:
    """A signer key: note signatures (0x01, 0xff SM2) or checkpoint cosignatures (0x04, 0xff SM2)."""

    name: str
    sig_type: SigType
    seed: bytes
    _signer: Signer = field(repr=False, compare=False)

    @property
    def key_hash(self) -> int:
        """The 32-bit key id."""
        return key_id(self.name, self.sig_type, self._signer.public_key)

    def verifier(self) -> Verifier:
        """Return the matching verifier."""
        return Verifier(self.name, self.key_hash, self.sig_type, self._signer.public_key)

    def skey(self) -> str:
        """Return the signer key string `PRIVATE+KEY+name+hash+base64(type[||identifier]||seed)`. It is a secret."""
        blob = base64.b64encode(self.sig_type.prefix + self.seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.key_hash:08x}+{blob}"

    def signature_line(self, text: str, *, timestamp: int | None = None) -> str:
        """Return one `— name base64(id||sig)` line over `text` (a timestamp is needed for cosignatures)."""
        msg = text.encode()
        if self.sig_type.cosignature:
            if timestamp is None or not 0 <= timestamp < 1 << 63:
                raise NoteError("a cosignature needs a timestamp in seconds")
            sig = struct.pack(">Q", timestamp) + self._signer.sign(cosignature_message(msg, timestamp))
        else:
            sig = self._signer.sign(msg)
        blob = base64.b64encode(struct.pack(">I", self.key_hash) + sig).decode()
        return f"{_DASH}{self.name} {blob}\n"

    def __repr__(self) -> str:
        return f"NoteSigner(name={self.name!r}, type={self.sig_type.prefix!r})"


def cosignature_message(text: bytes, timestamp: int) -> bytes:
    """Return the message a tlog-cosignature/v1 signs: header, time line, then the checkpoint body."""
    return b"cosignature/v1\ntime " + str(timestamp).encode() + b"\n" + text


def new_signer(name: str, seed: bytes, sig_type: SigType = SIG_ED25519) -> NoteSigner:
    """Return a note signer for `name` from 32 bytes of private key (Ed25519 seed or SM2 scalar)."""
    if not _valid_name(name):
        raise NoteError(f"invalid key name {name!r}: it must be non-empty, without spaces or '+'")
    if sig_type not in SIG_TYPES:
        raise NoteError(f"unsupported signature type {sig_type!r}")
    try:
        signer = sig_type.suite.signer(bytes(seed))
    except ValueError as exc:
        raise NoteError(f"invalid {sig_type.suite.name} private key: {exc}") from None
    return NoteSigner(name, sig_type, bytes(seed), signer)


def generate_key(name: str, seed: bytes, sig_type: SigType = SIG_ED25519) -> tuple[str, str]:
    """Return (signer key, verifier key) strings for `name` from a seed the caller drew at random."""
    signer = new_signer(name, seed, sig_type)
    return signer.skey(), signer.verifier().vkey()


def parse_signer_key(skey: str) -> NoteSigner:
    """Parse `PRIVATE+KEY+name+hash+base64(type||seed)` into a NoteSigner, checking its key id."""
    parts = skey.strip().split("+", 4)
    if len(parts) != 5 or parts[0] != "PRIVATE" or parts[1] != "KEY":
        raise NoteError("malformed signer key")
    name, hash_hex, blob = parts[2], parts[3], parts[4]
    split = _split_key_blob(_b64(blob, "signer key"), "private")
    if split is None:
        raise NoteError("malformed signer key: unknown type or wrong key length")
    signer = new_signer(name, split[1], split[0])
    if f"{signer.key_hash:08x}" != hash_hex:
        raise NoteError("signer key id does not match the key")
    return signer


def parse_verifier_key(vkey: str) -> Verifier:
    """Parse `name+hash+base64(type||key)` into a Verifier, checking its key id."""
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3:
        raise NoteError(f"malformed verifier key {vkey!r}")
    name, hash_hex, blob = parts
    if not _valid_name(name) or len(hash_hex) != 8:
        raise NoteError(f"malformed verifier key {vkey!r}")
    try:
        key_hash = int(hash_hex, 16)
    except ValueError:
        raise NoteError(f"malformed verifier key id in {vkey!r}") from None
    split = _split_key_blob(_b64(blob, "verifier key"), "public")
    if split is None:
        raise NoteError(f"unsupported verifier key {vkey!r}")
    verifier = Verifier(name, key_hash, split[0], split[1])
    if key_id(name, split[0], split[1]) != key_hash:
        raise NoteError(f"verifier key id does not match the key in {vkey!r}")
    return verifier


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"malformed base64 in {what}") from None


@dataclass(frozen=True)
class Signature:
    """One signature line of a note."""

    name: str
    key_hash: int
    sig: bytes


@dataclass(frozen=True)
class Note:
    """A verified note: its text, and who verified it (with cosignature times where they apply)."""

    text: str
    verified_by: tuple[str, ...]
    signatures: tuple[Signature, ...]
    cosigned_at: dict[str, int] = field(default_factory=dict)
    unverified: tuple[Signature, ...] = ()


def split_note(message: str) -> tuple[str, tuple[Signature, ...]]:
    """Split a signed note into its text and parsed signature lines, without verifying anything."""
    if not isinstance(message, str):
        raise NoteError("a note must be text")
    if len(message.encode("utf-8", "surrogatepass")) > MAX_NOTE_SIZE:
        raise NoteError(f"note is larger than {MAX_NOTE_SIZE} bytes")
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:
        raise NoteError("note is not valid UTF-8") from None
    if any(ord(c) < 0x20 and c != "\n" for c in message):
        raise NoteError("note contains a control character")
    if not message.endswith("\n"):
        raise NoteError("note does not end in a newline")
    split = message.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no signatures (no blank line before signature lines)")
    text, sig_block = message[: split + 1], message[split + 2 :]
    lines = sig_block.split("\n")[:-1]
    if not lines:
        raise NoteError("note has no signatures")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has more than {MAX_SIGNATURES} signatures")
    sigs = []
    for line in lines:
        if not line.startswith(_DASH):
            raise NoteError("malformed signature line: it must start with an em dash and a space")
        rest = line[len(_DASH) :]
        name, sep, blob = rest.partition(" ")
        if not sep or not _valid_name(name) or " " in blob:
            raise NoteError("malformed signature line")
        raw = _b64(blob, "signature")
        if len(raw) < 5:
            raise NoteError("malformed signature: too short")
        sigs.append(Signature(name, struct.unpack(">I", raw[:4])[0], raw[4:]))
    return text, tuple(sigs)


def verify_note(text: str, verifier_keys: list[str]) -> Note:
    """Verify a signed note against known verifier keys; raise NoteError unless a known key verified it."""
    verifiers: dict[tuple[str, int], Verifier] = {}
    for vkey in verifier_keys:
        v = parse_verifier_key(vkey) if isinstance(vkey, str) else vkey
        verifiers[(v.name, v.key_hash)] = v
    body, sigs = split_note(text)
    msg = body.encode()
    verified: list[str] = []
    cosigned: dict[str, int] = {}
    unverified: list[Signature] = []
    seen: set[tuple[str, int]] = set()
    for sig in sigs:
        v = verifiers.get((sig.name, sig.key_hash))
        if v is None:
            unverified.append(sig)
            continue
        if (sig.name, sig.key_hash) in seen:
            raise NoteError(f"note carries two signatures by {sig.name}")
        seen.add((sig.name, sig.key_hash))
        ts = v.verify(msg, sig.sig)
        if ts is None:
            raise NoteSignatureInvalid(f"signature by {sig.name} does not verify")
        verified.append(sig.name)
        if v.sig_type.cosignature:
            cosigned[sig.name] = ts
    if not verified:
        raise UnverifiedNote("no known key signed this note")
    return Note(body, tuple(verified), sigs, cosigned, tuple(unverified))


def sign_note(text: str, signers: list[NoteSigner], *, timestamp: int | None = None) -> str:
    """Return `text` signed by each of `signers` (cosigners use `timestamp`, in seconds)."""
    if not text.endswith("\n"):
        raise NoteError("note text must end in a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("note text contains a control character")
    return text + "\n" + "".join(s.signature_line(text, timestamp=timestamp) for s in signers)


def add_signature_lines(note: str, lines: list[str]) -> str:
    """Return `note` with further signature lines appended (for example witness cosignatures)."""
    split_note(note)
    return note + "".join(lines)
