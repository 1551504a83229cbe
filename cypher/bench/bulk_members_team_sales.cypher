// Bulk load (benches): sets members' all-time sponsor-downline sales, $rows: [{id, team_sales
// (cents)}]. Not guarded: the caller owns the graph. Returns changed.
UNWIND $rows AS row
MATCH (m:Member {id: row.id})
SET m.team_sales = row.team_sales
RETURN count(m) AS changed
