"""Family plan throughput: a family of M members, E activity events over 8 weeks recorded in
bulk, then the period close, the team-health report and the chart.

Figures are ratios against a baseline measured in the same run: recording events one per
call (the slow way a client could use recordActivity). Prints events/s of both, the bulk
speed-up, and the close / report / chart times as multiples of one single-event call.

    python -m bench.family [MEMBERS EVENTS]      (default: 200 50000)
"""

from __future__ import annotations

import random
import sys
import time

from bench.common import engine
from graph.core.plan import load_plan
from graph.network.members import register
from graph.plans.family import activity, chart, commission, families, health, periods
from graph.plans.family.activity import ActivityEvent

TYPES = ["LIVE_GIFT", "PK_GIFT", "BATTLE", "RANKING", "SONG_UPLOAD", "PK_JOIN", "PRACTICE"]
BATCH = 5_000
SINGLE = 200


def run(members: int, events: int) -> dict[str, float]:
    full_plan = load_plan("family")
    plan = full_plan.section("family")
    rng = random.Random(7)
    with engine(full_plan) as rn:
        now = rn.clock()
        register(rn, "Leader", member_id="L")
        ids = [f"m{i}" for i in range(members)]
        for member_id in ids:
            register(rn, "Singer", sponsor_id="L", member_id=member_id)
        rn.clock = lambda: now  # members joined "now"; activity is back-dated below
        families.create_family(rn, "F", "Bench family", "L")
        for member_id in ids:
            families.add_member(rn, "F", member_id)
        start = periods.bounds(periods.last_periods(now, "week", 9)[0])[0]
        generated = [
            ActivityEvent("F", rng.choice(ids), rng.choice(TYPES), rng.randrange(start, now), rng.randrange(0, 3000))
            for _ in range(events + SINGLE)
        ]
        started = time.perf_counter()
        for event in generated[:SINGLE]:
            activity.record_activity(rn, plan, [event])
        single = (time.perf_counter() - started) / SINGLE
        started = time.perf_counter()
        for offset in range(SINGLE, len(generated), BATCH):
            activity.record_activity(rn, plan, generated[offset:offset + BATCH])
        bulk = (time.perf_counter() - started) / events
        week = periods.last_periods(now, "week", 2, include_current=False)[-1]
        started = time.perf_counter()
        run_record = commission.close_period(rn, plan, week)
        close = time.perf_counter() - started
        started = time.perf_counter()
        report = health.read_team_health(rn, plan, "F", now)
        report_time = time.perf_counter() - started
        started = time.perf_counter()
        svg = chart.read_chart_svg(rn, plan, "F", now)
        chart_time = time.perf_counter() - started
    return {
        "single_rate": 1 / single, "bulk_rate": 1 / bulk, "speedup": single / bulk,
        "close": close / single, "report": report_time / single, "chart": chart_time / single,
        "entries": run_record.entries, "flags": len(report.flags), "svg_kb": len(svg) / 1024,
    }


def main(argv: list[str]) -> None:
    members, events = (int(argv[0]), int(argv[1])) if len(argv) == 2 else (200, 50_000)
    result = run(members, events)
    print(f"members {members}, events {events} (baseline: {SINGLE} events recorded one per call)")
    print(f"  one per call   {result['single_rate']:>9.0f} events/s   (baseline)")
    print(f"  bulk ({BATCH})   {result['bulk_rate']:>9.0f} events/s   ×{result['speedup']:.0f} the baseline")
    print(f"  close a week   {result['close']:>9.1f} × one single-event call  ({result['entries']} entries)")
    print(f"  team health    {result['report']:>9.1f} × one single-event call  ({result['flags']} flags)")
    print(f"  chart (SVG)    {result['chart']:>9.1f} × one single-event call  ({result['svg_kb']:.0f} KiB)")


if __name__ == "__main__":
    main(sys.argv[1:])
