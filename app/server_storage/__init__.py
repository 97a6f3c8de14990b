"""Storage machinery shared by the servers' SQL stores (department node, hall): schema description, DDL per engine."""
