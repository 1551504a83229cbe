// The ledger between $from (inclusive) and $to (exclusive), epoch ms of the entries' `at`,
// grouped: rule, status, revenue (true for an order's allocation entries and their refunds'
// reversals: they add up to the orders' net amounts), cents (sum of amounts), entries (count).
MATCH (e:Entry)
WHERE e.at >= $from AND e.at < $to
WITH e.rule AS rule, e.status AS status,
     (e.order_id IS NOT NULL AND (e.id STARTS WITH 'order:' OR e.id STARTS WITH 'refund:')) AS revenue,
     e.amount AS amount
RETURN rule, status, revenue, sum(amount) AS cents, count(*) AS entries
