"""Plan differential (rules §9): orders wait for their month; its close books the differential."""

from graph.plans.differential import plugin as plugin
