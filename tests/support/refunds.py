"""Refund helpers: the refund mutation and business times from ISO text."""

from __future__ import annotations

from datetime import datetime, timezone

REFUND = """
mutation($orderId: ID!, $amount: Money!, $reason: String!, $id: ID) {
  refundOrder(orderId: $orderId, amount: $amount, reason: $reason, id: $id) {
    id orderId amount reason period planVersion
    entries { id rule status amount beneficiaryId orderId pool reverses refundId explanation }
  }
}"""


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp() * 1000)
