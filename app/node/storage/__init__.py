"""The node's storage: `interface` (records, errors, the store protocol), `schema` (description, version,
migrations), `sql` (the SQL both engines share), the `sqlite` and `postgres` drivers, and `open` (by URL)."""
