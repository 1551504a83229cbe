// The closed periods moved to the archive (graph/ledger/history.py), oldest first: period,
// removed (true once the period's entries, orders and refunds are gone from the graph), rows,
// cents, sha256, orders (rows of orders.parquet; null for a period moved before orders moved too),
// closing false. Then the periods not archived yet whose month close wrote its entries to a
// close file (issue 18, graph/ledger/close_file.py; recorded on the run): closing true, removed
// false, rows, cents and sha256 of that file, orders null.
MATCH (a:ArchivedPeriod)
RETURN a.period AS period, coalesce(a.removed, false) AS removed, a.rows AS rows, a.cents AS cents,
       a.sha256 AS sha256, a.orders AS orders, false AS closing
ORDER BY period
UNION ALL
MATCH (r:PeriodRun)
WHERE r.close_sha256 IS NOT NULL
OPTIONAL MATCH (a:ArchivedPeriod {period: r.period})
WITH r, a
WHERE a IS NULL
RETURN r.period AS period, false AS removed, r.close_rows AS rows, r.close_cents AS cents,
       r.close_sha256 AS sha256, null AS orders, true AS closing
