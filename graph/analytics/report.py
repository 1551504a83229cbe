"""Network metrics on a snapshot (graph/analytics/snapshot.py), computed with numpy.

Size, depth distribution and width per level of both trees, line balance, the share of agents
and bosses, and how concentrated the earnings are: the share of all paid money that went to
the top 1 % and top 10 % of members, and the Gini coefficient of paid money.

Decided (docs/decisions.md, "Exploration"): earnings are the members' `paid` counters (money
booked PAID to them, integer cents) less what the mutual fund released back to them (`released`:
their own frozen withdrawals, not earnings); concentration is taken over *all* members, those paid
nothing included; the top p % is the ceil(p % of members) best paid (at least one member);
with nothing paid every share and the Gini are 0. Ratios are floats (they are not money).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from graph.analytics.snapshot import Snapshot, read_snapshot
from graph.core.plugin import statuses_by_kind

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


UNBALANCED_BELOW = 0.5  # a member's lines are "unbalanced" when smallest / largest < this


@dataclass(frozen=True)
class Level:
    depth: int
    members: int
    share: float  # of all members
    fill: float | None  # placement only: members / (roots × 3^depth), how full the level is


@dataclass(frozen=True)
class TreeShape:
    tree: str  # "sponsor" or "placement"
    max_depth: int
    mean_depth: float
    median_depth: float
    widest_depth: int
    levels: list[Level]


@dataclass(frozen=True)
class LineBalance:
    """Over members with all three placement lines: smallest line ÷ largest line (1 = even)."""

    members_with_lines: int
    members_with_three_lines: int
    mean_ratio: float
    median_ratio: float
    unbalanced: int  # members with three lines whose ratio is below UNBALANCED_BELOW


@dataclass(frozen=True)
class Concentration:
    total_paid: int  # cents
    earners: int  # members paid anything
    top1_members: int
    top1_share: float
    top10_members: int
    top10_share: float
    gini: float


@dataclass(frozen=True)
class NetworkReport:
    members: int
    roots: int
    customers: int
    agents: int
    bosses: int
    agent_share: float
    boss_share: float
    placement: TreeShape
    sponsor: TreeShape
    line_balance: LineBalance
    earnings: Concentration
    frozen: int  # cents, all members
    burned: int  # cents, all members
    snapshot_ms: float
    compute_ms: float
    partners: int = 0  # the differential plan's partners (kind PARTNER); 0 on other plans
    ranks: tuple[tuple[str, int], ...] = ()  # partners per rank of the last closed month, by rank name


def by_kind(plan: object) -> bool:
    """The plan's notion of status: the differential plan's members are partners or customers
    (`kind`) with a rank; the linkage plan's are customers, agents or bosses (`status`)."""
    return statuses_by_kind(plan)


def network_report(rn: Refnet) -> NetworkReport:
    started = time.perf_counter()
    snapshot = read_snapshot(rn)
    read = time.perf_counter()
    return compute_report(snapshot, snapshot_ms=(read - started) * 1000, kinds=by_kind(rn.plan))


def compute_report(snapshot: Snapshot, snapshot_ms: float = 0.0, kinds: bool = False) -> NetworkReport:
    """The metrics; `kinds`: count partners, customers and ranks (the differential plan's
    notion of status) instead of the linkage statuses."""
    started = time.perf_counter()
    n = len(snapshot)
    statuses = np.asarray(snapshot.columns["status"], dtype=object)
    agents = int(np.count_nonzero(statuses == "AGENT"))
    bosses = int(np.count_nonzero(statuses == "BOSS"))
    partners, ranks = 0, ()  # type: tuple[int, tuple[tuple[str, int], ...]]
    if kinds:
        kind_column = snapshot.columns["kind"]
        partners, agents, bosses = sum(1 for kind in kind_column if kind == "PARTNER"), 0, 0
        counted = Counter(rank for kind, rank in zip(kind_column, snapshot.columns["rank"])
                          if kind == "PARTNER" and rank is not None)
        ranks = tuple(sorted(counted.items()))
    placement_parent = snapshot.parent_index("placement")
    report = NetworkReport(
        members=n,
        roots=int(np.count_nonzero(placement_parent < 0)),
        customers=n - agents - bosses - partners,
        agents=agents,
        bosses=bosses,
        agent_share=agents / n if n else 0.0,
        boss_share=bosses / n if n else 0.0,
        placement=tree_shape("placement", snapshot.array("depth"), fill=True),
        sponsor=tree_shape("sponsor", snapshot.array("sponsor_depth"), fill=False),
        line_balance=line_balance(placement_parent, snapshot.array("size")),
        earnings=concentration(snapshot.array("paid") - snapshot.array("released")),
        frozen=int(snapshot.array("frozen").sum()),
        burned=int(snapshot.array("burned").sum()),
        snapshot_ms=snapshot_ms,
        compute_ms=0.0,
        partners=partners,
        ranks=ranks,
    )
    return replace(report, compute_ms=(time.perf_counter() - started) * 1000)


def tree_shape(tree: str, depths: np.ndarray, fill: bool) -> TreeShape:
    """Depth distribution: members per depth (width per level), max, mean and median depth."""
    n = len(depths)
    if n == 0:
        return TreeShape(tree, 0, 0.0, 0.0, 0, [])
    counts = np.bincount(depths)
    roots = int(counts[0])
    levels = [
        Level(depth, int(count), int(count) / n, (int(count) / (roots * 3**depth)) if fill and roots else None)
        for depth, count in enumerate(counts)
        if count
    ]
    return TreeShape(tree, int(depths.max()), float(depths.mean()), float(np.median(depths)),
                     int(counts.argmax()), levels)


def line_balance(parent: np.ndarray, size: np.ndarray) -> LineBalance:
    """Smallest ÷ largest line of every member with three lines (line = a child's subtree size)."""
    n = len(parent)
    placed = parent >= 0
    if n == 0 or not placed.any():
        return LineBalance(0, 0, 0.0, 0.0, 0)
    parents, sizes = parent[placed], size[placed]
    lines = np.bincount(parents, minlength=n)
    largest = np.zeros(n, dtype=np.int64)
    smallest = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    np.maximum.at(largest, parents, sizes)
    np.minimum.at(smallest, parents, sizes)
    full = lines == 3
    ratios = smallest[full] / largest[full] if full.any() else np.zeros(0)
    return LineBalance(
        members_with_lines=int(np.count_nonzero(lines)),
        members_with_three_lines=int(np.count_nonzero(full)),
        mean_ratio=float(ratios.mean()) if len(ratios) else 0.0,
        median_ratio=float(np.median(ratios)) if len(ratios) else 0.0,
        unbalanced=int(np.count_nonzero(ratios < UNBALANCED_BELOW)),
    )


def top_count(members: int, percent: int) -> int:
    """How many members are the top `percent` %: ceil(percent % of members), at least one."""
    return max(1, math.ceil(members * percent / 100)) if members else 0


def concentration(paid: np.ndarray) -> Concentration:
    """Top 1 % / top 10 % shares and the Gini coefficient of paid cents over all members."""
    n = len(paid)
    total = int(paid.sum())
    earners = int(np.count_nonzero(paid > 0))
    k1, k10 = top_count(n, 1), top_count(n, 10)
    if n == 0 or total == 0:
        return Concentration(total, earners, k1, 0.0, k10, 0.0, 0.0)
    ascending = np.sort(paid)
    top1 = int(ascending[n - k1:].sum())
    top10 = int(ascending[n - k10:].sum())
    # Gini = Σ_i (2i - n - 1) x_(i) / (n Σ x), i = 1..n over x ascending
    weights = 2.0 * np.arange(1, n + 1, dtype=np.float64) - n - 1
    gini = float(np.dot(weights, ascending.astype(np.float64)) / (n * float(total)))
    return Concentration(total, earners, k1, top1 / total, k10, top10 / total, gini)
