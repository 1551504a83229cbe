// Ids of the orders booked at the differential close of $period that are not closed yet: the orders of $period, and late orders of earlier, closed months recorded for this
// close (settle_in = $period, docs/periods.md). Returns id.
MATCH (o:Order {period: $period})
WHERE o.settle = 'differential' AND o.closed_in IS NULL
RETURN o.id AS id
UNION
MATCH (o:Order {settle_in: $period})
WHERE o.settle = 'differential' AND o.closed_in IS NULL
RETURN o.id AS id
