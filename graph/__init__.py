"""refnet's engine: the graph, the rules and the ledger. Knows nothing of GraphQL."""
