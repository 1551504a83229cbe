"""Cypher queries, one per file, in folders mirroring `graph/` (`ledger/`, `plans/family/`, ...).
Code names a query by its file name, or with as much of its folder as makes it unique
("ledger_by_member", "family/create"); `graph.store.store.query_path` resolves the name."""
