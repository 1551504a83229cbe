// Every active points holding (rules §5; only active holdings have a cap_key), for the working
// set (graph.working_set), with the graph's version. Same columns as holdings_capped.
MATCH (v:Meta {key: 'version'})
MATCH (h:Holding)
WHERE h.cap_key IS NOT NULL
RETURN v.value AS version, h.id AS id, h.member_id AS member_id, h.order_id AS order_id, h.amount AS amount,
       h.units AS units, h.sold AS sold, h.seq AS seq, h.active AS active, h.cap_key AS cap_key
