// A member's withdrawal state (rules §6): the graph version and its counters in cents.
// Returns one row; id is null for an unknown member.
MATCH (v:Meta {key: 'version'})
OPTIONAL MATCH (m:Member {id: $id})
RETURN v.value AS version, m.id AS id, coalesce(m.paid, 0) AS paid, coalesce(m.withdrawn, 0) AS withdrawn,
       coalesce(m.frozen, 0) AS frozen, coalesce(m.fund_released, false) AS released,
       coalesce(m.points, 0) AS points
