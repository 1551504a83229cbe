// What was sold between $from (inclusive) and $to (exclusive), epoch ms: sold (cents of the
// orders dated in the range, every plan) and refunded (cents of the refunds dated in it).
// Sums are read back as integers by graph.ledger.payout.
OPTIONAL MATCH (o:Order)
WHERE o.at >= $from AND o.at < $to
WITH coalesce(sum(o.amount), 0) AS sold
OPTIONAL MATCH (r:Refund)
WHERE r.at >= $from AND r.at < $to
RETURN sold, coalesce(sum(r.amount), 0) AS refunded
