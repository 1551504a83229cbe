"""refnet's network surface: GraphQL (strawberry) and the HTTP routes beside it (export, chart),
one module per feature. They only translate into `graph/` calls; the command line is `cli/`."""
