// Orders a crash left half-done: booked by their allocation statement but without the
// effects the plan's modules book after it (earlier versions wrote an order in two
// statements). Oldest first, at most $limit. Returns id.
MATCH (o:Order)
WHERE o.effects IS NULL AND o.settle IS NULL
RETURN o.id AS id
ORDER BY o.at, o.id
LIMIT $limit
