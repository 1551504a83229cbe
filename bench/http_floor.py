"""The database's part of a lone HTTP write, on the server's own database (bench.http): fsync'd
statements on a scratch graph beside refnet's, with refnet's indexes and as many members — a
bare `CREATE` of one node (the least any durable write costs), and refnet's own registration
and order statements shaped as a lone write sends them, with none of refnet's Python around
them. A lone write can cost no less than a trivial request plus its statement."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph.store.embedded import socket_path_for
from graph.store.falkor_store import FalkorStore
from graph.store.schema import ensure_schema

GRAPH = "bench_http_floor"
COUNTERS = ("packages", "quota", "quota_used", "agent_referrals", "paid", "frozen", "burned", "withdrawn", "points",
            "team_orders", "team_sales", "shares_milli", "released")


def _registration(ids: list[str], rng: random.Random, version: int, index: int) -> dict[str, Any]:
    """`members_register_batch`'s parameters for one member under a sponsor, its placement
    parent and the members whose counters the placement moved (a path of nine)."""
    member_id = f"floor-m{index}"
    changed = [{"id": changed_id, "referrals": 1, "children": 2, "size": 9, "free_id": member_id, "free_depth": 9,
                "free_seq": version + 1, "full_at": None} for changed_id in rng.sample(ids, 9)]
    return {"version": version, "now": 0, "newly_full": 0,
            "new": [{"id": member_id, "name": "Member", "kind": "PARTNER", "seq": version + 1, "landing_slug": None,
                     "registered_via": "company", "depth": 9, "sponsor_depth": 5}],
            "links": [{"id": member_id, "sponsor_id": changed[0]["id"], "parent_id": changed[1]["id"], "slot": 1}],
            "changed": changed}


def _order(ids: list[str], rng: random.Random, version: int, index: int) -> dict[str, Any]:
    """`orders_record_batch`'s parameters for one linkage order: nine entries, eight members'
    counters, four pools and the order's points holding."""
    order_id = f"floor-o{index}"
    buyer, *upline = rng.sample(ids, 8)
    entries = [{"id": f"order:{order_id}#{seq}", "seq": seq, "rule": "direct", "status": "PAID", "amount": 1000,
                "explanation": f"direct 10% of 1000.00 = 100.00 to sponsor {beneficiary}", "beneficiary_id": beneficiary,
                "pool": None, "order_id": order_id, "period": "2026-11", "at": 0, "plan_version": "floor",
                "points": None, "reverses": None, "refund_id": None}
               for seq, beneficiary in enumerate([*upline, None, None])]
    return {"version": version, "unseen": [order_id], "archived": None,
            "orders": [{"id": order_id, "buyer_id": buyer, "amount": 100000, "referrer_id": None, "referrer_key": "",
                        "at": 0, "period": "2026-11", "plan_version": "floor",
                        "flags": {"pools_open": "2026-11", "level_open": "2026-11", "effects": True}}],
            "members": [{"id": member_id, **{name: 1 for name in COUNTERS}, "status": "AGENT", "identity": None,
                         "fund_released": None} for member_id in [buyer, *upline]],
            "pools": [{"name": name, "balance": 1000, "market": 0, "set": {}}
                      for name in ("dividend", "level", "points", "shareholder")],
            "holdings": [{"id": order_id, "member_id": buyer, "order_id": order_id, "amount": 100000, "units": 1000,
                          "sold": 0, "seq": index, "active": True}],
            "entries": entries}


class ScratchGraph:
    """A graph beside refnet's on the server's database, with refnet's indexes and `members`
    members, on which each method books one fsync'd statement."""

    def __init__(self, data: Path, members: int) -> None:
        self.store = FalkorStore.from_socket(socket_path_for(data), GRAPH)
        ensure_schema(self.store)
        self.ids = [f"floor-{index}" for index in range(members)]
        for start in range(0, members, 10_000):
            self.store.run_text("UNWIND $ids AS id CREATE (:Member {id: id, seq: 0, size: 1, children: 0, "
                                "referrals: 0})", {"ids": self.ids[start:start + 10_000]})
        self.rng = random.Random(7)
        self.version = self.store.run("meta_version")[0]["version"]
        self.count = 0

    def create(self) -> None:
        """The least a durable write costs: one node, no index, no guard."""
        self.count += 1
        self.store.run_text("CREATE (:Floor {id: $id})", {"id": self.count})

    def register(self) -> None:
        self._booked("members_register_batch", _registration)

    def order(self) -> None:
        self._booked("orders_record_batch", _order)

    def _booked(self, name: str, shape: Callable[..., dict[str, Any]]) -> None:
        self.count += 1
        if not self.store.run(name, shape(self.ids, self.rng, self.version, self.count)):
            raise RuntimeError(f"{name}: the scratch graph's guard refused the statement")
        self.version += 1

    def close(self) -> None:
        self.store.command("GRAPH.DELETE", GRAPH)
        self.store.close()
