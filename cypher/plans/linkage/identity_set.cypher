// Sets member $id's identity (rules §6: PARTNER, COFOUNDER, DIRECTOR; null revokes) and moves
// the graph's version, so that a write computed from what was read before (an order, an
// engine's in-process working set: graph.working_set) is computed again.
// Returns id; no row for an unknown member (then nothing changes).
MATCH (m:Member {id: $id})
MATCH (v:Meta {key: 'version'})
SET m.identity = $identity, v.value = v.value + 1
RETURN m.id AS id
