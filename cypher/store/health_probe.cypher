// Proves the graph can be read and written: touches the health marker. Returns version.
MERGE (h:Meta {key: 'health'})
SET h.at = $now
WITH h
MATCH (v:Meta {key: 'version'})
RETURN v.value AS version
