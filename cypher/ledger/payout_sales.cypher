// What was sold between $from (inclusive) and $to (exclusive), epoch ms: sold (cents of the
// orders dated in the range, every plan) and refunded (cents of the refunds dated in it),
// leaving out the orders and refunds of the periods $archived (recorded in the archive, still
// being removed: read from the files). Sums are read back as integers by graph.ledger.payout.
OPTIONAL MATCH (o:Order)
WHERE o.at >= $from AND o.at < $to AND NOT coalesce(o.archive, '') IN $archived
WITH coalesce(sum(o.amount), 0) AS sold
OPTIONAL MATCH (r:Refund)
WHERE r.at >= $from AND r.at < $to AND NOT coalesce(r.archive, '') IN $archived
RETURN sold, coalesce(sum(r.amount), 0) AS refunded
