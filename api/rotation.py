"""The weekly line rotation in GraphQL (`rotateLines`, `rotations`) and on the command line
(`refnet rotate`)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Optional

import strawberry
from strawberry.types import Info

from api.cli import command, open_engine
from api.context import call, require_admin
from api.permissions import Public
from api.members import datetime_of
from graph import rotation


@strawberry.type(description="One week's rotation of wealth and contribution lines (rules §4).")
class RotationRun:
    record: strawberry.Private[rotation.RotationRun]

    @strawberry.field(description='ISO week, e.g. "2026-W48".')
    def week(self) -> str:
        return self.record.week

    @strawberry.field(description="Full members rotated in this week's run.")
    def rotated(self) -> int:
        return self.record.rotated

    @strawberry.field(description="When the run finished (when it started, while it is unfinished).")
    def at(self) -> datetime:
        return datetime_of(self.record.at)

    @strawberry.field
    def started_at(self) -> datetime:
        return datetime_of(self.record.started_at)

    @strawberry.field(description="Null while the run is unfinished (running, or stopped half-way).")
    def finished_at(self) -> Optional[datetime]:
        return datetime_of(self.record.finished_at) if self.record.finished_at is not None else None

    @strawberry.field(description="Version of the plan the run was started under (plans).")
    def plan_version(self) -> Optional[str]:
        return self.record.plan_version


@strawberry.type
class Query:
    @strawberry.field(description="Every recorded rotation run, latest week first (public).",
                      permission_classes=[Public])
    async def rotations(self, info: Info) -> list[RotationRun]:
        runs = await call(rotation.rotations, info.context.rn)
        return [RotationRun(record=run) for run in runs]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Rotates every full member's lines for an ISO week that has begun; "
                                     "idempotent per week (a week that ran is returned unchanged).")
    async def rotate_lines(self, info: Info, week: str) -> RotationRun:
        require_admin(info)
        run = await call(rotation.rotate, info.context.rn, week)
        return RotationRun(record=run)


def _rotate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--week", help='ISO week such as 2026-W48 (default: the current week, UTC)')
    parser.add_argument("--catch-up", action="store_true",
                        help="run every week missed since the latest run, through the current week "
                             "(what `refnet serve` does at start)")
    parser.add_argument("--batch-size", type=int, default=rotation.BATCH_SIZE,
                        help=f"members per seq range and statement (default {rotation.BATCH_SIZE})")


@command("rotate", "run the weekly rotation of wealth and contribution lines", _rotate_arguments)
def rotate(args: argparse.Namespace) -> int:
    if args.batch_size < 1:
        print("refnet: --batch-size must be at least 1", file=sys.stderr)
        return 2
    rn = open_engine(args)
    try:
        def progress(p: rotation.Progress) -> None:
            print(f"{p.week}: batch {p.batch}, members up to seq {min(p.seq_to, p.seq_end + 1) - 1:,} "
                  f"of {p.seq_end:,}, {p.rotated_in_batch:,} rotated in this batch, {p.rotated:,} in the run",
                  flush=True)

        if args.catch_up:
            if args.week:
                print("refnet: --week and --catch-up exclude each other", file=sys.stderr)
                return 2
            runs = rotation.catch_up(rn, on_batch=progress, batch_size=args.batch_size)
        else:
            week = args.week or rotation.week_name(rotation.week_of(rn.clock()))
            runs = [rotation.rotate(rn, week, on_batch=progress, batch_size=args.batch_size)]
        for run in runs:
            print(f"{run.week}: done, {run.rotated:,} members rotated, finished "
                  f"{datetime_of(run.at).isoformat()}", flush=True)
        if not runs:
            print("nothing to catch up", flush=True)
        return 0
    finally:
        rn.store.close()
