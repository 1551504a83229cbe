"""The level step's pays worked out once per walked upline, amount and share (issue 18, fifth
round) are what the rule books for each order up its whole sponsor line, named for that order."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.core.money import from_cents
from graph.ledger.bulk_entries import ALWAYS, SOMETIMES, CloseColumns, CloseEntries
from graph.plans.linkage.close import LevelPlan, LevelSnapshot
from graph.plans.linkage.pools import LevelConfig, LevelPay, level_bookings, level_of

CONFIG = LevelConfig()
SALES = st.sampled_from([0, 999_999, 1_000_000, 5_000_000, 10_000_000, 30_000_000, 80_000_000, 200_000_000,
                         500_000_000])


@st.composite
def snapshots(draw):
    """A sponsor tree (each member sponsored by an earlier one), sales among the level
    thresholds (many members at the same level), and orders by random buyers."""
    size = draw(st.integers(1, 30))
    sponsor_of = {"m0": None} | {f"m{i}": f"m{draw(st.integers(0, i - 1))}" for i in range(1, size)}
    team_sales = {member_id: draw(SALES) for member_id in sponsor_of}
    orders = []
    for index in range(draw(st.integers(1, 25))):
        amount = draw(st.sampled_from([100_000, 500_000, 1_000_000, 123_456]))
        level = draw(st.sampled_from([amount * 3 // 100, amount // 100, 0, 7]))
        orders.append({"id": f"o{index:02}", "buyer_id": f"m{draw(st.integers(0, size - 1))}", "period": "2026-11",
                       "amount": amount, "level": level})
    return LevelSnapshot(1, sponsor_of, team_sales, orders)


def whole_upline(snapshot: LevelSnapshot, member_id: str):
    line, cursor = [], snapshot.sponsor_of[member_id]
    while cursor is not None:
        line.append((cursor, level_of(from_cents(snapshot.team_sales[cursor]), CONFIG)))
        cursor = snapshot.sponsor_of[cursor]
    return line


@settings(max_examples=200, deadline=None)
@given(snapshot=snapshots())
def test_each_order_is_booked_as_the_rule_books_it_up_its_whole_upline(snapshot):
    plan = LevelPlan(snapshot, CONFIG, "2026-11", 1, "v1", set())
    for order in snapshot.orders:
        expected = [] if order["level"] <= 0 else level_bookings(
            order["id"], from_cents(order["amount"]), from_cents(order["level"]),
            whole_upline(snapshot, order["buyer_id"]), CONFIG)
        assert plan.bookings(order) == expected


pays = st.lists(st.builds(
    LevelPay, rule=st.sampled_from(["level", "level_peer"]), status=st.sampled_from(["PAID", "RETAINED"]),
    amount=st.integers(0, 10**7).map(lambda cents: Decimal(cents) / 100),
    beneficiary_id=st.one_of(st.none(), st.sampled_from(["a", "b"])), head=st.text(max_size=10),
    tail=st.text(max_size=10)), max_size=5)


@given(orders=st.lists(st.tuples(st.sampled_from(["o1", "o2"]), pays, st.sampled_from(["", " [late]"]),
                                 st.booleans()), max_size=5))
def test_named_pays_are_the_rows_of_their_bookings(orders):
    prefix = "period:2026-11:level:"
    booked, named = CloseEntries(prefix, "2026-11", "v1"), CloseEntries(prefix, "2026-11", "v1")
    columns = CloseColumns(prefix, "2026-11", "v1")
    for order_id, paid, note, linked in orders:
        booked.add(order_id, 5, [pay.booking(order_id) for pay in paid], note, linked)
        named.add_named(order_id, 5, paid, note, linked)
        columns.add_named(order_id, 5, paid, note, linked)
    assert named.rows == booked.rows
    names = (*ALWAYS, *SOMETIMES)
    assert list(zip(*(columns.columns[name] for name in names), strict=True)) == \
        [tuple(row.get(name) for name in names) for row in booked.rows]
    for batch in (named, columns):
        assert (batch.booked, batch.paid, batch.retained, batch.rules, batch.members, batch.orders) == \
            (booked.booked, booked.paid, booked.retained, booked.rules, booked.members, booked.orders)
