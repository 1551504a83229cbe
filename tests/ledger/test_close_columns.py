"""A close's entries kept as columns for its close file (issue 18) are the rows the booking
statement takes, column by column, with the same totals and member counters."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from graph.ledger.bulk_entries import ALWAYS, SOMETIMES, CloseColumns, CloseEntries
from graph.ledger.entries import Booking

bookings = st.lists(st.builds(
    Booking, rule=st.sampled_from(["level", "differential", "recommender"]),
    status=st.sampled_from(["PAID", "RETAINED", "FROZEN", "BURNED", "POOLED"]),
    amount=st.integers(0, 10**7).map(lambda cents: Decimal(cents) / 100),
    explanation=st.text(max_size=20), beneficiary_id=st.one_of(st.none(), st.sampled_from(["a", "b", "c"])),
    pool=st.one_of(st.none(), st.just("level"))), max_size=6)
orders = st.lists(st.tuples(st.sampled_from(["o1", "o2", "o3"]), st.integers(0, 10**12), bookings,
                            st.sampled_from(["", " [late]"]), st.booleans()), max_size=5)


@given(orders=orders)
def test_columns_hold_the_rows_and_the_same_totals(orders):
    rows, columns = CloseEntries("period:2026-11:order:", "2026-11", "v1"), \
        CloseColumns("period:2026-11:order:", "2026-11", "v1")
    for order_id, at, booked, note, linked in orders:
        rows.add(order_id, at, booked, note, linked)
        columns.add(order_id, at, booked, note, linked)
    names = (*ALWAYS, *SOMETIMES)
    assert [tuple(row.get(name) for name in names) for row in rows.rows] == \
        list(zip(*(columns.columns[name] for name in names), strict=True)) and columns.rows == []
    assert columns.count == rows.count
    assert (columns.booked, columns.paid, columns.retained, columns.rules, columns.members, columns.orders) == \
        (rows.booked, rows.paid, rows.retained, rows.rules, rows.members, rows.orders)
