// For each still open order of $ids, one row per member of the buyer's sponsor upline (walked
// with one variable-length pattern; one row with null up_id when the buyer is a root): the
// graph version, the order's id, amount (cents), referrer and time, the buyer's id and kind,
// and the upline member's id, kind and sponsor_depth (the root 0).
// Returns version, id, amount, referrer_id, at, buyer_id, buyer_kind, up_id, up_kind, up_depth.
MATCH (v:Meta {key: 'version'})
WITH v.value AS version
UNWIND $ids AS wanted
MATCH (o:Order {id: wanted})-[:BOUGHT_BY]->(b:Member)
WHERE o.closed_in IS NULL
OPTIONAL MATCH (b)-[:SPONSORED_BY*1..100000]->(u:Member)
RETURN version, o.id AS id, o.amount AS amount, o.referrer_id AS referrer_id, o.at AS at,
       b.id AS buyer_id, b.kind AS buyer_kind, u.id AS up_id, u.kind AS up_kind, u.sponsor_depth AS up_depth
