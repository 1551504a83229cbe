// The change log of family $family_id (created, joined, role changed, removed), oldest first (by the graph version of the change):
// rows of member_id, action, role, previous_role, reason, at.
MATCH (c:FamilyChange)-[:OF]->(f:Family {id: $family_id})
RETURN c.member_id AS member_id, c.action AS action, c.role AS role,
       c.previous_role AS previous_role, c.reason AS reason, c.at AS at
ORDER BY c.seq
