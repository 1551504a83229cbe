"""Team health (rules §10): reports for the leader, not payouts.

Pure functions over plain data — the roster, the family's activity events, a moment `as_of` —
so every boundary is tested without the database; `read_team_health` is the thin reader.
Comparisons are exact (fractions), so 48 h is at risk and 47 h 59 min is not, a CV of exactly
0.3 is not reliable and one of exactly 0.7 is not sporadic.

Windows are rolling and end at `as_of` (inclusive): "week i" is (as_of − 7(i+1) d, as_of − 7i d],
"month" is the last 30 days, "day i" is (as_of − (i+1) d, as_of − i d].
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from graph.core.money import CENT, from_cents, percent
from graph.ledger.history import History, consistent
from graph.plans.family import archived, periods
from graph.plans.family.activity import ActivityEvent
from graph.plans.family.commission import commission_amount, commission_diamonds
from graph.plans.family.families import FamilyMemberRecord, require_family
from graph.plans.family.plan import ROLES, Alerts, FamilyPlan, RoleRule

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
WEEK_MS = 7 * DAY_MS
MONTH_DAYS = 30  # the role check's "per month"
FOUR = Decimal("0.0001")

GAP_LEVELS = ("OK", "AT_RISK", "WARNING", "REMOVAL_CANDIDATE")


@dataclass(frozen=True)
class Flag:
    code: str
    message: str
    member_id: str | None = None


def _dec(value: Fraction, places: Decimal = FOUR) -> Decimal:
    """An exact fraction shown as a decimal, floored to `places` (so 0.29999 shows as 0.2999, on the
    side of its class): display only, never compared."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(places, rounding=ROUND_FLOOR)


def _pct(value: Fraction) -> str:
    return percent(_dec(value))


# --- activity gap -------------------------------------------------------------------------

def gap_level(gap_ms: int, alerts: Alerts) -> str:
    """≥ 48 h at risk, ≥ 3 days warning, ≥ 5 days removal candidate (plan)."""
    if gap_ms >= alerts.removal_days * DAY_MS:
        return "REMOVAL_CANDIDATE"
    if gap_ms >= alerts.warning_days * DAY_MS:
        return "WARNING"
    if gap_ms >= alerts.at_risk_hours * HOUR_MS:
        return "AT_RISK"
    return "OK"


def hours(ms: int) -> Decimal:
    """Milliseconds as hours, 2 places, rounded down (47 h 59 min → 47.98)."""
    return (Decimal(ms) / HOUR_MS).quantize(CENT, rounding=ROUND_DOWN)


# --- top contributors (Pareto) ------------------------------------------------------------

def top_contributors(diamonds: dict[str, int], cut: Decimal) -> list[str]:
    """The smallest group of members, most diamonds first (ties by id), whose diamonds reach
    `cut` (0.80) of the total. Nobody when the total is 0."""
    total = sum(diamonds.values())
    if total <= 0:
        return []
    target = Fraction(cut) * total
    group: list[str] = []
    reached = 0
    for member_id, value in sorted(diamonds.items(), key=lambda item: (-item[1], item[0])):
        if reached >= target:
            break
        group.append(member_id)
        reached += value
    return group


# --- consistency --------------------------------------------------------------------------

def weekly_totals(events: Iterable[ActivityEvent], as_of: int, weeks: int, types: frozenset[str],
                  since: int | None = None) -> list[int]:
    """Diamonds of `types` per rolling week, oldest first; weeks that ended before `since` (the
    member's start: joining, or its first recorded activity if earlier) are left out."""
    totals = [0] * weeks
    for event in events:
        if event.type in types and event.at <= as_of:
            index = (as_of - event.at) // WEEK_MS
            if index < weeks:
                totals[index] += event.diamonds
    kept = [totals[i] for i in range(weeks) if since is None or as_of - i * WEEK_MS >= since]
    return list(reversed(kept))


def _variance(values: Sequence[int]) -> Fraction:
    mean = Fraction(sum(values), len(values))
    return sum(((value - mean) ** 2 for value in values), Fraction(0)) / len(values)


def coefficient_of_variation(values: Sequence[int]) -> Decimal | None:
    """Population std ÷ mean, floored to 4 places (display); None with fewer than 2 weeks or no diamonds."""
    if len(values) < 2 or sum(values) == 0:
        return None
    mean = Fraction(sum(values), len(values))
    variance = _variance(values)
    std = (Decimal(variance.numerator) / Decimal(variance.denominator)).sqrt()
    return (std / (Decimal(mean.numerator) / Decimal(mean.denominator))).quantize(FOUR, rounding=ROUND_FLOOR)


def consistency(values: Sequence[int], alerts: Alerts) -> str | None:
    """RELIABLE (CV < 0.3), SPORADIC (CV > 0.7), MODERATE between (both ends included), compared
    exactly as variance against (limit × mean)²; None when the CV is undefined."""
    if len(values) < 2 or sum(values) == 0:
        return None
    mean = Fraction(sum(values), len(values))
    variance = _variance(values)
    if variance < (Fraction(alerts.reliable_cv_below) * mean) ** 2:
        return "RELIABLE"
    if variance > (Fraction(alerts.sporadic_cv_above) * mean) ** 2:
        return "SPORADIC"
    return "MODERATE"


@dataclass(frozen=True)
class Trend:
    recent: Fraction  # mean weekly diamonds of the last `may_leave_weeks` weeks
    usual: Fraction  # mean weekly diamonds of the weeks before those
    drop: Fraction  # 1 − recent ÷ usual


def trend(values: Sequence[int], alerts: Alerts) -> Trend | None:
    """Recent against usual weekly level; None without a usual level (too new, or no diamonds)."""
    k = alerts.may_leave_weeks
    if len(values) <= k:
        return None
    recent = Fraction(sum(values[-k:]), k)
    earlier = values[:-k]
    usual = Fraction(sum(earlier), len(earlier))
    if usual == 0:
        return None
    return Trend(recent, usual, 1 - recent / usual)


def may_leave(is_top: bool, weekly: Sequence[int], alerts: Alerts) -> bool:
    """A top contributor whose last two weeks are at least 30 % below its usual level."""
    found = trend(weekly, alerts)
    return is_top and found is not None and found.drop >= Fraction(alerts.may_leave_drop)


# --- role check ---------------------------------------------------------------------------

@dataclass(frozen=True)
class RoleFigures:
    diamonds_month: int  # qualifying diamonds, last 30 days
    songs_week: int  # song uploads, last 7 days
    pk_days: int  # of the last 7 days, those with a PK


def role_figures(events: Iterable[ActivityEvent], as_of: int, plan: FamilyPlan) -> RoleFigures:
    diamonds = songs = 0
    pk_days: set[int] = set()
    for event in events:
        if event.at > as_of:
            continue
        age = as_of - event.at
        if event.type in plan.qualifying and age < MONTH_DAYS * DAY_MS:
            diamonds += event.diamonds
        if event.type == "SONG_UPLOAD" and age < WEEK_MS:
            songs += 1
        if event.type in plan.pk and age < WEEK_MS:
            pk_days.add(age // DAY_MS)
    return RoleFigures(diamonds, songs, len(pk_days))


def shortfalls(figures: RoleFigures, rule: RoleRule) -> list[str]:
    """What the figures lack for a role (empty: the role is met), with the numbers."""
    missing = []
    if rule.min_diamonds_month is not None and figures.diamonds_month < rule.min_diamonds_month:
        missing.append(f"diamonds in 30 days {figures.diamonds_month} < {rule.min_diamonds_month}")
    if rule.min_songs_week is not None and figures.songs_week < rule.min_songs_week:
        missing.append(f"song uploads in 7 days {figures.songs_week} < {rule.min_songs_week}")
    if rule.pk_every_day and figures.pk_days < 7:
        missing.append(f"a PK on {figures.pk_days} of the last 7 days, not every day")
    return missing


def promotion(role: str, figures: RoleFigures, plan: FamilyPlan) -> str | None:
    """The next role up when the member meets it and has more than 10 song uploads (plan)."""
    index = ROLES.index(role)
    if index + 1 >= len(ROLES):
        return None
    target = ROLES[index + 1]
    if figures.songs_week > plan.alerts.promotion_songs_above and not shortfalls(figures, plan.roles[target]):
        return target
    return None


# --- budget -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CategorySpend:
    category: str
    amount: Decimal
    share: Decimal  # of all spend, 4 places


@dataclass(frozen=True)
class Budget:
    periods: tuple[str, ...]
    start: int
    end: int  # [start, end)
    spend: Decimal
    by_category: tuple[CategorySpend, ...]
    commission_diamonds: Decimal
    commission: Decimal
    net_margin: Decimal | None  # (commission − spend) ÷ commission, 4 places
    margin_class: str | None  # ALARM, LOW, HEALTHY, HIGH
    flags: tuple[Flag, ...]


def margin_class(commission: Decimal, spend: Decimal, alerts: Alerts) -> str | None:
    """< 30 % ALARM, < 40 % LOW, 40–60 % HEALTHY, > 60 % HIGH; no commission with spend: ALARM."""
    if commission <= 0:
        return "ALARM" if spend > 0 else None
    margin = Fraction(commission - spend) / Fraction(commission)
    if margin < Fraction(alerts.margin_alarm_below):
        return "ALARM"
    if margin < Fraction(alerts.margin_healthy_from):
        return "LOW"
    if margin <= Fraction(alerts.margin_healthy_to):
        return "HEALTHY"
    return "HIGH"


def budget(events: Iterable[ActivityEvent], as_of: int, plan: FamilyPlan) -> Budget:
    """Expenses by category against the commission of the last `budget_periods` complete periods."""
    alerts = plan.alerts
    labels = periods.last_periods(as_of, plan.period, alerts.budget_periods, include_current=False)
    start, end = periods.bounds(labels[0])[0], periods.bounds(labels[-1])[1]
    spend_by: dict[str, Decimal] = defaultdict(lambda: Decimal("0.00"))
    diamonds: dict[tuple[str, str], int] = defaultdict(int)
    for event in events:
        if not start <= event.at < end:
            continue
        if event.type == "EXPENSE" and event.amount is not None and event.category is not None:
            spend_by[event.category] += event.amount
        elif event.type in plan.qualifying:
            diamonds[(periods.period_of(event.at, plan.period), event.member_id)] += event.diamonds
    spend = sum(spend_by.values(), Decimal("0.00"))
    earned = sum((commission_diamonds(d, plan) for d in diamonds.values()), Decimal(0))
    commission = sum((commission_amount(d, plan) for d in diamonds.values()), Decimal("0.00"))
    by_category = tuple(
        CategorySpend(c, spend_by[c], _dec(Fraction(spend_by[c]) / Fraction(spend)) if spend else Decimal(0))
        for c in plan.expense_categories
    )
    flags = []
    for category, limit, code in (("props", alerts.props_share_above, "PROPS_HIGH"),
                                  ("event_fees", alerts.event_fees_share_above, "EVENT_FEES_HIGH")):
        if spend > 0 and Fraction(spend_by[category]) / Fraction(spend) > Fraction(limit):
            flags.append(Flag(code, f"{category} {spend_by[category]} of {spend} spent = "
                                    f"{_pct(Fraction(spend_by[category]) / Fraction(spend))} > {percent(limit)}"))
    margin = _dec(Fraction(commission - spend) / Fraction(commission)) if commission > 0 else None
    kind = margin_class(commission, spend, alerts)
    if kind == "ALARM":
        shown = "no commission" if margin is None else f"net margin {_pct(Fraction(commission - spend) / Fraction(commission))}"
        flags.append(Flag("MARGIN_ALARM", f"{shown}: commission {commission} - expenses {spend} "
                                          f"(below {percent(alerts.margin_alarm_below)} is an alarm)"))
    return Budget(tuple(labels), start, end, spend, by_category, earned, commission, margin, kind, tuple(flags))


# --- the report ---------------------------------------------------------------------------

@dataclass(frozen=True)
class MemberHealth:
    member_id: str
    role: str
    since: int
    last_activity_at: int | None
    gap_ms: int  # since the last activity, or since joining when there was none
    gap_level: str
    diamonds_30d: int
    share_30d: Decimal
    top_contributor: bool
    weekly_diamonds: tuple[int, ...]  # oldest first
    cv: Decimal | None
    consistency: str | None
    recent_weekly: Decimal | None
    usual_weekly: Decimal | None
    drop: Decimal | None
    may_leave: bool
    figures: RoleFigures
    meets_role: bool
    role_shortfalls: tuple[str, ...]
    may_promote_to: str | None
    flags: tuple[Flag, ...]


@dataclass(frozen=True)
class TopGroup:
    window_days: int
    cut: Decimal
    total_diamonds: int
    member_ids: tuple[str, ...]
    group_diamonds: int
    group_share: Decimal


@dataclass(frozen=True)
class TeamHealthReport:
    family_id: str
    as_of: int
    members: tuple[MemberHealth, ...]
    top: TopGroup
    budget: Budget
    flags: tuple[Flag, ...]  # every member's and the budget's, at a glance


def team_health(plan: FamilyPlan, family_id: str, roster: Sequence[FamilyMemberRecord],
                events: Sequence[ActivityEvent], as_of: int,
                last_activity: dict[str, int] | None = None,
                first_activity: dict[str, int] | None = None) -> TeamHealthReport:
    """Every item of rules §10's team-health list for the members of `roster` at `as_of`.

    `events` must cover the windows (30 days, `consistency_weeks`, the budget periods);
    `last_activity` / `first_activity` (member → time of its last / first activity at or before
    `as_of`) may reach further back than `events`.
    """
    alerts = plan.alerts
    events = [event for event in events if event.at <= as_of]
    by_member: dict[str, list[ActivityEvent]] = defaultdict(list)
    for event in events:
        by_member[event.member_id].append(event)
    last: dict[str, int] = dict(last_activity or {})
    first: dict[str, int] = dict(first_activity or {})
    for event in events:
        if event.type in plan.activity:
            if event.at > last.get(event.member_id, -1):
                last[event.member_id] = event.at
            if event.at < first.get(event.member_id, as_of + 1):
                first[event.member_id] = event.at

    window_ms = alerts.top_window_days * DAY_MS
    diamonds_30d = {
        m.member_id: sum(e.diamonds for e in by_member[m.member_id]
                         if e.type in plan.qualifying and as_of - e.at < window_ms)
        for m in roster
    }
    total_30d = sum(diamonds_30d.values())
    top_ids = top_contributors(diamonds_30d, alerts.top_share)
    group_diamonds = sum(diamonds_30d[i] for i in top_ids)
    top = TopGroup(alerts.top_window_days, alerts.top_share, total_30d, tuple(top_ids), group_diamonds,
                   _dec(Fraction(group_diamonds, total_30d)) if total_30d else Decimal(0))

    members = []
    for m in sorted(roster, key=lambda r: r.member_id):
        own = by_member[m.member_id]
        flags: list[Flag] = []
        last_at = last.get(m.member_id)
        gap = max(as_of - (last_at if last_at is not None else m.since), 0)
        level = gap_level(gap, alerts)
        if level != "OK":
            since_what = "last activity" if last_at is not None else "joining, no activity yet"
            flags.append(Flag(level, f"{hours(gap)} h since {since_what}", m.member_id))
        start = min(m.since, first.get(m.member_id, m.since))
        weekly = weekly_totals(own, as_of, alerts.consistency_weeks, plan.qualifying, start)
        kind = consistency(weekly, alerts)
        cv = coefficient_of_variation(weekly)
        if kind == "SPORADIC":
            flags.append(Flag("SPORADIC", f"CV {cv} > {alerts.sporadic_cv_above} over weeks {weekly}", m.member_id))
        is_top = m.member_id in top_ids
        found = trend(weekly, alerts)
        leaving = may_leave(is_top, weekly, alerts)
        if leaving and found is not None:
            flags.append(Flag("MAY_LEAVE", f"last {alerts.may_leave_weeks} weeks {_dec(found.recent, CENT)}/week, "
                                           f"usual {_dec(found.usual, CENT)}/week: {_pct(found.drop)} lower "
                                           f"(≥ {percent(alerts.may_leave_drop)})", m.member_id))
        figures = role_figures(own, as_of, plan)
        missing = shortfalls(figures, plan.roles[m.role])
        if missing:
            flags.append(Flag("ROLE_NOT_MET", f"{m.role}: " + "; ".join(missing), m.member_id))
        promote = promotion(m.role, figures, plan)
        if promote:
            flags.append(Flag("MAY_PROMOTE", f"meets {promote} with {figures.diamonds_month} diamonds in 30 days "
                                             f"and {figures.songs_week} song uploads in 7 days "
                                             f"(> {alerts.promotion_songs_above})", m.member_id))
        members.append(MemberHealth(
            member_id=m.member_id, role=m.role, since=m.since, last_activity_at=last_at, gap_ms=gap,
            gap_level=level, diamonds_30d=diamonds_30d[m.member_id],
            share_30d=_dec(Fraction(diamonds_30d[m.member_id], total_30d)) if total_30d else Decimal(0),
            top_contributor=is_top, weekly_diamonds=tuple(weekly), cv=cv, consistency=kind,
            recent_weekly=_dec(found.recent, CENT) if found else None,
            usual_weekly=_dec(found.usual, CENT) if found else None,
            drop=_dec(found.drop) if found else None, may_leave=leaving, figures=figures,
            meets_role=not missing, role_shortfalls=tuple(missing), may_promote_to=promote, flags=tuple(flags),
        ))
    money = budget(events, as_of, plan)
    every_flag = tuple(flag for member in members for flag in member.flags) + money.flags
    return TeamHealthReport(family_id, as_of, tuple(members), top, money, every_flag)


def horizon_ms(plan: FamilyPlan, as_of: int) -> int:
    """The earliest time a report at `as_of` looks at."""
    alerts = plan.alerts
    budget_start = periods.bounds(
        periods.last_periods(as_of, plan.period, alerts.budget_periods, include_current=False)[0])[0]
    return min(as_of - alerts.top_window_days * DAY_MS, as_of - MONTH_DAYS * DAY_MS,
               as_of - alerts.consistency_weeks * WEEK_MS, budget_start)


def _events(rn: Refnet, h: History, family_id: str, start: int, end: int) -> list[ActivityEvent]:
    hot = rn.store.run("family/activity_window",
                       {"family_id": family_id, "from": start, "to": end, "archived": h.removing})
    rows = sorted([*hot, *archived.window(h, family_id, start, end)], key=lambda row: (row["at"], row["member_id"]))
    return [
        ActivityEvent(family_id, row["member_id"], row["type"], row["at"], row["diamonds"] or 0,
                      row["category"], from_cents(row["amount"]) if row["amount"] is not None else None)
        for row in rows
    ]


def read_events(rn: Refnet, family_id: str, start: int, end: int) -> list[ActivityEvent]:
    """The family's activity with start <= at <= end, in the graph and the archive."""
    return consistent(rn, lambda h: _events(rn, h, family_id, start, end))


def _spans(rn: Refnet, h: History, family_id: str, as_of: int, types: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Each member's first and last activity of `types` at or before `as_of`, hot and archived."""
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    hot = rn.store.run("family/last_activity",
                       {"family_id": family_id, "as_of": as_of, "types": types, "archived": h.removing})
    for row in [*hot, *archived.spans(h, family_id, as_of, types)]:
        member = row["member_id"]
        first[member] = min(int(row["first_at"]), first.get(member, int(row["first_at"])))
        last[member] = max(int(row["last_at"]), last.get(member, int(row["last_at"])))
    return first, last


def read_team_health(rn: Refnet, plan: FamilyPlan, family_id: str, as_of: int) -> TeamHealthReport:
    family = require_family(rn, family_id)
    types = sorted(plan.activity)
    events, (first, last) = consistent(rn, lambda h: (_events(rn, h, family_id, horizon_ms(plan, as_of), as_of),
                                                      _spans(rn, h, family_id, as_of, types)))
    return team_health(plan, family_id, family.members, events, as_of, last, first)
