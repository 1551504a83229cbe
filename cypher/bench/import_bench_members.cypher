// Bench baseline (bench/import.py): the members of an import file bulk-created with one bare
// statement per batch, from $rows: [{id, name, kind, created_at}]. Returns created.
UNWIND $rows AS row
CREATE (x:Member {id: row.id, name: row.name, kind: row.kind, created_at: row.created_at})
RETURN count(x) AS created
