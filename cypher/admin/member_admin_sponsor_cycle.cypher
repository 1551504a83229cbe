// Whether member $to is in the sponsor downline of member $id (a sponsor move of $id under
// $to would make a cycle). Returns cycle.
MATCH (t:Member {id: $to})
OPTIONAL MATCH (t)-[c:SPONSORED_BY*1..100000]->(m:Member {id: $id})
RETURN count(m) > 0 AS cycle
