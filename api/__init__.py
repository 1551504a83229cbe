"""refnet's surfaces: GraphQL over HTTP and the command line. They only translate into `graph/` calls."""
