// How much a data dir holds (restore and backup checks): members, orders, entries in the graph,
// and the archived periods with the entries and orders their files hold (issue 19).
MATCH (n)
WHERE n:Member OR n:Order OR n:Entry OR n:ArchivedPeriod
RETURN sum(CASE WHEN n:Member THEN 1 ELSE 0 END) AS members,
       sum(CASE WHEN n:Order THEN 1 ELSE 0 END) AS orders,
       sum(CASE WHEN n:Entry THEN 1 ELSE 0 END) AS entries,
       sum(CASE WHEN n:ArchivedPeriod THEN 1 ELSE 0 END) AS archived_periods,
       sum(CASE WHEN n:ArchivedPeriod THEN coalesce(n.rows, 0) ELSE 0 END) AS archived_entries,
       sum(CASE WHEN n:ArchivedPeriod THEN coalesce(n.orders, 0) ELSE 0 END) AS archived_orders
