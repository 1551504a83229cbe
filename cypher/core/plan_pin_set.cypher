// Records the plan this data dir runs from now on: $name, $ref (a shipped plan's name or the
// plan file's absolute path), $version, $at (epoch ms). Returns name.
MERGE (p:Meta {key: 'plan'})
SET p.name = $name, p.ref = $ref, p.version = $version, p.at = $at
RETURN p.name AS name
