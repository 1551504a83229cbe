"""GraphQL builders for the differential plan: register partners and customers, buy, close a month, read entries."""

from __future__ import annotations

from graph.ledger import history as ledger_history
from graph.service import Refnet

REGISTER = "mutation($input: RegisterInput!) { registerMember(input: $input) { id } }"


RECORD = """
mutation($input: OrderInput!) { recordOrder(input: $input) { id amount referrerId period entries { id } } }
"""


CLOSE = "mutation($period: String!) { closePeriod(period: $period) { period entries total orders state plan } }"


ORDER = """
query($id: ID!) {
  order(id: $id) { id entries { id rule status amount beneficiaryId orderId period explanation } }
}"""


MEMBER = "query($id: ID!) { member(id: $id) { kind rank balance { available } } }"


def register(gql, member_id: str, sponsor: str | None = None, kind: str = "PARTNER") -> None:
    gql.ok(REGISTER, input={"id": member_id, "name": f"Member {member_id}", "sponsorId": sponsor, "kind": kind})


def buy(gql, order_id: str, buyer: str, amount: str, day: int = 10, **extra) -> dict:
    at = f"2026-11-{day:02d}T12:00:00Z"
    return gql.ok(RECORD, input={"id": order_id, "buyerId": buyer, "amount": amount, "at": at, **extra})["recordOrder"]


def close(gql, period: str = "2026-11") -> dict:
    return gql.ok(CLOSE, period=period)["closePeriod"]


def entries(gql, order_id: str) -> list[tuple]:
    order = gql.ok(ORDER, id=order_id)["order"]
    return [(e["rule"], e["status"], e["amount"], e["beneficiaryId"]) for e in order["entries"]]


def member(gql, member_id: str) -> dict:
    return gql.ok(MEMBER, id=member_id)["member"]


FIELDS = ("id", "seq", "rule", "status", "amount", "explanation", "beneficiary_id", "order_id", "period", "at",
          "plan_version")


def close_entries(rn: Refnet, period: str | None = None) -> list[dict]:
    """The entries the closes booked (ids `period:…`), of `period` or all, by id: the graph's
    and those of the close files and archived periods (graph.ledger.history)."""
    rows = rn.store.run_text(
        "MATCH (e:Entry) WHERE e.id STARTS WITH 'period:' AND ($period IS NULL OR e.period = $period) RETURN "
        + ", ".join(f"e.{name} AS {name}" for name in FIELDS), {"period": period})
    h = ledger_history.history(rn)
    if h.files:
        cursor = ledger_history.connection()
        result = cursor.execute(
            f"SELECT {', '.join(chr(34) + name + chr(34) for name in FIELDS)} FROM read_parquet(?) "
            "WHERE starts_with(id, 'period:') AND (?::VARCHAR IS NULL OR period = ?)", [h.files, period, period])
        rows += [dict(zip(FIELDS, values, strict=True)) for values in result.fetchall()]
    return sorted(rows, key=lambda row: row["id"])
