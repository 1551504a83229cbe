// Records period $period as archived once its files are written and checked: rows, ranks (rank
// history records), cents (sum), rules / rule_cents (sums per rule), sha256 of entries.parquet,
// orders / refunds / holdings / activity (rows of orders.parquet, refunds.parquet, holdings.parquet,
// activity.parquet), at (ms). Idempotent: a period
// recorded before keeps its record. Returns period, rows, sha256 (the stored ones).
MERGE (a:ArchivedPeriod {period: $period})
ON CREATE SET a.rows = $rows, a.ranks = $ranks, a.cents = $cents, a.rules = $rules, a.rule_cents = $rule_cents,
              a.sha256 = $sha256, a.at = $at, a.removed = false, a.orders = $orders, a.refunds = $refunds,
              a.holdings = $holdings, a.activity = $activity
RETURN a.period AS period, a.rows AS rows, a.sha256 AS sha256
