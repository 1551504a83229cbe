// What refunds' reversals in the graph took of entries $ids (archived entries a refund
// reverses; $archived: periods read from the archive, left out): one row per id that has
// reversals: id, reversed (cents ≤ 0, read back as a number).
UNWIND $ids AS wanted
MATCH (r:Entry {reverses: wanted})
WHERE NOT coalesce(r.period, '') IN $archived
RETURN wanted AS id, sum(r.amount) AS reversed
