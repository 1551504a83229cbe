"""Cypher queries, one per file; `graph.store` loads them by name (file name without `.cypher`)."""
