// The group volume in $period ('YYYY-MM') of every partner with volume: its own orders plus
// its whole sponsor downline's, of the orders booked at the differential close (net of refunds).
// Returns id, volume (cents).
MATCH (o:Order {period: $period})-[:BOUGHT_BY]->(b:Member)
WHERE o.settle = 'differential'
MATCH (b)-[:SPONSORED_BY*0..100000]->(u:Member)
WHERE u.kind = 'PARTNER'
RETURN u.id AS id, sum(o.amount - coalesce(o.refunded, 0)) AS volume
