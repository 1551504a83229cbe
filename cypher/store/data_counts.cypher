// How much a data dir holds (restore and backup checks): members, orders, entries.
MATCH (n)
WHERE n:Member OR n:Order OR n:Entry
RETURN sum(CASE WHEN n:Member THEN 1 ELSE 0 END) AS members,
       sum(CASE WHEN n:Order THEN 1 ELSE 0 END) AS orders,
       sum(CASE WHEN n:Entry THEN 1 ELSE 0 END) AS entries
