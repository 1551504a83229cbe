// Creates the version counter if it is missing. Returns version.
MERGE (v:Meta {key: 'version'})
ON CREATE SET v.value = 0
RETURN v.value AS version
