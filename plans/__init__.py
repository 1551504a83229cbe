"""The shipped plan files, one TOML per seed: loaded by `graph.plan` by name."""
