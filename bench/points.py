"""The cap check does not scan the holders (rules §5): the cost of an order's points step with
H holdings in the market, for a small and a large H, and the indexed cap read against a full
scan of the holdings in the same run.

Holdings are loaded in bulk (consistent with the market: the pool backs the points they hold,
and their cap prices lie above the price), then K orders are recorded through the API's code
path. Figures are ratios against the small market measured in the same run.

    python -m bench.points [H_SMALL [H_LARGE [K]]]      (default: 1000 100000 200)
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal
from typing import Any

from bench.common import bulk_network, engine
from graph.core.plan import load_plan
from graph.ledger import orders
from graph.plans.linkage.points import Holding, price_key
from graph.plans.linkage.points_store import read_market
from graph.service import Refnet

BULK_HOLDINGS = """
UNWIND $rows AS h
CREATE (:Holding {id: h.id, member_id: h.member_id, order_id: h.id, amount: h.amount, units: h.units,
                  sold: 0, seq: h.seq, active: true, cap_key: h.cap_key})
"""
MARKET_SET = """
MERGE (p:Pool {name: 'points'})
SET p.balance = $pool, p.market = $pool, p.units = $units, p.last_num = $pool * 100, p.last_den = $units,
    p.holdings = $holdings
"""
FULL_SCAN = "MATCH (h:Holding) WHERE h.active = true RETURN count(h) AS n"


def load_market(rn: Refnet, member_ids: list[str], holdings: int, seed: int) -> None:
    """`holdings` purchases of 1000.00 with 100 points each at price 1: caps at 30.00 (3×),
    far above the price; the pool backs them exactly."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    for n in range(holdings):
        holding = Holding(f"h{n}", rng.choice(member_ids), f"h{n}", 100000, 1_000_000 + rng.randrange(1000), seq=n + 1)
        rows.append({"id": holding.id, "member_id": holding.member_id, "amount": holding.amount,
                     "units": holding.units, "seq": holding.seq, "cap_key": holding.cap_key(Decimal(3))})
    for start in range(0, len(rows), 5000):
        rn.store.run_text(BULK_HOLDINGS, {"rows": rows[start:start + 5000]})
    units = sum(row["units"] for row in rows)
    rn.store.run_text(MARKET_SET, {"pool": units // 100, "units": units, "holdings": holdings})


def measure(holdings: int, k: int, members: int = 2000, seed: int = 7) -> tuple[float, float, float]:
    """(seconds per order, seconds per indexed cap read, seconds per full scan) at `holdings`."""
    with engine(load_plan("linkage-3plus1")) as rn:
        ids = bulk_network(rn, members, seed)
        load_market(rn, ids, holdings, seed)
        rng = random.Random(seed)
        start = time.perf_counter()
        for n in range(k):
            orders.record_order(rn, f"o{n}", rng.choice(ids), Decimal("1000.00"))
        per_order = (time.perf_counter() - start) / k
        key = price_key(read_market(rn).market.price)
        start = time.perf_counter()
        for _ in range(20):
            rn.store.run("holdings_capped", {"key": key})
        per_read = (time.perf_counter() - start) / 20
        start = time.perf_counter()
        for _ in range(20):
            rn.store.run_text(FULL_SCAN)
        per_scan = (time.perf_counter() - start) / 20
        return per_order, per_read, per_scan


def main(argv: list[str]) -> None:
    small = int(argv[0]) if argv else 1000
    large = int(argv[1]) if len(argv) > 1 else 100_000
    k = int(argv[2]) if len(argv) > 2 else 200
    order_small, read_small, scan_small = measure(small, k)
    order_large, read_large, scan_large = measure(large, k)
    print(f"holdings {small} → {large} ({large / small:.0f}×), {k} orders each")
    print(f"order with its points step: {order_large / order_small:.2f}× the small market's time")
    print(f"indexed cap read:           {read_large / read_small:.2f}× the small market's time")
    print(f"full scan of the holdings:  {scan_large / scan_small:.2f}× (what a scan per price change would cost)")
    print(f"at {large} holdings the full scan costs {scan_large / read_large:.1f}× the indexed cap read")


if __name__ == "__main__":
    main(sys.argv[1:])
