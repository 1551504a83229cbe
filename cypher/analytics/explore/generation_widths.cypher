// The width of each generation of member $id's sponsor downline (generation 1 = its direct
// referrals), down to 64 generations, with how many of each are agents or bosses.
// Returns generation, members, active (agents + bosses), ordered by generation.
MATCH (top:Member {id: $id})<-[:SPONSORED_BY*1..64]-(d:Member)
RETURN d.sponsor_depth - top.sponsor_depth AS generation, count(d) AS members,
       sum(CASE WHEN d.status IN ['AGENT', 'BOSS'] THEN 1 ELSE 0 END) AS active
ORDER BY generation
