// The closed periods moved to the archive (graph/ledger/history.py), oldest first: period,
// removed (true once the period's entries, orders and refunds are gone from the graph), rows,
// cents, sha256, orders (rows of orders.parquet; null for a period moved before orders moved too).
MATCH (a:ArchivedPeriod)
RETURN a.period AS period, coalesce(a.removed, false) AS removed, a.rows AS rows, a.cents AS cents,
       a.sha256 AS sha256, a.orders AS orders
ORDER BY period
