"""The leader's chart: each member's diamonds per period and the family's commission over the
last 12 periods (weeks by default), as SVG drawn by matplotlib.

Each line is an SVG group with a findable id: `member-<memberId>` per member and
`family-commission` for the commission (in diamonds, the unit of the other lines); a dotted
`threshold` line marks the plan's threshold.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from graph.plans.family import periods
from graph.plans.family.activity import ActivityEvent
from graph.plans.family.commission import commission_diamonds
from graph.plans.family.families import require_family
from graph.plans.family.health import read_events
from graph.plans.family.plan import FamilyPlan

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


PERIODS = 12
COMMISSION_GID = "family-commission"


@dataclass(frozen=True)
class ChartData:
    periods: tuple[str, ...]  # oldest first, ending with the period of as_of
    members: dict[str, tuple[int, ...]]  # member → qualifying diamonds per period
    commission: tuple[Decimal, ...]  # the family's commission in diamonds per period
    threshold: int  # diamonds per member per period that earn no commission


def chart_data(plan: FamilyPlan, member_ids: Sequence[str], events: Sequence[ActivityEvent], as_of: int,
               count: int = PERIODS) -> ChartData:
    """Per period: each member's qualifying diamonds, and the commission of all the family's
    activity (members removed since included, as the period close counts them)."""
    labels = periods.last_periods(as_of, plan.period, count)
    index = {label: i for i, label in enumerate(labels)}
    diamonds: dict[str, list[int]] = defaultdict(lambda: [0] * len(labels))
    for event in events:
        if event.type in plan.qualifying and event.at <= as_of:
            slot = index.get(periods.period_of(event.at, plan.period))
            if slot is not None:
                diamonds[event.member_id][slot] += event.diamonds
    commission = tuple(
        sum((commission_diamonds(values[i], plan) for values in diamonds.values()), Decimal(0))
        for i in range(len(labels))
    )
    return ChartData(tuple(labels), {m: tuple(diamonds[m]) for m in sorted(member_ids)}, commission, plan.threshold)


def render_svg(data: ChartData, title: str) -> str:
    """The chart as an SVG document (matplotlib, Agg-free SVG canvas; no pyplot state)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "refnet"}):
        # tall enough for the legend: one line of it per member
        figure = Figure(figsize=(10, max(5.5, 1.5 + 0.16 * (len(data.members) + 1))))
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        x = list(range(len(data.periods)))
        for member_id, values in data.members.items():
            axes.plot(x, values, marker="o", linewidth=1.4, markersize=3, label=member_id, gid=f"member-{member_id}")
        axes.plot(x, [float(value) for value in data.commission], color="black", linestyle="--", linewidth=2.4,
                  label="leader's commission", gid=COMMISSION_GID)
        axes.axhline(data.threshold, color="grey", linestyle=":", linewidth=1,
                     label=f"threshold {data.threshold:,}", gid="threshold")
        axes.set_xticks(x, list(data.periods), rotation=45, ha="right", fontsize=8)
        axes.set_ylabel("diamonds")
        axes.set_title(title)
        axes.grid(True, alpha=0.3)
        axes.set_ylim(bottom=0)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})  # same data, same SVG
    return buffer.getvalue()


def read_chart_svg(rn: Refnet, plan: FamilyPlan, family_id: str, as_of: int, count: int = PERIODS) -> str:
    """The chart of a family's current members at `as_of`; NotFound for an unknown family."""
    family = require_family(rn, family_id, "id")
    start = periods.bounds(periods.last_periods(as_of, plan.period, count)[0])[0]
    events = read_events(rn, family_id, start, as_of)
    data = chart_data(plan, [m.member_id for m in family.members], events, as_of, count)
    name = family.name.replace("$", r"\$")  # matplotlib reads $...$ as math; a family name is text
    return render_svg(data, f"{name}: diamonds per {plan.period} and the leader's commission")
