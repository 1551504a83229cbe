"""The linkage plan (链动3+1): an order's allocation, its effects (points market, withdrawals
and the mutual fund, identities) and the month close of its pools. `x.py` holds the pure rule,
`x_store.py` its graph side; `plugin` plugs them into the engine, `refunds` is what a refund
takes back beyond the allocation."""

from graph.plans.linkage import plugin as plugin
