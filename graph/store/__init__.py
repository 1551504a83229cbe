"""The database behind one interface: the `Store` protocol, named queries from `cypher/`, the
guarded write, the FalkorDB (embedded or external) and Neo4j backends, and schema set-up."""
