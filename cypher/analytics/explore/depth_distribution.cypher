// Depth distribution of the placement tree: how many members sit at each depth (a root is at
// depth 0) and how many of them are agents or bosses. No parameters.
// Returns depth, members, agents, bosses, ordered by depth.
MATCH (m:Member)
RETURN m.depth AS depth, count(m) AS members,
       sum(CASE WHEN m.status = 'AGENT' THEN 1 ELSE 0 END) AS agents,
       sum(CASE WHEN m.status = 'BOSS' THEN 1 ELSE 0 END) AS bosses
ORDER BY depth
