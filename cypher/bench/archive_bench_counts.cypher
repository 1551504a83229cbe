// Bench only (bench/archive.py): what the graph still holds after a month's move: orders,
// refunds, holdings (all) and holdings that still hold points (units > 0), entries.
MATCH (n)
WHERE n:Order OR n:Refund OR n:Holding OR n:Entry
RETURN sum(CASE WHEN n:Order THEN 1 ELSE 0 END) AS orders,
       sum(CASE WHEN n:Refund THEN 1 ELSE 0 END) AS refunds,
       sum(CASE WHEN n:Holding THEN 1 ELSE 0 END) AS holdings,
       sum(CASE WHEN n:Holding AND n.units > 0 THEN 1 ELSE 0 END) AS holding_points,
       sum(CASE WHEN n:Entry THEN 1 ELSE 0 END) AS entries
