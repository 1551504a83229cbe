"""refnet's engine: the graph, the rules and the ledger, in feature folders (`core`, `store`,
`ledger`, `network`, `plans/<plan>`, `analytics`). Knows nothing of GraphQL. `graph.service.Refnet`
is the context every operation runs in."""
