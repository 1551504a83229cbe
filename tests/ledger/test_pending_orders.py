"""What an order batch keeps pending (`graph.ledger.order_batch.PendingOrders`): the holdings a
later order of the batch asks for by cap are those a walk over every pending holding finds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graph.ledger.drafts import Changes
from graph.ledger.order_batch import PendingOrders

# (holding id, cap_key or None: sold out) merged in turn, as the batch's orders change holdings
merges = st.lists(st.tuples(st.sampled_from(["h1", "h2", "h3", "h4", "h5"]),
                            st.one_of(st.none(), st.integers(0, 40))), max_size=30)


def walked(pending: PendingOrders, key: int) -> list[dict]:
    """The holdings whose cap the price `key` reached, by a walk over all of them."""
    return [row for row in pending.holdings.values() if row["cap_key"] is not None and row["cap_key"] <= key]


@given(merges, st.integers(-1, 45))
def test_capped_holdings_are_those_a_walk_finds_in_its_order(steps, key):
    pending = PendingOrders()
    for holding_id, cap_key in steps:
        changes = Changes()
        changes.holdings[holding_id] = {"id": holding_id, "units": 5, "active": cap_key is not None,
                                        "cap_key": cap_key}
        pending.add_changes(changes)
        assert pending.capped_holdings(key) == walked(pending, key)
