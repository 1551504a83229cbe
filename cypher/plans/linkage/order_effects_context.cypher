// What an order changes after its allocation (graph/plans/linkage/order_effects.py) reads: whether its
// effects are booked, the order, its buyer and the buyer's sponsor. Returns one row; order is
// null when there is no order $id.
MATCH (v:Meta {key: 'version'})
OPTIONAL MATCH (o:Order {id: $id})
OPTIONAL MATCH (o)-[:BOUGHT_BY]->(b:Member)
OPTIONAL MATCH (b)-[:SPONSORED_BY]->(s:Member)
RETURN v.value AS version,
       CASE WHEN o IS NULL THEN NULL ELSE
         {id: o.id, amount: o.amount, at: o.at, period: o.period, effects: coalesce(o.effects, false)} END AS order,
       CASE WHEN b IS NULL THEN NULL ELSE
         {id: b.id, identity: b.identity, agent_referrals: coalesce(b.agent_referrals, 0)} END AS buyer,
       CASE WHEN s IS NULL THEN NULL ELSE
         {id: s.id, identity: s.identity, agent_referrals: coalesce(s.agent_referrals, 0)} END AS sponsor
