// The ledger between $from (inclusive) and $to (exclusive), epoch ms of the entries' `at`,
// grouped: rule, status, revenue (true for an order's allocation entries and their refunds'
// reversals, whose ids start with one of $revenue (graph.ledger.entry_ids.revenue_prefixes): they add
// up to the orders' net amounts), cents (sum of amounts), entries (count).
// $archived: periods whose entries are read from the archive (left out here).
MATCH (e:Entry)
WHERE e.at >= $from AND e.at < $to AND NOT coalesce(e.period, '') IN $archived
WITH e.rule AS rule, e.status AS status,
     (e.order_id IS NOT NULL AND any(prefix IN $revenue WHERE e.id STARTS WITH prefix)) AS revenue,
     e.amount AS amount
RETURN rule, status, revenue, sum(amount) AS cents, count(*) AS entries
