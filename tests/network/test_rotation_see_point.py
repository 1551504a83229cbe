"""See-point routing (rules §3) before and after one weekly rotation (rules §4), for the same
placement."""

from __future__ import annotations

import pytest

from tests.support.rotation import set_week

REGISTER = "mutation($input: RegisterInput!) { registerMember(input: $input) { id } }"
RECORD = "mutation($input: OrderInput!) { recordOrder(input: $input) { id } }"
ORDER = "query($id: ID!) { order(id: $id) { entries { rule status beneficiaryId amount } } }"
ROTATE = "mutation($w: String!) { rotateLines(week: $w) { week rotated } }"
PLACED = "query($id: ID!) { member(id: $id) { placementParent { id } slot } }"


def register(gql, member_id: str, sponsor: str | None = None) -> None:
    gql.ok(REGISTER, input={"id": member_id, "name": f"Member {member_id}", "sponsorId": sponsor})


def buy(gql, order_id: str, buyer: str, amount: str = "1000.00") -> None:
    gql.ok(RECORD, input={"id": order_id, "buyerId": buyer, "amount": amount})


def see_point(gql, order_id: str) -> tuple[str, str | None, str]:
    entries = [e for e in gql.ok(ORDER, id=order_id)["order"]["entries"] if e["rule"] == "see_point"]
    assert len(entries) == 1, entries
    return entries[0]["status"], entries[0]["beneficiaryId"], entries[0]["amount"]


@pytest.fixture
def network(rn, gql):
    """Z (root, boss) has Z1, Z2, T in slots 1, 2, 3; T (boss) has A1, A2, A3 in slots 1, 2, 3.
    Z and T are full, so they rotate; the A's have at most 2 lines and do not. Everyone buys;
    Z and T buy 10000 packages so that no reward of theirs burns."""
    set_week(rn, "2026-W47")
    register(gql, "Z")
    for name in ("Z1", "Z2", "T"):
        register(gql, name, "Z")
    for name in ("A1", "A2", "A3"):
        register(gql, name, "T")
    for name in ("Z", "T"):
        buy(gql, f"o-{name}", name, "10000.00")
    for name in ("Z1", "Z2", "A1", "A2", "A3"):
        buy(gql, f"o-{name}", name)
    assert gql.ok(PLACED, id="T")["member"] == {"placementParent": {"id": "Z"}, "slot": 3}
    assert gql.ok(PLACED, id="A3")["member"] == {"placementParent": {"id": "T"}, "slot": 3}
    return gql


def rotate_once(rn, gql) -> None:
    set_week(rn, "2026-W48")
    assert gql.ok(ROTATE, w="2026-W48")["rotateLines"]["rotated"] == 2  # Z and T


def test_an_order_under_slot_3_goes_to_the_member_before_rotating_and_upward_after(rn, network):
    gql = network
    register(gql, "X1", "A3")  # under A3 (slot 1), in T's slot-3 line
    buy(gql, "o-X1", "X1")
    # r = 0: T's slot 3 is its wealth line, T is a boss → T
    assert see_point(gql, "o-X1") == ("PAID", "T", "200.00")

    rotate_once(rn, gql)
    register(gql, "X2", "A3")  # the same line: under A3 (slot 2)
    assert gql.ok(PLACED, id="X2")["member"] == {"placementParent": {"id": "A3"}, "slot": 2}
    buy(gql, "o-X2", "X2")
    # r = 1: T's slot 3 is a contribution line → up to Z, reached from Z's slot 3, now also a
    # contribution line → nobody: retained
    assert see_point(gql, "o-X2") == ("RETAINED", None, "200.00")
    assert see_point(gql, "o-X1") == ("PAID", "T", "200.00")  # booked entries stay


def test_an_order_under_slot_1_goes_upward_before_rotating_and_to_the_member_after(rn, network):
    gql = network
    register(gql, "Y1", "A1")  # under A1 (slot 1), in T's slot-1 line
    buy(gql, "o-Y1", "Y1")
    # r = 0: T's slot 1 is a contribution line → up to Z, reached from its wealth slot 3 → Z
    assert see_point(gql, "o-Y1") == ("PAID", "Z", "200.00")

    rotate_once(rn, gql)
    register(gql, "Y2", "A1")
    assert gql.ok(PLACED, id="Y2")["member"] == {"placementParent": {"id": "A1"}, "slot": 2}
    buy(gql, "o-Y2", "Y2")
    # r = 1: T's slot 1 is its wealth line → T
    assert see_point(gql, "o-Y2") == ("PAID", "T", "200.00")
    assert see_point(gql, "o-Y1") == ("PAID", "Z", "200.00")
