// The differential close's read of the orders of $period ('YYYY-MM'): every order of the month
// booked at a differential close (closed or not: all count for its volumes), and the open late
// orders of earlier, closed months recorded for this close (settle_in = $period, docs/periods.md).
// Two rows (the month's, the late ones) of aligned lists, read several times faster than a row
// per order; collect() drops nulls, hence '' for none. Returns ids, buyer_ids, amounts (cents,
// net of refunds), periods (the order's own month), referrer_ids ('' for none), ats, closed
// (closed_in is set), settle_ins (the month whose close books it, '' for none).
MATCH (o:Order {period: $period})
WHERE o.settle = 'differential'
RETURN collect(o.id) AS ids, collect(o.buyer_id) AS buyer_ids, collect(o.amount - coalesce(o.refunded, 0)) AS amounts,
       collect(o.period) AS periods, collect(coalesce(o.referrer_id, '')) AS referrer_ids, collect(o.at) AS ats,
       collect(o.closed_in IS NOT NULL) AS closed, collect(coalesce(o.settle_in, '')) AS settle_ins
UNION ALL
MATCH (o:Order {settle_in: $period})
WHERE o.settle = 'differential' AND o.closed_in IS NULL AND o.period <> $period
RETURN collect(o.id) AS ids, collect(o.buyer_id) AS buyer_ids, collect(o.amount - coalesce(o.refunded, 0)) AS amounts,
       collect(o.period) AS periods, collect(coalesce(o.referrer_id, '')) AS referrer_ids, collect(o.at) AS ats,
       collect(false) AS closed, collect(coalesce(o.settle_in, '')) AS settle_ins
