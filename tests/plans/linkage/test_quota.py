"""Income quota and burn (rules §6) under a plan whose 1000.00 package carries a quota of 150.00."""

from __future__ import annotations

import pytest

from graph.core.plan import parse_plan

SMALL_QUOTA_PLAN = b'''
[plan]
name = "small-quota"
modules = ["linkage", "points", "dividend_pool", "level", "shareholder"]

[allocation]
direct = "0.10"
see_point = "0.20"
peer = "0.03"
dividend_pool = "0.04"
points_pool = "0.30"
cost = "0.20"
platform = "0.07"
level_pool = "0.03"
shareholder_pool = "0.03"

[[packages]]
price = "1000.00"
quota = "150.00"

[linkage]
boss_threshold = 3
'''

REGISTER = "mutation($input: RegisterInput!) { registerMember(input: $input) { id } }"
RECORD = """
mutation($input: OrderInput!) {
  recordOrder(input: $input) { entries { rule status amount beneficiaryId explanation } }
}"""
BALANCE = '{ member(id: "S") { status balance { available burned quotaLeft } } }'


@pytest.fixture
def plan():
    return parse_plan(SMALL_QUOTA_PLAN, "small-quota.toml")


def buy(gql, order_id: str, buyer: str) -> list[dict]:
    return gql.ok(RECORD, input={"id": order_id, "buyerId": buyer, "amount": "1000.00"})["recordOrder"]["entries"]


def test_a_reward_beyond_the_quota_left_is_burned(gql):
    gql.ok(REGISTER, input={"id": "S", "name": "S"})
    for name in "ABC":
        gql.ok(REGISTER, input={"id": name, "name": name, "sponsorId": "S"})
    buy(gql, "o-S", "S")
    assert gql.ok(BALANCE)["member"]["balance"] == {"available": "0.00", "burned": "0.00", "quotaLeft": "150.00"}
    first = buy(gql, "o-A", "A")
    assert first[0] == {"rule": "direct", "status": "PAID", "amount": "100.00", "beneficiaryId": "S",
                        "explanation": "direct 10% of 1000.00 = 100.00 to sponsor S (agent)"}
    assert gql.ok(BALANCE)["member"]["balance"]["quotaLeft"] == "50.00"

    second = buy(gql, "o-B", "B")  # 50.00 of quota left, a 100.00 direct reward
    assert second[:2] == [
        {"rule": "direct", "status": "PAID", "amount": "50.00", "beneficiaryId": "S",
         "explanation": "direct 10% of 1000.00 = 100.00 to sponsor S (agent): 50.00 paid within quota left 50.00"},
        {"rule": "direct", "status": "BURNED", "amount": "50.00", "beneficiaryId": "S",
         "explanation": "direct 10% of 1000.00 = 100.00 to sponsor S (agent): 50.00 burned beyond quota left 50.00"},
    ]
    assert sum(float(e["amount"]) for e in second) == 1000.0
    assert gql.ok(BALANCE)["member"]["balance"] == {"available": "150.00", "burned": "50.00", "quotaLeft": "0.00"}

    third = buy(gql, "o-C", "C")  # S becomes a boss with no quota left: direct and see-point burn whole
    assert [(e["rule"], e["status"], e["amount"], e["beneficiaryId"]) for e in third[:3]] == [
        ("direct", "BURNED", "100.00", "S"),
        ("see_point", "BURNED", "200.00", "S"),
        ("peer", "RETAINED", "30.00", None),
    ]
    assert gql.ok(BALANCE)["member"] == {
        "status": "BOSS", "balance": {"available": "150.00", "burned": "350.00", "quotaLeft": "0.00"}}
    burned = gql.ok('{ ledger(memberId: "S", rule: "see_point") { status amount } }')["ledger"]
    assert burned == [{"status": "BURNED", "amount": "200.00"}]
