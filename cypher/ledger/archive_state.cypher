// Where the move of $period to the archive stands: done (a DONE close run of it exists, or a
// module's run of it is DONE), running (a close of it has started and is not done), archived
// (the ArchivedPeriod's fields, null before it is recorded; orders / refunds null for a period
// moved before orders moved too; holdings / activity null for one moved before they moved too).
OPTIONAL MATCH (r:PeriodRun {period: $period})
WITH collect(r.state) AS states
OPTIONAL MATCH (a:ArchivedPeriod {period: $period})
RETURN size([s IN states WHERE s = 'DONE']) > 0 AS done, size([s IN states WHERE s <> 'DONE']) > 0 AS running,
       CASE WHEN a IS NULL THEN NULL ELSE
         {period: a.period, rows: a.rows, ranks: coalesce(a.ranks, 0), cents: a.cents, sha256: a.sha256,
          removed: coalesce(a.removed, false), orders: a.orders, refunds: a.refunds,
          holdings: a.holdings, activity: a.activity}
       END AS archived
