// How many orders of period $period or earlier have their dividend and shareholder pools still
// open (indexed `pools_open`): the linkage close splits from linkage_close_open_orders only when
// that read saw them all. Returns orders.
MATCH (o:Order)
WHERE o.pools_open <= $period
RETURN count(o) AS orders
