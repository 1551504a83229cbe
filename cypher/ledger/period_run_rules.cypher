// The entries closing $period booked, by rule and status: those of the period whose id starts
// with one of $prefixes (graph.ledger.preview.run_prefixes: a close's sources). Returns rule,
// status, cents (sum, read back as an integer), entries (count).
// $archived: periods whose entries are read from the archive (left out here).
MATCH (e:Entry {period: $period})
WHERE NOT coalesce(e.period, '') IN $archived AND any(prefix IN $prefixes WHERE e.id STARTS WITH prefix)
RETURN e.rule AS rule, e.status AS status, sum(e.amount) AS cents, count(e) AS entries
