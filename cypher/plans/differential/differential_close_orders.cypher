// The differential close's read of the orders of $period ('YYYY-MM'): every order of the month
// booked at a differential close (closed or not: all count for its volumes), and the open late
// orders of earlier, closed months recorded for this close (settle_in = $period, docs/periods.md).
// Two rows (the month's, the late ones) of aligned lists: a close reads ~200,000 orders and
// each value sent costs ~2 µs between the server and the client, so what varies per order is
// packed into one text (ids never hold a space), the rest sent as short lists of the orders it
// concerns (collect() drops nulls). Returns ids; facts ('<cents net of refunds> <at> <buyer id>');
// periods (the order's own month; [] in the month's row: all are $period); referred_ids with
// referrer_ids (aligned: the orders that have a referrer); closed_ids (closed_in is set);
// deferred_ids (the month's orders whose settle_in names another month).
MATCH (o:Order {period: $period})
WHERE o.settle = 'differential'
RETURN collect(o.id) AS ids,
       collect(toString(o.amount - coalesce(o.refunded, 0)) + ' ' + toString(o.at) + ' ' + o.buyer_id) AS facts,
       [] AS periods,
       collect(CASE WHEN o.referrer_id IS NOT NULL THEN o.id END) AS referred_ids, collect(o.referrer_id) AS referrer_ids,
       collect(CASE WHEN o.closed_in IS NOT NULL THEN o.id END) AS closed_ids,
       collect(CASE WHEN o.settle_in IS NOT NULL AND o.settle_in <> '' AND o.settle_in <> $period THEN o.id END) AS deferred_ids
UNION ALL
MATCH (o:Order {settle_in: $period})
WHERE o.settle = 'differential' AND o.closed_in IS NULL AND o.period <> $period
RETURN collect(o.id) AS ids,
       collect(toString(o.amount - coalesce(o.refunded, 0)) + ' ' + toString(o.at) + ' ' + o.buyer_id) AS facts,
       collect(o.period) AS periods,
       collect(CASE WHEN o.referrer_id IS NOT NULL THEN o.id END) AS referred_ids, collect(o.referrer_id) AS referrer_ids,
       [] AS closed_ids, [] AS deferred_ids
