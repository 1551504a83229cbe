"""Random networks and order streams against an independent plain-Python model of rules §3.

The model below is written from the rules' text only: it recomputes statuses by scanning
referrals, walks the placement tree of `PlacementModel` (itself independent of the engine),
and keeps quotas in plain dicts.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from decimal import ROUND_DOWN, Decimal

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from graph.core.plan import load_plan
from graph.ledger import orders
from graph.network import members
from graph.service import Refnet
from tests.support.placement_model import PlacementModel

_graphs = itertools.count()
PLAN = load_plan("linkage-3plus1")
PRICES = [Decimal("1000.00"), Decimal("5000.00"), Decimal("10000.00")]
QUOTA = {Decimal("1000.00"): Decimal("1000.00"), Decimal("5000.00"): Decimal("10000.00"),
         Decimal("10000.00"): Decimal("30000.00")}
OTHERS = [  # rules §1: the shares that are not linkage rewards
    ("dividend_pool", "POOLED", Decimal("0.04")), ("points_pool", "POOLED", Decimal("0.30")),
    ("cost", "COST", Decimal("0.20")), ("platform", "RETAINED", Decimal("0.07")),
    ("level_pool", "POOLED", Decimal("0.03")), ("shareholder_pool", "POOLED", Decimal("0.03")),
]


def cut(amount: Decimal, rate: str | Decimal) -> Decimal:
    return (amount * Decimal(rate)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


class LinkageModel:
    """Rules §3 and the quota of §6, plainly."""

    def __init__(self, placement: PlacementModel) -> None:
        self.tree = placement
        self.packages: dict[str, int] = defaultdict(int)
        self.quota: dict[str, Decimal] = defaultdict(Decimal)
        self.paid: dict[str, Decimal] = defaultdict(Decimal)

    def status(self, member: str) -> str:
        if self.packages[member] == 0:
            return "CUSTOMER"
        agents = sum(1 for other, sponsor in self.tree.sponsor.items()
                     if sponsor == member and self.packages[other] > 0)
        return "BOSS" if agents >= 3 else "AGENT"

    def order(self, buyer: str, amount: Decimal) -> list[tuple]:
        self.packages[buyer] += 1  # the order itself counts
        self.quota[buyer] += QUOTA[amount]
        out: list[tuple] = []

        def pay(rule: str, member: str, value: Decimal) -> None:
            paid = min(value, self.quota[member] - self.paid[member])
            self.paid[member] += paid
            if paid:
                out.append((rule, "PAID", paid, member))
            if value - paid:
                out.append((rule, "BURNED", value - paid, member))

        sponsor = self.tree.sponsor[buyer]
        if sponsor is not None and self.status(sponsor) != "CUSTOMER":
            pay("direct", sponsor, cut(amount, "0.10"))
        else:
            out.append(("direct", "RETAINED", cut(amount, "0.10"), None))
        owner, child, up = None, buyer, self.tree.parent[buyer]
        while up is not None:
            if self.tree.slot[child] % 3 == 0 and self.status(up) == "BOSS":  # type: ignore[operator]  # r = 0: slot 3 is wealth
                owner = up
                break
            child, up = up, self.tree.parent[up]
        if owner is not None:
            pay("see_point", owner, cut(amount, "0.20"))
        else:
            out.append(("see_point", "RETAINED", cut(amount, "0.20"), None))
        peer = self.tree.sponsor[owner] if owner is not None else None
        if peer is not None and self.status(peer) == "BOSS":
            pay("peer", peer, cut(amount, "0.03"))
        else:
            out.append(("peer", "RETAINED", cut(amount, "0.03"), None))
        out.extend((rule, status, cut(amount, rate), None) for rule, status, rate in OTHERS)
        return out


network = st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=24)
# most members buy once early (0: no, 1-3: which package) so that bosses appear, then a random stream
early = st.lists(st.integers(min_value=0, max_value=3), min_size=25, max_size=25)
stream = st.lists(st.tuples(st.integers(min_value=0, max_value=1000), st.sampled_from([0, 0, 0, 1, 2])),
                  max_size=20)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=network, first_buys=early, buys=stream)
# root sponsors m0-m2, m0 sponsors m3-m5: m5's order makes m0 a boss, pays m0 300 and root the peer
@example(picks=[0, 0, 0, 1, 1, 1], first_buys=[3, 3, 3, 3, 1, 1, 1] + [0] * 18, buys=[(6, 0), (5, 1)])
def test_random_order_streams_follow_rules_section_3(falkor, picks, first_buys, buys):
    rn = Refnet.start(falkor.with_graph(f"linkage_{next(_graphs)}"), PLAN)
    tree = PlacementModel()
    ids = ["root"]
    members.register(rn, "root", member_id="root")
    tree.register("root", None)
    for number, pick in enumerate(picks):
        # skewed: half the members are recruited by the first third (slides, bosses above bosses)
        sponsor = ids[pick % len(ids)] if pick % 2 else ids[(pick // 2) % max(1, len(ids) // 3)]
        member_id = f"m{number}"
        members.register(rn, member_id, sponsor_id=sponsor, member_id=member_id)
        tree.register(member_id, sponsor)
        ids.append(member_id)

    model = LinkageModel(tree)
    purchases = [(index, choice - 1) for index, choice in zip(range(len(ids)), first_buys) if choice]
    for number, (index, price) in enumerate(purchases + buys):
        buyer, amount = ids[index % len(ids)], PRICES[price]
        orders.record_order(rn, f"o{number}", buyer, amount)
        got = orders.entries(rn, f"o{number}")
        assert sum(e.amount for e in got) == amount
        assert all(e.amount > 0 for e in got)
        assert all(e.plan_version == PLAN.version and e.period for e in got)
        assert [(e.rule, e.status, e.amount, e.beneficiary_id) for e in got] == model.order(buyer, amount), number
        for entry in got[:4]:
            if entry.rule in ("direct", "see_point", "peer"):
                event(f"{entry.rule} {entry.status}")

    linkage_paid: dict[str, Decimal] = defaultdict(Decimal)
    for entry in rn.store.run_text("MATCH (e:Entry {status: 'PAID'}) RETURN e.beneficiary_id AS id, e.amount AS c"):
        linkage_paid[entry["id"]] += Decimal(entry["c"]) / 100
    stored = {row["id"]: row for row in rn.store.run_text(
        "MATCH (m:Member) RETURN m.id AS id, m.quota AS quota, m.quota_used AS used, m.paid AS paid, "
        "m.status AS status")}
    for member_id in ids:
        row = stored[member_id]
        assert linkage_paid[member_id] <= model.quota[member_id]
        assert Decimal(row["paid"] or 0) / 100 == linkage_paid[member_id] == model.paid[member_id]
        assert (row["used"] or 0) <= (row["quota"] or 0)
        assert row["status"] == model.status(member_id), member_id
    rn.store.run_text("MATCH (n) DETACH DELETE n")
