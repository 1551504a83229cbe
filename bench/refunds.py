"""Refund cost: records M orders on a network of N members (loaded in bulk), then refunds
each order in two parts (half, then the rest), and prints refunds/s against orders/s measured
in the same run on the same graph (the baseline: a refund reads and books about as much as an
order). Checks that every order nets out to zero.

    python -m bench.refunds [N [M]]      (default: N = 20000, M = 2000)
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal

from bench.common import bulk_network, engine
from graph.core.plan import load_plan
from graph.ledger import orders, refunds

PRICES = [Decimal("1000.00")] * 16 + [Decimal("5000.00")] * 3 + [Decimal("10000.00")]


def main(n: int = 20_000, m: int = 2_000) -> None:
    with engine(load_plan("linkage-3plus1")) as rn:
        ids = bulk_network(rn, n)
        rng = random.Random(11)
        stream = [(f"o{index}", rng.choice(ids), rng.choice(PRICES)) for index in range(m)]
        started = time.perf_counter()
        for order_id, buyer, amount in stream:
            orders.record_order(rn, order_id, buyer, amount)
        order_seconds = time.perf_counter() - started

        started = time.perf_counter()
        for order_id, _, amount in stream:
            half = (amount / 2).quantize(Decimal("0.01"))
            refunds.refund_order(rn, order_id, half, "bench", f"{order_id}-a")
            refunds.refund_order(rn, order_id, amount - half, "bench", f"{order_id}-b")
        refund_seconds = time.perf_counter() - started

        for order_id, _, _ in stream[:: max(1, m // 200)]:
            assert sum(e.amount for e in orders.entries(rn, order_id)) == 0, order_id
        orders_per_s = m / order_seconds
        refunds_per_s = 2 * m / refund_seconds
        print(f"network {n} members, {m} orders, {2 * m} refunds")
        print(f"orders:  {orders_per_s:8.0f}/s (baseline)")
        print(f"refunds: {refunds_per_s:8.0f}/s = {refunds_per_s / orders_per_s:.2f} × the order rate")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
