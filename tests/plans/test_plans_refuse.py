"""Plans refuse what they have no module for (issue 14): BAD_INPUT naming the plan, nothing
booked — an order under the family plan, a family under the linkage plan, points, withdrawals
and identities under the differential plan."""

from __future__ import annotations

import pytest

from graph.core.plan import load_plan
from graph.network import members

ORDER = "mutation($input: OrderInput!) { recordOrder(input: $input) { id } }"
FAMILY = 'mutation { createFamily(id: "F", name: "Sing", leaderId: "A") { id } }'
SELL = 'mutation { sellPoints(memberId: "A", points: "1") { id } }'
WITHDRAW = 'mutation { withdraw(memberId: "A", amount: "1.00") { id } }'
IDENTITY = 'mutation { setIdentity(memberId: "A", identity: DIRECTOR) }'


@pytest.fixture
def plan(request):
    return load_plan(request.param)


def nothing_written(rn) -> bool:
    rows = rn.store.run_text("MATCH (n) WHERE n:Order OR n:Entry OR n:Family RETURN count(n) AS n")
    return rows[0]["n"] == 0


@pytest.mark.parametrize(("plan", "query", "variables"), [
    ("family", ORDER, {"input": {"id": "o1", "buyerId": "A", "amount": "100.00"}}),
    ("linkage-3plus1", FAMILY, {}),
    ("differential", SELL, {}),
    ("differential", WITHDRAW, {}),
    ("differential", IDENTITY, {}),
], indirect=["plan"])
def test_an_operation_without_its_module_is_bad_input_naming_the_plan(gql, rn, plan, query, variables):
    members.register(rn, "A", member_id="A")
    error = gql.error(query, **variables)
    assert error["extensions"]["code"] == "BAD_INPUT", error
    assert error["message"].startswith("plan:") and plan.name in error["message"], error["message"]
    assert nothing_written(rn)
