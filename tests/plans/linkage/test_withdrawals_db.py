"""Rules §6 in the graph: withdrawals freeze 20 % until B1 and B2 have grown."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.analytics.snapshot import read_snapshot
from graph.core.errors import BadInput
from graph.ledger import orders
from graph.ledger.entries import balance, ledger
from graph.network import members
from graph.plans.linkage.withdrawals_store import withdraw
from graph.service import Refnet

D = Decimal


def test_freeze_and_release(rn: Refnet) -> None:
    members.register(rn, "Root", member_id="root")
    members.register(rn, "S", sponsor_id="root", member_id="s")
    orders.record_order(rn, "os", "s", D("1000.00"))
    members.register(rn, "B1", sponsor_id="s", member_id="b1")
    members.register(rn, "B2", sponsor_id="s", member_id="b2")
    orders.record_order(rn, "ob1", "b1", D("1000.00"))  # direct 100.00 to s
    assert balance(rn, "s").available == D("100.00")

    with pytest.raises(BadInput):
        withdraw(rn, "s", D("100.01"))
    entries = withdraw(rn, "s", D("50.00"))
    assert [(e.rule, e.status, e.amount) for e in entries] == [
        ("withdrawal", "PAID", D("40.00")), ("withdrawal", "FROZEN", D("10.00"))]
    assert (balance(rn, "s").available, balance(rn, "s").frozen) == (D("50.00"), D("10.00"))

    # B2 buys: both agents, but their teams hold 2 orders, not more than 20
    orders.record_order(rn, "ob2", "b2", D("1000.00"))
    assert balance(rn, "s").frozen == D("10.00")
    # 19 more orders in B1's and B2's teams: 21 > 20 → released by the order that completes it
    for n in range(19):
        buyer = f"x{n}"
        members.register(rn, buyer, sponsor_id="b1" if n % 2 else "b2", member_id=buyer)
        orders.record_order(rn, f"ox{n}", buyer, D("1000.00"))
        if n < 18:
            assert balance(rn, "s").frozen == D("10.00"), n
    after = balance(rn, "s")
    assert after.frozen == D("0.00")
    released = [e for e in ledger(rn, member_id="s", rule="withdrawal", first=100) if e.explanation.startswith("released")]
    assert [(e.status, e.amount) for e in released] == [("PAID", D("10.00"))]
    # the release is the member's own money back, not earnings: the report leaves it out
    earned = sum((e.amount for e in ledger(rn, member_id="s", first=1000)
                  if e.status == "PAID" and e.rule != "withdrawal"), D("0.00"))
    counters = read_snapshot(rn)
    row = counters.index["s"]
    assert counters.array("paid")[row] - counters.array("released")[row] == int(earned * 100)
    assert counters.array("released")[row] == 1000
    # once released, withdrawals are paid in full
    entries = withdraw(rn, "s", D("10.00"))
    assert [(e.status, e.amount) for e in entries] == [("PAID", D("10.00"))]


def test_no_freeze_once_b1_and_b2_qualify(rn: Refnet) -> None:
    """B1 and B2 qualify before the member withdraws anything: `withdraw` checks the condition
    itself, marks the fund released and pays in full."""
    members.register(rn, "Root", member_id="root")
    members.register(rn, "S", sponsor_id="root", member_id="s")
    orders.record_order(rn, "os", "s", D("1000.00"))
    for line in ("b1", "b2"):
        members.register(rn, line, sponsor_id="s", member_id=line)
        orders.record_order(rn, f"o{line}", line, D("1000.00"))
    for n in range(19):
        buyer = f"y{n}"
        members.register(rn, buyer, sponsor_id="b2", member_id=buyer)
        orders.record_order(rn, f"oy{n}", buyer, D("1000.00"))
    available = balance(rn, "s").available
    entries = withdraw(rn, "s", available)
    assert [(e.status, e.amount) for e in entries] == [("PAID", available)]
    assert (balance(rn, "s").available, balance(rn, "s").frozen) == (D("0.00"), D("0.00"))
    with pytest.raises(BadInput):
        withdraw(rn, "s", D("0.01"))
