// For each still open order of $ids: the graph version, the order's id, amount (cents, net of refunds),
// referrer and time, the buyer's id and kind, and the buyer's whole sponsor upline walked with
// one variable-length pattern, as three aligned lists: up_ids, up_kinds and up_depths
// (sponsor_depth, the root 0; empty lists for a root buyer). Lists of scalars, not maps:
// the client reads them several times faster.
// Returns version, id, amount, referrer_id, at, buyer_id, buyer_kind, up_ids, up_kinds, up_depths.
MATCH (v:Meta {key: 'version'})
WITH v.value AS version
UNWIND $ids AS wanted
MATCH (o:Order {id: wanted})-[:BOUGHT_BY]->(b:Member)
WHERE o.closed_in IS NULL
OPTIONAL MATCH (b)-[:SPONSORED_BY*1..100000]->(u:Member)
RETURN version, o.id AS id, o.amount - coalesce(o.refunded, 0) AS amount, o.referrer_id AS referrer_id, o.at AS at,
       b.id AS buyer_id, b.kind AS buyer_kind,
       collect(u.id) AS up_ids, collect(u.kind) AS up_kinds, collect(u.sponsor_depth) AS up_depths
