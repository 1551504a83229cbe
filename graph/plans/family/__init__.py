"""Plan family (rules §10): families, activity, the leader's commission, team health."""

from graph.plans.family import plugin as plugin
