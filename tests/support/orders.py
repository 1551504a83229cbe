"""GraphQL builders for linkage-plan orders: register members, buy, read a balance."""

from __future__ import annotations

REGISTER = "mutation($input: RegisterInput!) { registerMember(input: $input) { id } }"


RECORD = """
mutation($input: OrderInput!) {
  recordOrder(input: $input) {
    id buyerId amount referrerId at period planVersion
    entries { id rule status amount beneficiaryId orderId period explanation pool }
  }
}"""


BALANCE = "query($id: ID!) { member(id: $id) { status balance { available frozen burned quotaLeft points } } }"


def register(gql, member_id: str, sponsor: str | None = None) -> None:
    gql.ok(REGISTER, input={"id": member_id, "name": f"Member {member_id}", "sponsorId": sponsor})


def buy(gql, order_id: str, buyer: str, amount: str = "1000.00", **extra) -> dict:
    return gql.ok(RECORD, input={"id": order_id, "buyerId": buyer, "amount": amount, **extra})["recordOrder"]
