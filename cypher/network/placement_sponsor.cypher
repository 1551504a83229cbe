// What registering $new_id under sponsor $id reads: the graph version, whether $new_id is
// taken, whether landing slug $slug_key is taken ('' for none: a null key would make FalkorDB
// scan every member), the sponsor's kind and its own sponsor's id and kind (rules §9: who may
// register under whom), and the sponsor's referrals, rotation offset and lines with their
// sizes and first free positions (r = Meta.rotation_runs - full_at, 0 while not full). Returns one row; id is null for an unknown sponsor.
MATCH (v:Meta {key: 'version'})
OPTIONAL MATCH (taken:Member {id: $new_id})
OPTIONAL MATCH (slugged:Member {landing_slug: $slug_key})
OPTIONAL MATCH (s:Member {id: $id})
OPTIONAL MATCH (s)-[:SPONSORED_BY]->(ss:Member)
OPTIONAL MATCH (c:Member)-[l:PLACED_UNDER]->(s)
RETURN v.value AS version, taken IS NOT NULL AS taken, slugged IS NOT NULL AS slug_taken,
       s.id AS id, s.kind AS kind, ss.id AS sponsor_id, ss.kind AS sponsor_kind,
       s.referrals AS referrals, coalesce(v.rotation_runs - s.full_at, 0) AS r, s.depth AS depth, s.seq AS seq,
       collect(CASE WHEN c IS NULL THEN NULL ELSE
         {slot: l.slot, id: c.id, size: c.size,
          free_id: c.free_id, free_depth: c.free_depth, free_seq: c.free_seq} END) AS lines
