// How many of the orders $ids are closed. Returns closed.
UNWIND $ids AS wanted
MATCH (o:Order {id: wanted})
WHERE o.closed_in IS NOT NULL
RETURN count(o) AS closed
