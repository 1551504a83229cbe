// What the graph's refunds took of each order among $ids (cents), leaving out the refunds of
// the periods $archived (recorded in the archive, still being removed: read from the files).
// Returns id, refunded; orders without refunds have no row.
UNWIND $ids AS wanted
MATCH (r:Refund {order_id: wanted})
WHERE NOT coalesce(r.archive, '') IN $archived
RETURN wanted AS id, sum(r.amount) AS refunded
