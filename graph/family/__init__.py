"""Plan `family` (rules §10): families, their activity, the leader's commission, team health."""
