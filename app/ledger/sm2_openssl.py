"""The SM2 backend: a thin ctypes binding to the OpenSSL 3 libcrypto that Python itself links.

Only what the SM2 suite needs crosses into C: loading a key from its DER form, signing and
verifying a precomputed SM2 digest e = SM3(Z_A || M), and SM2 public-key encryption
(GB/T 32918.4). Z_A, SM3 and every encoding stay in Python (`app.ledger.sm2`), so the backend can be
swapped without touching the suite. ctypes releases the GIL around each call, so verification
scales across threads.

The library is the one the interpreter's `_hashlib` already uses: the system's libcrypto.so.3 on
Linux (x86-64 and arm64 alike), the libcrypto-3 DLL that CPython ships on Windows, or a path named
by the environment variable GOVDESK_LIBCRYPTO.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
import sys
import threading
from collections import OrderedDict

_MIN_OPENSSL = 0x30000000
_KEY_CACHE_SIZE = 512


class Sm2BackendUnavailable(RuntimeError):
    """No OpenSSL 3 libcrypto with SM2 could be loaded."""

    code = "sm2_backend_unavailable"


def _candidate_paths() -> list[str]:
    override = os.environ.get("GOVDESK_LIBCRYPTO")
    if override:
        return [override]
    paths: list[str] = []
    if sys.platform == "win32":
        for base in (sys.base_prefix, sys.prefix, os.path.dirname(sys.executable)):
            paths += sorted(glob.glob(os.path.join(base, "DLLs", "libcrypto-3*.dll")))
            paths += sorted(glob.glob(os.path.join(base, "libcrypto-3*.dll")))
    elif sys.platform == "darwin":
        paths.append("libcrypto.3.dylib")
    else:
        paths.append("libcrypto.so.3")
    found = ctypes.util.find_library("crypto")
    if found:
        paths.append(found)
    return paths


def _load() -> ctypes.CDLL:
    import _hashlib  # noqa: F401  (loads the interpreter's libcrypto first, so dlopen finds that one)

    errors = []
    for path in _candidate_paths():
        try:
            lib = ctypes.CDLL(path)
        except OSError as exc:
            errors.append(f"{path}: {exc}")
            continue
        lib.OpenSSL_version_num.restype = ctypes.c_ulong
        lib.OpenSSL_version_num.argtypes = []
        if lib.OpenSSL_version_num() < _MIN_OPENSSL:
            errors.append(f"{path}: OpenSSL older than 3.0")
            continue
        return lib
    raise Sm2BackendUnavailable("no OpenSSL 3 libcrypto found (" + "; ".join(errors) + ")")


_c_p = ctypes.c_void_p
_c_buf = ctypes.c_char_p
_c_size_p = ctypes.POINTER(ctypes.c_size_t)


def _bind(lib: ctypes.CDLL) -> None:
    signatures: dict[str, tuple[object, list[object]]] = {
        "d2i_PUBKEY": (_c_p, [_c_p, ctypes.POINTER(_c_buf), ctypes.c_long]),
        "d2i_AutoPrivateKey": (_c_p, [_c_p, ctypes.POINTER(_c_buf), ctypes.c_long]),
        "i2d_PUBKEY": (ctypes.c_int, [_c_p, ctypes.POINTER(_c_p)]),
        "EVP_PKEY_free": (None, [_c_p]),
        "EVP_PKEY_is_a": (ctypes.c_int, [_c_p, _c_buf]),
        "EVP_PKEY_CTX_new": (_c_p, [_c_p, _c_p]),
        "EVP_PKEY_CTX_free": (None, [_c_p]),
        "EVP_PKEY_verify_init": (ctypes.c_int, [_c_p]),
        "EVP_PKEY_verify": (ctypes.c_int, [_c_p, _c_buf, ctypes.c_size_t, _c_buf, ctypes.c_size_t]),
        "EVP_PKEY_sign_init": (ctypes.c_int, [_c_p]),
        "EVP_PKEY_sign": (ctypes.c_int, [_c_p, _c_buf, _c_size_p, _c_buf, ctypes.c_size_t]),
        "EVP_PKEY_encrypt_init": (ctypes.c_int, [_c_p]),
        "EVP_PKEY_encrypt": (ctypes.c_int, [_c_p, _c_buf, _c_size_p, _c_buf, ctypes.c_size_t]),
        "EVP_PKEY_decrypt_init": (ctypes.c_int, [_c_p]),
        "EVP_PKEY_decrypt": (ctypes.c_int, [_c_p, _c_buf, _c_size_p, _c_buf, ctypes.c_size_t]),
        "ERR_clear_error": (None, []),
        "CRYPTO_free": (None, [_c_p, _c_buf, ctypes.c_int]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes


_lib: ctypes.CDLL | None = None
_lib_lock = threading.Lock()


def libcrypto() -> ctypes.CDLL:
    """Return the loaded libcrypto, loading and binding it on first use."""
    global _lib
    if _lib is None:
        with _lib_lock:
            if _lib is None:
                lib = _load()
                _bind(lib)
                _lib = lib
    return _lib


def openssl_version() -> str:
    """Return the loaded libcrypto's version as 'major.minor.patch'."""
    number = libcrypto().OpenSSL_version_num()
    return f"{number >> 28 & 0xF}.{number >> 20 & 0xFF}.{number >> 4 & 0xFF}"


class Sm2Key:
    """An SM2 EVP_PKEY owned by Python: freed when the last reference goes."""

    __slots__ = ("_handle", "_lib")

    def __init__(self, handle: int) -> None:
        self._lib = libcrypto()
        self._handle = handle

    @property
    def handle(self) -> int:
        """The EVP_PKEY pointer (valid while this object lives)."""
        return self._handle

    def __del__(self) -> None:
        if getattr(self, "_handle", None):
            self._lib.EVP_PKEY_free(self._handle)
            self._handle = 0

    def spki_der(self) -> bytes:
        """Return the key's SubjectPublicKeyInfo DER."""
        lib = self._lib
        out = _c_p()
        size = lib.i2d_PUBKEY(self._handle, ctypes.byref(out))
        if size <= 0 or not out.value:
            lib.ERR_clear_error()
            raise ValueError("OpenSSL could not encode the public key")
        try:
            return ctypes.string_at(out.value, size)
        finally:
            lib.CRYPTO_free(out.value, b"sm2_openssl", 0)


def _decode(function_name: str, der: bytes) -> Sm2Key | None:
    lib = libcrypto()
    buffer = ctypes.c_char_p(der)
    pointer = ctypes.c_char_p(ctypes.cast(buffer, ctypes.c_void_p).value)
    handle = getattr(lib, function_name)(None, ctypes.byref(pointer), len(der))
    if not handle:
        lib.ERR_clear_error()
        return None
    key = Sm2Key(handle)
    if lib.EVP_PKEY_is_a(handle, b"SM2") != 1:
        return None
    return key


def load_public_key(spki_der: bytes) -> Sm2Key | None:
    """Return the SM2 key in a SubjectPublicKeyInfo, or None if OpenSSL refuses it (not on the curve...)."""
    return _decode("d2i_PUBKEY", spki_der)


def load_private_key(der: bytes) -> Sm2Key | None:
    """Return the SM2 key in an ECPrivateKey (SEC 1) or PKCS #8 DER, or None if refused."""
    return _decode("d2i_AutoPrivateKey", der)


class _Operation:
    """An EVP_PKEY_CTX initialised for one operation on one key; used by one thread at a time."""

    __slots__ = ("_key", "_lib", "ctx")

    def __init__(self, key: Sm2Key, init_name: str) -> None:
        self._lib = libcrypto()
        self._key = key
        self.ctx = self._lib.EVP_PKEY_CTX_new(key.handle, None)
        if not self.ctx:
            self._lib.ERR_clear_error()
            raise MemoryError("EVP_PKEY_CTX_new failed")
        if getattr(self._lib, init_name)(self.ctx) != 1:
            self._lib.ERR_clear_error()
            raise ValueError(f"{init_name} refused the key")

    def __del__(self) -> None:
        if getattr(self, "ctx", None):
            self._lib.EVP_PKEY_CTX_free(self.ctx)
            self.ctx = None


class _VerifyContexts(threading.local):
    """Per-thread verify contexts, keyed by the key object's identity (bounded, LRU)."""

    def __init__(self) -> None:
        self.by_key: OrderedDict[int, tuple[Sm2Key, _Operation]] = OrderedDict()


_verify_contexts = _VerifyContexts()


def _verify_operation(key: Sm2Key) -> _Operation:
    cache = _verify_contexts.by_key
    found = cache.get(id(key))
    if found is not None and found[0] is key:
        cache.move_to_end(id(key))
        return found[1]
    operation = _Operation(key, "EVP_PKEY_verify_init")
    cache[id(key)] = (key, operation)
    if len(cache) > _KEY_CACHE_SIZE:
        cache.popitem(last=False)
    return operation


def verify_digest(key: Sm2Key, digest: bytes, signature_der: bytes) -> bool:
    """Return True only if the DER SM2 signature verifies over the 32-byte digest e."""
    lib = libcrypto()
    operation = _verify_operation(key)
    result = lib.EVP_PKEY_verify(operation.ctx, signature_der, len(signature_der), digest, len(digest))
    if result != 1:
        lib.ERR_clear_error()
        return False
    return True


def sign_digest(key: Sm2Key, digest: bytes) -> bytes:
    """Return the DER SM2 signature of the 32-byte digest e, with a fresh random k from OpenSSL's DRBG."""
    lib = libcrypto()
    operation = _Operation(key, "EVP_PKEY_sign_init")
    size = ctypes.c_size_t(80)
    out = ctypes.create_string_buffer(80)
    if lib.EVP_PKEY_sign(operation.ctx, out, ctypes.byref(size), digest, len(digest)) != 1:
        lib.ERR_clear_error()
        raise ValueError("OpenSSL refused to sign")
    return out.raw[: size.value]


def _crypt(key: Sm2Key, init_name: str, function_name: str, data: bytes) -> bytes | None:
    lib = libcrypto()
    operation = _Operation(key, init_name)
    function = getattr(lib, function_name)
    size = ctypes.c_size_t(0)
    if function(operation.ctx, None, ctypes.byref(size), data, len(data)) != 1:
        lib.ERR_clear_error()
        return None
    out = ctypes.create_string_buffer(size.value)
    if function(operation.ctx, out, ctypes.byref(size), data, len(data)) != 1:
        lib.ERR_clear_error()
        return None
    return out.raw[: size.value]


def encrypt(key: Sm2Key, plaintext: bytes) -> bytes:
    """Return the GB/T 32918.4 ciphertext (DER SEQUENCE of C1 x, C1 y, C3, C2) of `plaintext`."""
    ciphertext = _crypt(key, "EVP_PKEY_encrypt_init", "EVP_PKEY_encrypt", plaintext)
    if ciphertext is None:
        raise ValueError("OpenSSL refused to encrypt")
    return ciphertext


def decrypt(key: Sm2Key, ciphertext: bytes) -> bytes | None:
    """Return the plaintext of a GB/T 32918.4 DER ciphertext, or None if it does not decrypt."""
    return _crypt(key, "EVP_PKEY_decrypt_init", "EVP_PKEY_decrypt", ciphertext)
