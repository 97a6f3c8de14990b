"""The office replica: one SQLCipher database per office machine, its accounts, roles and audit trail.

Start at `app.store.replica` (`create_office`, `open_replica`, `Replica`). A `Replica` and its
connection belong to the one thread that opened it (STYLE point 6: run store work through a
single-worker executor); SQLite connections are not shared between threads here.
"""
