// A page of the holdings marked for the archive of $period, by id after $after ('' = from the
// start), at most $limit: every field a refund of their order reads (ten-thousandths of points,
// cents).
MATCH (h:Holding {archive: $period})
WHERE h.id > $after
RETURN h.id AS id, h.member_id AS member_id, h.order_id AS order_id, h.amount AS amount, h.units AS units,
       h.issued AS issued, h.sold AS sold, h.seq AS seq, h.active AS active
ORDER BY id
LIMIT $limit
