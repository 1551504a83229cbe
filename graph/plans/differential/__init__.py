"""The differential plan (rules §9): `rules` is the pure bonus computation, `close` books the
month close, `plugin` plugs both into the engine (orders wait for their month)."""

from graph.plans.differential import plugin as plugin
