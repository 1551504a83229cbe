// The rotation counters: runs (Meta.rotation_runs, the rotation runs so far; a member's offset
// r is runs minus its full_at) and full_members (members with three placement children).
MATCH (v:Meta {key: 'version'})
RETURN v.rotation_runs AS runs, v.full_members AS full_members
