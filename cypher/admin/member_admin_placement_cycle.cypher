// Whether member $to is in the placement subtree of member $id (a placement move of $id under
// $to would make a cycle). Returns cycle.
MATCH (t:Member {id: $to})
OPTIONAL MATCH (t)-[c:PLACED_UNDER*1..100000]->(m:Member {id: $id})
RETURN count(m) > 0 AS cycle
