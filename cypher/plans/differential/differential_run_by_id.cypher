// The period run $id (e.g. 'differential:2026-11') and the graph version.
// Returns one row: version, and run (the one run shape of ledger/period_run, money in cents,
// with the close file a close written to the archive recorded: close_sha256, close_batch (its
// members per counter batch), close_batches (batches booked); null without one) or null when
// that period never ran.
MATCH (v:Meta {key: 'version'})
OPTIONAL MATCH (r:PeriodRun {id: $id})
RETURN v.value AS version,
       CASE WHEN r IS NULL THEN NULL ELSE
         {id: r.id, plan: r.plan, period: r.period, state: r.state, orders: r.orders, entries: r.entries,
          total: r.total, booked: r.booked, paid: r.paid, retained: r.retained, steps: r.steps,
          started_at: r.started_at, finished_at: r.finished_at, plan_version: r.plan_version,
          close_sha256: r.close_sha256, close_batch: r.close_batch, close_batches: r.close_batches} END AS run
