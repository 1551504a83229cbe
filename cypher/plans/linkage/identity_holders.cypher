// Members holding an identity (rules §6) among $identities. Returns id, identity.
UNWIND $identities AS wanted
MATCH (m:Member {identity: wanted})
RETURN m.id AS id, m.identity AS identity
