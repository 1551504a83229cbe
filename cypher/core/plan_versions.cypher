// Every plan version an engine ran, first used first: version, hash, name, source,
// first_used_at (epoch ms).
MATCH (p:PlanVersion)
RETURN p.version AS version, p.hash AS hash, p.name AS name, p.source AS source, p.first_used_at AS first_used_at
ORDER BY first_used_at, version
