"""Where the repository is, for tests that read its files (plans, schema, docs, compose)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
