// Records plan version $version (content hash $hash, plan $name, read from $source) the first
// time an engine runs it: first_used_at = $at (epoch ms) then, never changed afterwards.
// Returns version and first_used_at.
MERGE (p:PlanVersion {version: $version})
ON CREATE SET p.hash = $hash, p.name = $name, p.source = $source, p.first_used_at = $at
RETURN p.version AS version, p.first_used_at AS first_used_at
