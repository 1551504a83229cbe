// The period run $id (e.g. 'differential:2026-11') and the graph version.
// Returns one row: version, and run ({id, plan, period, state, orders, entries, total,
// started_at, finished_at, plan_version}, money in cents) or null when that period never ran.
MATCH (v:Meta {key: 'version'})
OPTIONAL MATCH (r:PeriodRun {id: $id})
RETURN v.value AS version,
       CASE WHEN r IS NULL THEN NULL ELSE
         {id: r.id, plan: r.plan, period: r.period, state: r.state, orders: r.orders, entries: r.entries,
          total: r.total, started_at: r.started_at, finished_at: r.finished_at,
          plan_version: r.plan_version} END AS run
