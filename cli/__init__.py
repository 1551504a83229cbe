"""The `refnet` command line: `cli.main` parses and dispatches, each module adds the sub-commands
of one feature with `@command`. Calls `graph/` directly; `serve` and `schema` start `api/`."""
