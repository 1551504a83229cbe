"""Payouts of a month (issue 16): the file's total equals the ledger; a refund after a payout
shows as a negative balance carried."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal

from graph.ledger import orders, payouts, refunds
from graph.network import members
from graph.plans.linkage.withdrawals_store import withdraw

NOV = int(datetime(2026, 11, 10, tzinfo=timezone.utc).timestamp() * 1000)
DEC = int(datetime(2026, 12, 5, tzinfo=timezone.utc).timestamp() * 1000)
PACKAGE = Decimal("1000.00")


def counters_total(rn) -> Decimal:
    rows = rn.store.run_text("MATCH (m:Member) RETURN coalesce(m.paid, 0) AS paid, "
                             "coalesce(m.withdrawn, 0) AS withdrawn")
    return Decimal(sum(row["paid"] - row["withdrawn"] for row in rows)) / 100


def network(rn) -> None:
    rn.clock = lambda: NOV
    members.register(rn, "Company", member_id="root")
    members.register(rn, "Sam", sponsor_id="root", member_id="S")
    for name in "ABCDE":
        members.register(rn, name, sponsor_id="S", member_id=name)
    orders.record_order(rn, "oS", "S", PACKAGE, at=NOV)
    for name in "ABCDE":
        orders.record_order(rn, f"o{name}", name, PACKAGE, at=NOV + 1000)


def line_of(result, member_id):
    return next(line for line in result.lines if line.member_id == member_id)


def test_payout_totals_equal_the_ledger_and_a_refund_after_a_payout_is_carried(rn):
    network(rn)
    november = payouts.payouts(rn, "2026-11")
    sam = line_of(november, "S")
    assert sam.earned > 0 and sam.to_pay == sam.closing == sam.earned and sam.carried == 0
    assert november.closing == november.ledger == november.to_pay + november.carried == counters_total(rn)

    withdraw(rn, "S", sam.to_pay)  # the payout
    november = payouts.payouts(rn, "2026-11")
    sam = line_of(november, "S")
    assert (sam.withdrawn, sam.closing, sam.to_pay) == (sam.earned, 0, 0)

    rn.clock = lambda: DEC
    refunds.refund_order(rn, "oA", PACKAGE, "returned")
    december = payouts.payouts(rn, "2026-12")
    sam = line_of(december, "S")
    assert sam.brought_forward == 0
    assert sam.reversals < 0
    assert sam.closing == sam.carried == sam.reversals and sam.to_pay == 0
    assert december.closing == december.ledger == december.to_pay + december.carried == counters_total(rn)
    assert december.carried < 0
    assert payouts.payouts(rn, "2026-11") == november  # a later refund does not change November


def test_the_payout_file_as_csv_and_json(rn):
    network(rn)
    result = payouts.payouts(rn, "2026-11")
    text = payouts.csv_text(result)
    lines = text.splitlines()
    assert lines[0].startswith("member_id,name,brought_forward")
    assert lines[-1].startswith("TOTAL,")
    assert Decimal(lines[-1].split(",")[9]) == result.to_pay
    data = json.loads(json.dumps(payouts.json_data(result)))
    assert Decimal(data["totals"]["ledger"]) == sum(Decimal(line["closing"]) for line in data["lines"])


def test_payouts_in_graphql(gql, rn):
    network(rn)
    data = gql.ok('{ payouts(period: "2026-11") { period totalToPay totalCarried totalClosing ledgerTotal '
                  'members { memberId name earned toPay carried } } }')["payouts"]
    assert data["totalClosing"] == data["ledgerTotal"]
    assert sum(Decimal(m["toPay"]) for m in data["members"]) == Decimal(data["totalToPay"])
    error = gql.error('{ payouts(period: "November") { period } }')
    assert error["extensions"]["code"] == "BAD_INPUT"
