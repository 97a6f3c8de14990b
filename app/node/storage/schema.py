"""The node's schema: one engine-neutral description (app.server_storage.schema generates each engine's DDL),
its version, and the numbered migrations that take an older node database up to it."""

from __future__ import annotations

from app.server_storage.schema import Column, Index, Table

SCHEMA_VERSION = 2
# Numbered migrations: MIGRATIONS[n] holds the statements that take a database from version n - 1 to n, written
# for both engines (placeholders in `?` style); app.server_storage.migrations runs them. Version 1 is the first
# schema: it has no migration. Version 2 adds the `case_results` table: the schema's DDL below creates it (IF NOT
# EXISTS, in the same transaction as the migration, so a failed or killed upgrade leaves version 1 whole), so its
# migration has no statement of its own.
MIGRATIONS: dict[int, tuple[str, ...]] = {2: ()}

# The node's schema (version SCHEMA_VERSION), for both engines: app.server_storage.schema.ddl generates each one's DDL.
NODE_SCHEMA: tuple[Table | Index, ...] = (
    Table("schema_version", (Column("version", "int", "NOT NULL"),)),
    Table("log_state", (
        Column("id", "int", "PRIMARY KEY CHECK (id = 1)"), Column("size", "bigint", "NOT NULL"),
        Column("root", "bytes", "NOT NULL"), Column("checkpoint", "text"), Column("published", "text"),
        Column("published_size", "bigint", "NOT NULL"))),
    Table("entries", (
        Column("idx", "bigint", "PRIMARY KEY"), Column("hash", "bytes", "NOT NULL UNIQUE"),
        Column("data", "bytes", "NOT NULL"))),
    Table("tiles", (
        Column("level", "int", "NOT NULL"), Column("idx", "bigint", "NOT NULL"), Column("data", "bytes", "NOT NULL")),
        ("PRIMARY KEY (level, idx)",)),
    Table("checkpoints", (
        Column("size", "bigint", "PRIMARY KEY"), Column("note", "text", "NOT NULL"),
        Column("signed_at", "bigint", "NOT NULL"))),
    Table("keys", (
        Column("kid", "bytes", "PRIMARY KEY"), Column("suite", "text", "NOT NULL"),
        Column("public_key", "bytes", "NOT NULL"), Column("role", "text", "NOT NULL"),
        Column("subject", "text", "NOT NULL"), Column("department", "text"),
        Column("enrolled_idx", "bigint", "NOT NULL"), Column("revoked_idx", "bigint"),
        Column("changed_idx", "bigint", "NOT NULL"))),
    Index("keys_changed", "keys", ("changed_idx",)),
    Table("nonces", (
        Column("kid", "bytes", "NOT NULL"), Column("nonce", "bytes", "NOT NULL"),
        Column("seen_at", "bigint", "NOT NULL")), ("PRIMARY KEY (kid, nonce)",)),
    Table("cosigners", (Column("name", "text", "PRIMARY KEY"), Column("size", "bigint", "NOT NULL"))),
    Table("witnessed", (
        Column("origin", "text", "PRIMARY KEY"), Column("size", "bigint", "NOT NULL"),
        Column("root", "bytes", "NOT NULL"), Column("checkpoint", "text", "NOT NULL"))),
    Table("forks", (
        Column("id", "serial"), Column("origin", "text", "NOT NULL"), Column("held", "text", "NOT NULL"),
        Column("offered", "text", "NOT NULL"), Column("old_size", "bigint", "NOT NULL"),
        Column("proof", "text", "NOT NULL"), Column("reason", "text", "NOT NULL"),
        Column("received_at", "bigint", "NOT NULL"))),
    # 统一窗口出件: a case's sealed result, uploaded by the department's records office, served to the office whose
    # window accepted the case. New in version 2.
    Table("case_results", (
        Column("case_id", "text", "PRIMARY KEY"), Column("office", "text", "NOT NULL"),
        Column("digest", "bytes", "NOT NULL"), Column("data", "bytes", "NOT NULL"),
        Column("stored_at", "bigint", "NOT NULL"))),
)  # fmt: skip
