// Ids of the orders of $period booked at the differential close that are not closed yet,
// in id order. Returns id.
MATCH (o:Order {period: $period})
WHERE o.settle = 'differential' AND o.closed_in IS NULL
RETURN o.id AS id
ORDER BY id
