// Which of $ids a member ($me) may read in full: itself and every member below it in the
// sponsor tree or the placement tree. Returns one row per such id.
UNWIND $ids AS id
MATCH (x:Member {id: id})
OPTIONAL MATCH (x)-[:SPONSORED_BY*1..100000]->(s:Member {id: $me})
OPTIONAL MATCH (x)-[:PLACED_UNDER*1..100000]->(p:Member {id: $me})
WITH x, count(s) AS sponsored, count(p) AS placed
WHERE x.id = $me OR sponsored > 0 OR placed > 0
RETURN x.id AS id
