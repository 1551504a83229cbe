// The plan this data dir runs, recorded at its first start: name, ref (a shipped plan's name or
// the plan file's absolute path), version, at (epoch ms of the recording). No row before then.
MATCH (p:Meta {key: 'plan'})
RETURN p.name AS name, p.ref AS ref, p.version AS version, p.at AS at
