"""The ledger core: entry encoding, signatures, Merkle proofs and checkpoints.

Pure code: bytes in, bytes or a typed error out. No I/O, no clock, no database.
"""
