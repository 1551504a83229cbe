"""Plan `family` in GraphQL (families, activity, team health, the family period close), the
chart route `GET /families/{id}/chart.svg` and the `refnet import-activity` command."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Optional

import strawberry
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.types import Info

from api.auth import principal_of, refusal
from api.context import call, require_admin, write
from api.members import Member, datetime_of, load_member
from api.permissions import LeaderOfFamily
from api.scalars import Money, Points
from api.transport import RequestRefused, error_response
from graph.core.errors import BadInput, DomainError
from graph.core.periods import epoch_ms, parse_time
from graph.plans.family import activity, chart, families, health
from graph.plans.family.activity import ActivityEvent
from graph.plans.family.families import FamilyChangeRecord, FamilyMemberRecord, FamilyRecord
from graph.plans.family.plan import FamilyPlan, plan_of
from graph.service import Refnet


def family_plan(rn: Refnet) -> FamilyPlan:
    plan = plan_of(rn)
    if plan is None:
        raise BadInput(f"plan: families need the `family` plan (refnet serve --plan family); plan "
                       f"{rn.plan.name if rn.plan is not None else '(none)'} runs no family module")
    return plan


def ms_of(moment: datetime) -> int:
    return epoch_ms(moment)


@strawberry.enum
class FamilyRole(Enum):
    MEMBER = "MEMBER"
    VICE = "VICE"
    HOST = "HOST"


@strawberry.enum
class ActivityType(Enum):
    LIVE_GIFT = "LIVE_GIFT"
    PK_GIFT = "PK_GIFT"
    BATTLE = "BATTLE"
    RANKING = "RANKING"
    SONG_UPLOAD = "SONG_UPLOAD"
    PK_JOIN = "PK_JOIN"
    COIN_PURCHASE = "COIN_PURCHASE"
    PROFILE = "PROFILE"
    PRACTICE = "PRACTICE"
    EXPENSE = "EXPENSE"


@strawberry.enum
class GapLevel(Enum):
    OK = "OK"
    AT_RISK = "AT_RISK"
    WARNING = "WARNING"
    REMOVAL_CANDIDATE = "REMOVAL_CANDIDATE"


@strawberry.enum
class Consistency(Enum):
    RELIABLE = "RELIABLE"
    MODERATE = "MODERATE"
    SPORADIC = "SPORADIC"


@strawberry.enum
class MarginClass(Enum):
    ALARM = "ALARM"
    LOW = "LOW"
    HEALTHY = "HEALTHY"
    HIGH = "HIGH"


@strawberry.input
class ActivityInput:
    member_id: strawberry.ID
    type: ActivityType
    at: datetime
    diamonds: Optional[int] = 0
    category: Optional[str] = strawberry.field(default=None, description="Expenses only: props, event_fees, …")
    amount: Optional[Money] = strawberry.field(default=None, description="Expenses only.")
    id: Optional[strawberry.ID] = strawberry.field(
        default=None, description="Optional; an event whose id is already recorded with the same content is skipped.")


@strawberry.type
class FamilyMember:
    record: strawberry.Private[FamilyMemberRecord]

    @strawberry.field
    async def member(self, info: Info) -> Member:
        return await load_member(info, self.record.member_id)  # type: ignore[return-value]

    @strawberry.field
    def role(self) -> FamilyRole:
        return FamilyRole(self.record.role)

    @strawberry.field
    def since(self) -> datetime:
        return datetime_of(self.record.since)


@strawberry.type(description="A change of the family: CREATED, JOINED, ROLE_CHANGED or REMOVED (with the reason).")
class FamilyChange:
    record: strawberry.Private[FamilyChangeRecord]

    @strawberry.field
    def member_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.member_id)

    @strawberry.field
    def action(self) -> str:
        return self.record.action

    @strawberry.field(description="The role taken (LEADER for the creation), or the role left on removal.")
    def role(self) -> str:
        return self.record.role

    @strawberry.field
    def previous_role(self) -> Optional[str]:
        return self.record.previous_role

    @strawberry.field
    def reason(self) -> Optional[str]:
        return self.record.reason

    @strawberry.field
    def at(self) -> datetime:
        return datetime_of(self.record.at)


@strawberry.type
class Family:
    record: strawberry.Private[FamilyRecord]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.record.id)

    @strawberry.field
    def name(self) -> str:
        return self.record.name

    @strawberry.field
    def created_at(self) -> datetime:
        return datetime_of(self.record.created_at)

    @strawberry.field
    async def leader(self, info: Info) -> Member:
        return await load_member(info, self.record.leader_id)  # type: ignore[return-value]

    @strawberry.field(description="Current members, by id (the leader is not one of them).")
    def members(self) -> list[FamilyMember]:
        return [FamilyMember(record=m) for m in self.record.members]

    @strawberry.field(description="The family's log, oldest first: joins, role changes, removals with reasons.")
    async def changes(self, info: Info) -> list[FamilyChange]:
        rows = await call(families.changes, info.context.rn, self.record.id)
        return [FamilyChange(record=r) for r in rows]


@strawberry.type
class HealthFlag:
    code: str = strawberry.field(description="AT_RISK, WARNING, REMOVAL_CANDIDATE, SPORADIC, MAY_LEAVE, "
                                             "ROLE_NOT_MET, MAY_PROMOTE, PROPS_HIGH, EVENT_FEES_HIGH, MARGIN_ALARM")
    member_id: Optional[strawberry.ID]
    message: str = strawberry.field(description="The numbers behind the flag.")


def _flags(items) -> list[HealthFlag]:
    return [HealthFlag(code=f.code, member_id=strawberry.ID(f.member_id) if f.member_id else None, message=f.message)
            for f in items]


@strawberry.type
class MemberHealth:
    record: strawberry.Private[health.MemberHealth]

    @strawberry.field
    async def member(self, info: Info) -> Member:
        return await load_member(info, self.record.member_id)  # type: ignore[return-value]

    @strawberry.field
    def member_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.member_id)

    @strawberry.field
    def role(self) -> FamilyRole:
        return FamilyRole(self.record.role)

    @strawberry.field(description="Last gift, song upload or PK (plan `activity`); null if none yet.")
    def last_activity_at(self) -> Optional[datetime]:
        return datetime_of(self.record.last_activity_at) if self.record.last_activity_at is not None else None

    @strawberry.field(description="Hours since the last activity (or since joining, without any), 2 places down.")
    def gap_hours(self) -> Points:
        return Points(health.hours(self.record.gap_ms))

    @strawberry.field
    def gap_level(self) -> GapLevel:
        return GapLevel(self.record.gap_level)

    @strawberry.field(description="Qualifying diamonds of the last 30 days.")
    def diamonds_30d(self) -> int:
        return self.record.diamonds_30d

    @strawberry.field(description="Share of the family's diamonds of the last 30 days.")
    def share_30d(self) -> Points:
        return Points(self.record.share_30d)

    @strawberry.field
    def top_contributor(self) -> bool:
        return self.record.top_contributor

    @strawberry.field(description="Qualifying diamonds per rolling week, oldest first (weeks since joining).")
    def weekly_diamonds(self) -> list[int]:
        return list(self.record.weekly_diamonds)

    @strawberry.field(description="Coefficient of variation of weeklyDiamonds (std ÷ mean).")
    def cv(self) -> Optional[Points]:
        return Points(self.record.cv) if self.record.cv is not None else None

    @strawberry.field
    def consistency(self) -> Optional[Consistency]:
        return Consistency(self.record.consistency) if self.record.consistency else None

    @strawberry.field(description="Mean weekly diamonds of the last two weeks.")
    def recent_weekly(self) -> Optional[Points]:
        return Points(self.record.recent_weekly) if self.record.recent_weekly is not None else None

    @strawberry.field(description="Mean weekly diamonds of the weeks before.")
    def usual_weekly(self) -> Optional[Points]:
        return Points(self.record.usual_weekly) if self.record.usual_weekly is not None else None

    @strawberry.field(description="1 − recentWeekly ÷ usualWeekly.")
    def drop(self) -> Optional[Points]:
        return Points(self.record.drop) if self.record.drop is not None else None

    @strawberry.field
    def may_leave(self) -> bool:
        return self.record.may_leave

    @strawberry.field(description="Qualifying diamonds of the last 30 days (the role check's month).")
    def diamonds_month(self) -> int:
        return self.record.figures.diamonds_month

    @strawberry.field(description="Song uploads of the last 7 days.")
    def songs_week(self) -> int:
        return self.record.figures.songs_week

    @strawberry.field(description="Days of the last 7 with a PK.")
    def pk_days(self) -> int:
        return self.record.figures.pk_days

    @strawberry.field
    def meets_role(self) -> bool:
        return self.record.meets_role

    @strawberry.field
    def role_shortfalls(self) -> list[str]:
        return list(self.record.role_shortfalls)

    @strawberry.field
    def may_promote_to(self) -> Optional[FamilyRole]:
        return FamilyRole(self.record.may_promote_to) if self.record.may_promote_to else None

    @strawberry.field
    def flags(self) -> list[HealthFlag]:
        return _flags(self.record.flags)


@strawberry.type
class TopContributors:
    record: strawberry.Private[health.TopGroup]

    @strawberry.field
    def window_days(self) -> int:
        return self.record.window_days

    @strawberry.field
    def cut(self) -> Points:
        return Points(self.record.cut)

    @strawberry.field
    def total_diamonds(self) -> int:
        return self.record.total_diamonds

    @strawberry.field(description="The smallest group, most diamonds first, reaching `cut` of the total.")
    def member_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(i) for i in self.record.member_ids]

    @strawberry.field
    def group_diamonds(self) -> int:
        return self.record.group_diamonds

    @strawberry.field
    def group_share(self) -> Points:
        return Points(self.record.group_share)


@strawberry.type
class CategorySpend:
    category: str
    amount: Money
    share: Points


@strawberry.type
class Budget:
    record: strawberry.Private[health.Budget]

    @strawberry.field(description="The complete periods looked at, oldest first.")
    def periods(self) -> list[str]:
        return list(self.record.periods)

    @strawberry.field
    def spend(self) -> Money:
        return Money(self.record.spend)

    @strawberry.field
    def by_category(self) -> list[CategorySpend]:
        return [CategorySpend(category=c.category, amount=Money(c.amount), share=Points(c.share))
                for c in self.record.by_category]

    @strawberry.field(description="The leader's commission of those periods, in diamonds.")
    def commission_diamonds(self) -> Points:
        return Points(self.record.commission_diamonds)

    @strawberry.field(description="The same as money (× the plan's diamondValue).")
    def commission(self) -> Money:
        return Money(self.record.commission)

    @strawberry.field(description="(commission − spend) ÷ commission; null without commission.")
    def net_margin(self) -> Optional[Points]:
        return Points(self.record.net_margin) if self.record.net_margin is not None else None

    @strawberry.field
    def margin_class(self) -> Optional[MarginClass]:
        return MarginClass(self.record.margin_class) if self.record.margin_class else None

    @strawberry.field
    def flags(self) -> list[HealthFlag]:
        return _flags(self.record.flags)


@strawberry.type
class TeamHealth:
    record: strawberry.Private[health.TeamHealthReport]

    @strawberry.field
    def family_id(self) -> strawberry.ID:
        return strawberry.ID(self.record.family_id)

    @strawberry.field
    def as_of(self) -> datetime:
        return datetime_of(self.record.as_of)

    @strawberry.field
    def members(self) -> list[MemberHealth]:
        return [MemberHealth(record=m) for m in self.record.members]

    @strawberry.field
    def top_contributors(self) -> TopContributors:
        return TopContributors(record=self.record.top)

    @strawberry.field
    def budget(self) -> Budget:
        return Budget(record=self.record.budget)

    @strawberry.field(description="Every member's and the budget's flags, at a glance.")
    def flags(self) -> list[HealthFlag]:
        return _flags(self.record.flags)


def _events(family_id: str, inputs: list[ActivityInput]) -> list[ActivityEvent]:
    return [
        ActivityEvent(family_id, str(e.member_id), e.type.value, ms_of(e.at), e.diamonds or 0, e.category,
                      Decimal(e.amount) if e.amount is not None else None, str(e.id) if e.id is not None else None)
        for e in inputs
    ]


@strawberry.type
class Query:
    @strawberry.field(description="The admin, or the family's leader.", permission_classes=[LeaderOfFamily])
    async def family(self, info: Info, id: strawberry.ID) -> Optional[Family]:
        record = await call(families.get_family, info.context.rn, str(id))
        return Family(record=record) if record is not None else None

    @strawberry.field(description="Rules §10 team health of a family at a moment (the admin, or the family's "
                                  "leader).", permission_classes=[LeaderOfFamily])
    async def team_health(self, info: Info, family_id: strawberry.ID, as_of: datetime) -> TeamHealth:
        rn = info.context.rn
        report = await call(health.read_team_health, rn, family_plan(rn), str(family_id), ms_of(as_of))
        return TeamHealth(record=report)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_family(self, info: Info, id: strawberry.ID, name: str, leader_id: strawberry.ID) -> Family:
        require_admin(info)
        family_plan(info.context.rn)
        record = await call(families.create_family, info.context.rn, str(id), name, str(leader_id))
        return Family(record=record)

    @strawberry.mutation
    async def add_family_member(self, info: Info, family_id: strawberry.ID, member_id: strawberry.ID,
                                role: Optional[FamilyRole] = FamilyRole.MEMBER) -> Family:
        require_admin(info)
        record = await call(families.add_member, info.context.rn, str(family_id), str(member_id),
                            (role or FamilyRole.MEMBER).value)
        return Family(record=record)

    @strawberry.mutation(description="Promotes or demotes a member (logged with its previous role).")
    async def set_family_role(self, info: Info, family_id: strawberry.ID, member_id: strawberry.ID,
                              role: FamilyRole) -> Family:
        require_admin(info)
        record = await call(families.set_role, info.context.rn, str(family_id), str(member_id), role.value)
        return Family(record=record)

    @strawberry.mutation(description="Removes a member; the removal is logged with its date and reason.")
    async def remove_family_member(self, info: Info, family_id: strawberry.ID, member_id: strawberry.ID,
                                   reason: str) -> Family:
        require_admin(info)
        record = await call(families.remove_member, info.context.rn, str(family_id), str(member_id), reason)
        return Family(record=record)

    @strawberry.mutation(description="Records every event or none; returns how many were recorded "
                                     "(events with an id already recorded are skipped).")
    async def record_activity(self, info: Info, family_id: strawberry.ID, events: list[ActivityInput]) -> int:
        require_admin(info)
        rn = info.context.rn
        plan = family_plan(rn)  # refused before anything queues
        item = activity.ActivityItem(_events(str(family_id), events))
        outcome = await write(info, "activity", item, lambda: activity.ActivityOutcome(
            recorded=activity.record_activity(rn, plan, item.events)))
        return int(outcome.recorded)


async def family_chart(request: Request) -> Response:
    """`GET /families/{id}/chart.svg[?asOf=ISO-8601]`: the last 12 periods as SVG."""
    try:
        principal = await principal_of(request)
    except RequestRefused as refused:
        return error_response(refused.code, refused.message, refused.status)
    family_id = request.path_params["id"]
    if not (principal.is_admin or family_id in principal.leads):
        return refusal(principal, "this family's chart")
    rn: Refnet = request.app.state.rn
    try:
        plan = family_plan(rn)
        as_of_text = request.query_params.get("asOf")
        as_of = parse_time(as_of_text, "asOf") if as_of_text else rn.clock()
        svg = await run_in_threadpool(chart.read_chart_svg, rn, plan, request.path_params["id"], as_of)
    except DomainError as error:
        return error_response(error.code, error.message)
    return Response(svg, media_type="image/svg+xml")


ROUTES = [Route("/families/{id}/chart.svg", family_chart, methods=["GET"])]
