"""The `govdesk` command line: one module per area, each adding its subcommands."""
