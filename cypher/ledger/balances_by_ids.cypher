// Balance counters of members, for DataLoaders (cents): paid, withdrawn, frozen, burned,
// quota, quota_used, packages, and points (ten-thousandths); missing counters are 0.
UNWIND $ids AS wanted
MATCH (m:Member {id: wanted})
RETURN m.id AS id, coalesce(m.paid, 0) AS paid, coalesce(m.withdrawn, 0) AS withdrawn,
       coalesce(m.frozen, 0) AS frozen, coalesce(m.burned, 0) AS burned,
       coalesce(m.quota, 0) AS quota, coalesce(m.quota_used, 0) AS quota_used,
       coalesce(m.packages, 0) AS packages,
       coalesce(m.points, 0) AS points
