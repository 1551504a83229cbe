"""Weekly rotation of wealth and contribution lines (强制换线 / 点位轮值), rules §4.

Once per ISO week every *full* member (3 placement children) gets r += 1, so its wealth
designation moves to the next slot (3 → 1 → 2 → 3 …; `graph.network.placement.designation`).

A run touches no member: r is the number of runs since the member filled its third slot, so
the graph keeps one counter of runs (`Meta.rotation_runs`) and each member the counter's value
when it became full (`Member.full_at`, set by the registration that fills its third slot);
r = rotation_runs - full_at (0 while not full). A week's run is one statement: it creates the
week's `(:Rotation {week})` and adds one to the counter, or finds the run when the week ran
already, so running a week twice, concurrently or after a crash rotates nobody twice. It bumps
the graph's write version, so a registration computed from a stale r is retried.

Graphs written before the counter stored r on each member; `upgrade_offsets` converts them at
start (full_at = rotation_runs - r), finishing a run a crash left half-way as that run would have.

Pure week arithmetic at the top; the job below it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from graph.core.errors import BadInput
from graph.store.store import Store

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.rotation")

WEEK_PATTERN = re.compile(r"(\d{4})-W(\d{2})")
UPGRADE_BATCH = 50_000  # members per seq range when converting a graph's stored offsets
MS_PER_WEEK = 7 * 24 * 3600 * 1000


# --- ISO weeks (pure) ------------------------------------------------------------------------

def parse_week(week: str, field: str = "week") -> int:
    """The index of ISO week "YYYY-Www" (weeks since the Monday of 0001-01-01); BadInput if malformed."""
    match = WEEK_PATTERN.fullmatch(week.strip()) if isinstance(week, str) else None
    if match is None:
        raise BadInput(f"{field}: {week!r} is not an ISO week like \"2026-W48\"")
    year, number = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError:
        raise BadInput(f"{field}: {year} has no ISO week {number}") from None
    return (monday.toordinal() - 1) // 7


def week_name(index: int) -> str:
    """The "YYYY-Www" name of a week index."""
    year, number, _ = date.fromordinal(index * 7 + 1).isocalendar()
    return f"{year:04d}-W{number:02d}"


def week_of(ms: int) -> int:
    """The index of the ISO week (UTC) that epoch-millisecond time `ms` falls in."""
    day = datetime.fromtimestamp(ms / 1000, tz=timezone.utc).date()
    return (day.toordinal() - 1) // 7


def week_start_ms(index: int) -> int:
    """Epoch milliseconds of Monday 00:00 UTC of week `index`."""
    monday = datetime.combine(date.fromordinal(index * 7 + 1), datetime.min.time(), tzinfo=timezone.utc)
    return int(monday.timestamp()) * 1000


def weeks_to_catch_up(last_run: int | None, current: int) -> list[int]:
    """The weeks the scheduler runs: every week after the latest one run, through the current
    week; only the current week when nothing ever ran."""
    if last_run is None:
        return [current]
    return list(range(last_run + 1, current + 1))


# --- The job ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class RotationRun:
    week: str
    rotated: int
    started_at: int
    finished_at: int | None
    plan_version: str | None = field(default=None, compare=False)  # the plan it ran under (issue 8)

    @property
    def at(self) -> int:
        return self.finished_at if self.finished_at is not None else self.started_at

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "RotationRun":
        return cls(row["week"], row["rotated"], row["started_at"], row["finished_at"], row.get("plan_version"))


def check_week(rn: Refnet, week: str) -> int:
    """The week's index; BadInput for a malformed week or one that has not begun (UTC)."""
    index = parse_week(week)
    current = week_of(rn.clock())
    if index > current:
        raise BadInput(f"week: {week} has not begun yet (the current week is {week_name(current)})")
    return index


def rotate(rn: Refnet, week: str) -> RotationRun:
    """Runs the rotation of `week` (one statement, whatever the network's size) and returns its
    run; a week that already ran is returned unchanged."""
    index = check_week(rn, week)

    def run_week() -> dict[str, Any]:
        row = rn.store.run("rotation_run", {"week": week_name(index), "index": index, "now": rn.clock(),
                                            "plan_version": getattr(rn.plan, "version", None)})[0]
        if row["created"] and rn.working_set is not None:  # one more run: the writer's set moves with it
            rn.working_set.fold_rotation(row["version"] - 1, row["version"])
        return row

    row = rn.guard(run_week)  # beside the writer, which alone touches its working set
    run = RotationRun.from_row(row)
    if row["created"]:
        log.info("rotation %s: %d members rotated", run.week, run.rotated)
    return run


def rotations(rn: Refnet) -> list[RotationRun]:
    """Every recorded run, latest week first."""
    return [RotationRun.from_row(row) for row in rn.store.run("rotation_runs")]


def last_week_run(rn: Refnet) -> int | None:
    rows = rn.store.run("rotation_last")
    return rows[0]["index"] if rows and rows[0]["index"] is not None else None


def catch_up(rn: Refnet) -> list[RotationRun]:
    """Runs the weeks missed since the latest run, oldest first, through the current week."""
    current = week_of(rn.clock())
    return [rotate(rn, week_name(index)) for index in weeks_to_catch_up(last_week_run(rn), current)]


def upgrade_offsets(store: Store, now: int, force: bool = False, batch: int = UPGRADE_BATCH) -> int:
    """Converts members that still store their offset r (a graph written before the run
    counter, or members created by a bulk load that wrote r) into full_at = rotation_runs - r,
    and counts the full members. Idempotent: a converted member holds no r, so a second call, or
    one after a crash half-way, converts only what is left. It runs when the graph has no
    full-member count yet, or when `force`d (after a bulk load that wrote r). Returns the members
    converted."""
    rows = store.run("rotation_upgrade_start", {"now": now, "force": force})
    if not rows or not rows[0]["pending"]:
        return 0
    converted = 0
    for seq_from in range(0, rows[0]["version"] + 1, batch):
        converted += store.run("rotation_upgrade_batch", {"from": seq_from, "to": seq_from + batch})[0]["converted"]
    store.run("rotation_upgrade_finish")
    if converted:
        log.info("rotation offsets of %d members converted to the run counter", converted)
    return converted


Sleep = Callable[[float], Awaitable[None]]


async def weekly_rotation(rn: Refnet, sleep: Sleep = asyncio.sleep, retry_seconds: float = 60.0) -> None:
    """`refnet serve`'s background job: catches up at start, then runs each week as it begins
    (UTC). The graph decides what has run, so several instances may run this side by side."""
    from starlette.concurrency import run_in_threadpool

    if os.environ.get("REFNET_ROTATION_JOB", "on").strip().lower() in ("off", "0", "false", "no"):
        log.info("weekly rotation job off (REFNET_ROTATION_JOB); run `refnet rotate` from a scheduler")
        return
    while True:
        try:
            runs = await run_in_threadpool(catch_up, rn)
            for run in runs:
                log.info("weekly rotation: %s, %d members rotated", run.week, run.rotated)
        except Exception:
            log.exception("weekly rotation failed; retrying in %.0f s", retry_seconds)
            await sleep(retry_seconds)
            continue
        now = rn.clock()
        next_start = week_start_ms(week_of(now) + 1)
        await sleep(max(0.0, (next_start - now) / 1000) + 1.0)
