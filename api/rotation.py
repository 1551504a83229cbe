"""The weekly line rotation in GraphQL (`rotateLines`, `rotations`) and on the command line
(`refnet rotate`)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

import strawberry
from strawberry.types import Info

from api.context import call, require_admin
from api.members import datetime_of
from api.permissions import Public
from graph.network import rotation


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
