"""Revocation serials for seals and SM2 certificates, published as `cert.revoke` entries on a department log.

A ledger revocation names a 20-hex-digit serial. For an X.509 certificate or a seal that serial is
derived from what it revokes (SM3 of the certificate, or of the seal's vendor id and esID), so a
counter finds a revocation from the document alone, whatever department published it.
"""

from __future__ import annotations

from app.ofd import gm

SERIAL_BYTES = 10


def certificate_serial(cert_der: bytes) -> str:
    """The revocation serial of a certificate: the first 10 bytes of SM3 over its DER, upper-case hex."""
    return gm.sm3(b"govdesk-ofd-cert\x00" + cert_der)[:SERIAL_BYTES].hex().upper()


def seal_serial(vendor_id: str, es_id: str) -> str:
    """The revocation serial of a seal, from its vendor id and esID."""
    material = f"govdesk-ofd-seal\x00{vendor_id}\x00{es_id}".encode()
    return gm.sm3(material)[:SERIAL_BYTES].hex().upper()
