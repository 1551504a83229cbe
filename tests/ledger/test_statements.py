"""Statements (issue 16): closing = opening + entries for random histories (property), months
chain (a month's closing is the next one's opening), and they agree with the payout file and
the member counters."""

from __future__ import annotations

import functools
import itertools
from datetime import datetime, timezone
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.ledger import orders, payouts, refunds, statements
from graph.ledger.entries import balance
from graph.network import members
from graph.plans.linkage.withdrawals_store import withdraw
from graph.service import Refnet

MONTHS = ("2026-09", "2026-10", "2026-11")
STARTS = [int(datetime(2026, month, 3, tzinfo=timezone.utc).timestamp() * 1000) for month in (9, 10, 11)]
PEOPLE = ("S", "A", "B", "C", "D", "E", "F")
PRICES = (Decimal("1000.00"), Decimal("5000.00"))
_graphs = itertools.count()

operation = st.tuples(
    st.integers(0, 2),  # month
    st.sampled_from(("order", "order", "withdraw", "refund")),
    st.integers(0, len(PEOPLE) - 1),
    st.integers(1, 100),  # a share, in percent
)


def run_history(rn: Refnet, history) -> None:
    members.register(rn, "Company", member_id="root")
    members.register(rn, "S", sponsor_id="root", member_id="S")
    for name in PEOPLE[1:]:
        members.register(rn, name, sponsor_id="S" if name in "ABCD" else "A", member_id=name)
    recorded: list[str] = []
    for index, (month, kind, who, percent) in enumerate(sorted(history, key=lambda op: op[0])):
        at = STARTS[month] + index * 1000
        rn.clock = functools.partial(int, at)
        person = PEOPLE[who]
        if kind == "order":
            orders.record_order(rn, f"o{index}", person, PRICES[percent % 2], at=at)
            recorded.append(f"o{index}")
        elif kind == "withdraw":
            available = balance(rn, person).available
            amount = (available * percent / 100).quantize(Decimal("0.01"))
            if amount > 0:
                withdraw(rn, person, amount)
        elif recorded:
            order_id = recorded.pop(percent % len(recorded))
            order = orders.get_order(rn, order_id)
            refunds.refund_order(rn, order_id, order.amount, "returned")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, min_size=1, max_size=14))
def test_closing_is_opening_plus_entries_for_random_histories(falkor, plan, history):
    rn = Refnet.start(falkor.with_graph(f"statements_{next(_graphs)}"), plan)
    run_history(rn, history)
    for person in ("root", *PEOPLE):
        previous = None
        for month in MONTHS:
            result = statements.statement(rn, person, month)
            assert result.balanced
            assert result.closing == result.opening + sum((line.effect for line in result.lines), Decimal("0.00"))
            if previous is not None:
                assert result.opening == previous.closing
            for line in result.lines:
                assert line.entry.explanation and line.entry.beneficiary_id == person
            previous = result
        file = payouts.payouts(rn, MONTHS[-1])
        line = next((line for line in file.lines if line.member_id == person), None)
        assert previous.closing == (line.closing if line else Decimal("0.00"))
        assert previous.closing == balance(rn, person).available


def test_statement_renders_csv_html_and_graphql(gql, rn):
    run_history(rn, [(0, "order", 0, 2), (1, "order", 1, 2), (1, "order", 2, 2), (2, "withdraw", 0, 50)])
    result = statements.statement(rn, "S", "2026-11")
    text = statements.csv_text(result)
    assert text.splitlines()[1].startswith(",,opening balance") and "closing = opening + entries" in text
    page = statements.html_text(result)
    assert page.startswith("<!doctype html>") and "Closing balance" in page
    data = gql.ok('{ statement(memberId: "S", period: "2026-10") { opening closing balanced '
                  'lines { effect balance entry { rule explanation } } } }')["statement"]
    assert data["balanced"] and data["lines"]
    assert Decimal(data["closing"]) == Decimal(data["opening"]) + sum(Decimal(x["effect"]) for x in data["lines"])
    assert gql.error('{ statement(memberId: "nobody", period: "2026-10") { closing } }')["extensions"]["code"] \
        == "NOT_FOUND"
