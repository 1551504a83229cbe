// The ids of members $ids and of all their placement ancestors, each once (a batch of
// registrations then reads those it has not read yet in one statement: graph.network.batch).
UNWIND $ids AS wanted
MATCH (x:Member {id: wanted})-[:PLACED_UNDER*0..100000]->(u:Member)
RETURN DISTINCT u.id AS id
