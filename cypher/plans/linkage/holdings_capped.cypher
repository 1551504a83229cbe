// Active holdings (rules §5) whose cap price may have been reached: cap_key <= $key (an
// indexed range; only active holdings have a cap_key). Returns each holding's fields and its
// cap_key (a batch of orders reads ahead and filters: graph.plans.linkage.batch_reads).
MATCH (h:Holding)
WHERE h.cap_key <= $key
RETURN h.id AS id, h.member_id AS member_id, h.order_id AS order_id, h.amount AS amount,
       h.units AS units, h.sold AS sold, h.seq AS seq, h.active AS active, h.cap_key AS cap_key
