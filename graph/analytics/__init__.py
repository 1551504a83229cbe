"""Reading the network as a whole, read-only: people's own Cypher (`explore`), a bulk snapshot,
network metrics (`report`) and tree exports (`export`)."""
