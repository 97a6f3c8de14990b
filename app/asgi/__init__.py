"""Server plumbing the node and the hall HTTP services share (no domain code, no imports of either server)."""
