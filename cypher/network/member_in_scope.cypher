// Whether member $id lies below member $root in the sponsor tree and in the placement tree
// (a member's own network). Returns one row: sponsor, placement (booleans).
OPTIONAL MATCH (x:Member {id: $id})-[:SPONSORED_BY*1..100000]->(s:Member {id: $root})
WITH count(s) AS sponsored
OPTIONAL MATCH (y:Member {id: $id})-[:PLACED_UNDER*1..100000]->(p:Member {id: $root})
RETURN sponsored > 0 AS sponsor, count(p) > 0 AS placement
