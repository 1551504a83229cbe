// Bulk load (benches): sets pool $name's balance to $balance (cents), creating the pool if
// needed. Not guarded: the caller owns the graph. Returns balance.
MERGE (p:Pool {name: $name})
SET p.balance = $balance
RETURN p.balance AS balance
