// For each still open order of $ids: its amount (cents), referrer, time, the buyer's id and
// kind, and the buyer's whole sponsor upline ({id, kind, depth}: depth = sponsor_depth, the
// root 0) walked with one variable-length pattern, and the graph version.
// Returns version, id, amount, referrer_id, at, buyer_id, buyer_kind, upline.
MATCH (v:Meta {key: 'version'})
WITH v.value AS version
UNWIND $ids AS wanted
MATCH (o:Order {id: wanted})-[:BOUGHT_BY]->(b:Member)
WHERE o.closed_in IS NULL
OPTIONAL MATCH (b)-[:SPONSORED_BY*1..100000]->(u:Member)
RETURN version, o.id AS id, o.amount AS amount, o.referrer_id AS referrer_id, o.at AS at,
       b.id AS buyer_id, b.kind AS buyer_kind,
       collect(CASE WHEN u IS NULL THEN NULL ELSE {id: u.id, kind: u.kind, depth: u.sponsor_depth} END) AS upline
