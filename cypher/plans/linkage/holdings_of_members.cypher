// The holdings (rules §5) of members $ids that still hold points. Returns each holding's fields.
UNWIND $ids AS wanted
MATCH (h:Holding {member_id: wanted})
WHERE h.active = true
RETURN h.id AS id, h.member_id AS member_id, h.order_id AS order_id, h.amount AS amount,
       h.units AS units, h.sold AS sold, h.seq AS seq, h.active AS active
