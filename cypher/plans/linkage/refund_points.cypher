// What a refund of order $id takes back of its points (rules §5): its holding (null when none:
// units left, issued, sold, seq, active, member_id, amount; ten-thousandths and cents) and the
// points market of the points pool (market: F in cents, units: N, last_num / last_den: the last price).
OPTIONAL MATCH (h:Holding {id: $id})
OPTIONAL MATCH (p:Pool {name: 'points'})
RETURN CASE WHEN h IS NULL THEN NULL ELSE
         {id: h.id, member_id: h.member_id, order_id: h.order_id, amount: h.amount, units: h.units,
          issued: h.issued, sold: h.sold, seq: h.seq, active: h.active} END AS holding,
       coalesce(p.market, 0) AS market, coalesce(p.units, 0) AS units, p.last_num AS last_num,
       p.last_den AS last_den
