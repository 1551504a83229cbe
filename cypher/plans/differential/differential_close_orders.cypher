// The differential close's read of the orders of $period ('YYYY-MM'): every order of the month
// booked at a differential close (closed or not: all count for its volumes), and the open late
// orders of earlier, closed months recorded for this close (settle_in = $period, docs/periods.md).
// Returns id, buyer_id, amount (cents, net of refunds), period (the order's own month),
// referrer_id, at, closed (closed_in is set), settle_in (the month whose close books it).
MATCH (o:Order {period: $period})
WHERE o.settle = 'differential'
RETURN o.id AS id, o.buyer_id AS buyer_id, o.amount - coalesce(o.refunded, 0) AS amount, o.period AS period,
       o.referrer_id AS referrer_id, o.at AS at, o.closed_in IS NOT NULL AS closed, o.settle_in AS settle_in
UNION ALL
MATCH (o:Order {settle_in: $period})
WHERE o.settle = 'differential' AND o.closed_in IS NULL AND o.period <> $period
RETURN o.id AS id, o.buyer_id AS buyer_id, o.amount - coalesce(o.refunded, 0) AS amount, o.period AS period,
       o.referrer_id AS referrer_id, o.at AS at, false AS closed, o.settle_in AS settle_in
