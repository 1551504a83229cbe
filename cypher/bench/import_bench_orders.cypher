// Bench baseline (bench/import.py): the orders of an import file bulk-created with one bare
// statement per batch, from $rows: [{id, buyer_id, amount (cents), at}]. Returns created.
UNWIND $rows AS row
MATCH (b:Member {id: row.buyer_id})
CREATE (o:Order {id: row.id, buyer_id: row.buyer_id, amount: row.amount, at: row.at})
CREATE (o)-[:BOUGHT_BY]->(b)
RETURN count(o) AS created
