// What refunding order $order_id with refund id $id reads first: the graph version, the refund
// if one with that id exists (for idempotency) and the order (amount and refunded in cents;
// level_closed / pools_closed: the month whose close split its pool shares, null while open;
// settle = 'differential' for an order booked by its month's close, closed_in = that month;
// effects: whether its modules' effects were booked). Returns one row; existing / order are null
// when missing (an archived order is read from the archive: graph.ledger.orders.archived_orders).
MATCH (v:Meta {key: 'version'})
OPTIONAL MATCH (r:Refund {id: $id})
OPTIONAL MATCH (o:Order {id: $order_id})
RETURN v.value AS version,
       CASE WHEN r IS NULL THEN NULL ELSE
         {id: r.id, order_id: r.order_id, amount: r.amount, reason: r.reason, at: r.at, period: r.period,
          plan_version: r.plan_version} END AS existing,
       CASE WHEN o IS NULL THEN NULL ELSE
         {id: o.id, buyer_id: o.buyer_id, amount: o.amount, refunded: coalesce(o.refunded, 0), at: o.at,
          period: o.period, level_closed: o.level_closed, pools_closed: o.pools_closed, settle: o.settle,
          closed_in: o.closed_in, effects: o.effects IS NOT NULL} END AS order
