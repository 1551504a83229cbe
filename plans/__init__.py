"""The shipped plan files, one TOML per seed: loaded by `graph.core.plan` by name."""
