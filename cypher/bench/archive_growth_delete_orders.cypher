// Bench only (bench/archive_growth.py): deletes every Holding and Order with its relationships,
// to measure what they cost in the database's memory. Returns nothing.
MATCH (h:Holding)
DELETE h
WITH count(*) AS holdings
MATCH (o:Order)
DETACH DELETE o
