"""Plan linkage 3+1 (链动3+1, rules §1–§8): allocation with quota, points, mutual fund, pools."""

from graph.plans.linkage import plugin as plugin
