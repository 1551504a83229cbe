"""The family plan: families and their members, activity, weekly commission, health and the
activity chart; `plugin` plugs its period close into the engine."""

from graph.plans.family import plugin as plugin
