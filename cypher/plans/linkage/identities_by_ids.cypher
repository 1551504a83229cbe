// Identities (rules §6) of members $ids, for DataLoaders. Returns id, identity (null: none).
UNWIND $ids AS wanted
MATCH (m:Member {id: wanted})
RETURN m.id AS id, m.identity AS identity
