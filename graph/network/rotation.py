"""Weekly rotation of wealth and contribution lines (强制换线 / 点位轮值), rules §4.

Once per ISO week every *full* member (3 placement children) gets r += 1, so its wealth
designation moves to the next slot (3 → 1 → 2 → 3 …; `graph.network.placement.designation`).

How a week is run, and why it is safe to run it twice, concurrently, or after a crash:
- A run node `(:Rotation {week})` is created (MERGE) when the week starts running and gets
  `finished_at` when it is done. At most one run is unfinished at any time: starting a week
  is one statement that refuses while another week's run is open, and the caller finishes
  that one first (crash recovery, catch-up in week order).
- Members are rotated in batches of `Member.seq` ranges (indexed). Each batch is one
  statement that rotates only full members whose marker `rot_week` is not this run's week
  and sets it; it acts only while the run is unfinished. Because runs are strictly one after
  another, "rot_week = W" means exactly "rotated for W", so a re-run, a second process or a
  resumed run never rotates a member twice for one week. Each batch also bumps the graph's
  write version, so a registration computed from a stale `r` is retried.
- Who is full is judged when the member's batch runs.

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
from typing import Any

from graph.core.errors import BadInput
from graph.service import Refnet

log = logging.getLogger("refnet.rotation")

WEEK_PATTERN = re.compile(r"(\d{4})-W(\d{2})")
BATCH_SIZE = 10_000  # members per seq range; one statement each
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


@dataclass(frozen=True)
class Progress:
    week: str
    batch: int
    seq_to: int  # members with seq below this have been gone through
    seq_end: int  # the graph version when this pass began: the last seq it goes to
    rotated_in_batch: int
    rotated: int  # in this run so far, by every runner


BatchHook = Callable[[Progress], None]


def check_week(rn: Refnet, week: str) -> int:
    """The week's index; BadInput for a malformed week or one that has not begun (UTC)."""
    index = parse_week(week)
    current = week_of(rn.clock())
    if index > current:
        raise BadInput(f"week: {week} has not begun yet (the current week is {week_name(current)})")
    return index


def rotate(rn: Refnet, week: str, on_batch: BatchHook | None = None, batch_size: int = BATCH_SIZE) -> RotationRun:
    """Runs the rotation of `week` to the end and returns its run; a week that already ran is
    returned unchanged. An unfinished run of another week is finished first."""
    index = check_week(rn, week)
    week = week_name(index)
    while True:
        row = rn.store.run("rotation_start", {"week": week, "index": index, "now": rn.clock(),
                                              "plan_version": getattr(rn.plan, "version", None)})[0]
        if row["started"]:
            break
        if not row["open"]:
            raise RuntimeError(f"the rotation run of {week} could not be started")
        for other in row["open"]:  # a run left unfinished (crash, or another process): finish it first
            log.info("rotation %s was left unfinished; finishing it before %s", other, week)
            _finish_run(rn, other, on_batch, batch_size)
    if row["finished_at"] is not None:
        return RotationRun.from_row(row)
    return _finish_run(rn, week, on_batch, batch_size)


def _finish_run(rn: Refnet, week: str, on_batch: BatchHook | None, batch_size: int) -> RotationRun:
    """Goes through the members by seq range, from the run's cursor up to the graph version
    read when this pass begins (every member registered by then), then marks the run finished."""
    cursor = rn.store.run("rotation_cursor", {"week": week})
    if cursor and cursor[0]["finished_at"] is None:
        seq_from, seq_end, batch = cursor[0]["next_seq"], cursor[0]["version"], 0
        while seq_from <= seq_end:
            seq_to = seq_from + batch_size
            rows = rn.store.run("rotation_batch", {"week": week, "from": seq_from, "to": seq_to})
            if not rows:
                break  # another runner finished the week
            batch += 1
            if on_batch is not None:
                on_batch(Progress(week, batch, seq_to, seq_end, rows[0]["rotated"], rows[0]["total"]))
            seq_from = seq_to
    run = RotationRun.from_row(rn.store.run("rotation_finish", {"week": week, "now": rn.clock()})[0])
    log.info("rotation %s finished: %d members rotated", run.week, run.rotated)
    return run


def rotations(rn: Refnet) -> list[RotationRun]:
    """Every recorded run, latest week first."""
    return [RotationRun.from_row(row) for row in rn.store.run("rotation_runs")]


def last_week_run(rn: Refnet) -> int | None:
    rows = rn.store.run("rotation_last")
    return rows[0]["index"] if rows and rows[0]["index"] is not None else None


def catch_up(rn: Refnet, on_batch: BatchHook | None = None, batch_size: int = BATCH_SIZE) -> list[RotationRun]:
    """Runs the weeks missed since the latest run, oldest first, through the current week
    (finishing a run left unfinished first)."""
    current = week_of(rn.clock())
    weeks = weeks_to_catch_up(last_week_run(rn), current)
    finish_open(rn, on_batch, batch_size)
    return [rotate(rn, week_name(index), on_batch, batch_size) for index in weeks]


def finish_open(rn: Refnet, on_batch: BatchHook | None = None, batch_size: int = BATCH_SIZE) -> list[RotationRun]:
    """Finishes the runs left unfinished (by a crash), if any."""
    return [_finish_run(rn, row["week"], on_batch, batch_size) for row in rn.store.run("rotation_open")]


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
