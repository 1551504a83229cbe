"""The `[family]` section of a plan file (rules §10): a frozen dataclass and its parser.

Registered with the plan registry as module `family` (section `family`), so a plan file with
`modules = ["family"]` carries a `FamilyPlan` in `plan.section("family")`. A bad value is
refused with a `PlanError` naming its key (`family.alerts.top_share: ...`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from graph.core.plan import PlanError, check_keys, decimal_value, int_value, load_plan, rate_value, register_module

ACTIVITY_TYPES = (
    "LIVE_GIFT", "PK_GIFT", "BATTLE", "RANKING", "SONG_UPLOAD", "PK_JOIN",
    "COIN_PURCHASE", "PROFILE", "PRACTICE", "EXPENSE",
)
ROLES = ("MEMBER", "VICE", "HOST")  # lowest first: promotion goes one step up
PERIOD_KINDS = ("week", "month")


@dataclass(frozen=True)
class RoleRule:
    """What a role requires (rules §10 role check); None = no requirement of that kind."""

    min_diamonds_month: int | None = None
    min_songs_week: int | None = None
    pk_every_day: bool = False


@dataclass(frozen=True)
class Alerts:
    at_risk_hours: int = 48
    warning_days: int = 3
    removal_days: int = 5
    top_window_days: int = 30
    top_share: Decimal = Decimal("0.80")
    consistency_weeks: int = 8
    reliable_cv_below: Decimal = Decimal("0.3")
    sporadic_cv_above: Decimal = Decimal("0.7")
    may_leave_weeks: int = 2
    may_leave_drop: Decimal = Decimal("0.30")
    props_share_above: Decimal = Decimal("0.25")
    event_fees_share_above: Decimal = Decimal("0.40")
    margin_alarm_below: Decimal = Decimal("0.30")
    margin_healthy_from: Decimal = Decimal("0.40")
    margin_healthy_to: Decimal = Decimal("0.60")
    budget_periods: int = 4
    promotion_songs_above: int = 10


def _default_roles() -> dict[str, RoleRule]:
    return {
        "MEMBER": RoleRule(min_diamonds_month=8000, min_songs_week=10),
        "VICE": RoleRule(min_diamonds_month=15000, pk_every_day=True),
        "HOST": RoleRule(min_diamonds_month=20000),
    }


@dataclass(frozen=True)
class FamilyPlan:
    rate: Decimal = Decimal("0.20")
    threshold: int = 8000
    period: str = "week"
    diamond_value: Decimal = Decimal("1.00")
    qualifying: frozenset[str] = frozenset({"LIVE_GIFT", "PK_GIFT", "BATTLE", "RANKING"})
    activity: frozenset[str] = frozenset({"LIVE_GIFT", "PK_GIFT", "BATTLE", "RANKING", "SONG_UPLOAD", "PK_JOIN"})
    pk: frozenset[str] = frozenset({"PK_JOIN", "PK_GIFT"})
    expense_categories: tuple[str, ...] = ("props", "event_fees", "rankings", "incentives", "other")
    alerts: Alerts = field(default_factory=Alerts)
    roles: Mapping[str, RoleRule] = field(default_factory=_default_roles, hash=False)

    @classmethod
    def from_toml_section(cls, section: Mapping[str, Any], where: str = "family") -> "FamilyPlan":
        """The plan from the `[family]` table of a plan file; PlanError names a bad key."""
        if not isinstance(section, Mapping):
            raise PlanError(f"{where}: must be a table")
        check_keys(section, ("rate", "threshold", "period", "diamond_value", "qualifying", "activity", "pk",
                             "expense_categories", "alerts", "roles"), where)
        defaults = cls()
        rate = rate_value(section, "rate", where) if "rate" in section else defaults.rate
        if rate == 0:
            raise PlanError(f"{where}.rate: must be above 0")
        threshold = int_value(section, "threshold", where, low=0, default=defaults.threshold)
        period = section.get("period", defaults.period)
        if period not in PERIOD_KINDS:
            raise PlanError(f"{where}.period: must be one of {', '.join(PERIOD_KINDS)}, got {period!r}")
        diamond_value = (decimal_value(section, "diamond_value", where, low=Decimal(0))
                         if "diamond_value" in section else defaults.diamond_value)
        if diamond_value == 0:
            raise PlanError(f"{where}.diamond_value: must be positive")
        categories = section.get("expense_categories", list(defaults.expense_categories))
        if (not isinstance(categories, list) or not categories
                or not all(isinstance(c, str) and c.strip() == c and c for c in categories)
                or len(set(categories)) != len(categories)):
            raise PlanError(f"{where}.expense_categories: must be a list of distinct, non-empty names")
        for needed in ("props", "event_fees"):
            if needed not in categories:
                raise PlanError(f"{where}.expense_categories: must contain {needed!r} (the expense flags use it)")
        return cls(
            rate=rate,
            threshold=threshold,
            period=period,
            diamond_value=diamond_value,
            qualifying=_types(section, "qualifying", where, defaults.qualifying),
            activity=_types(section, "activity", where, defaults.activity),
            pk=_types(section, "pk", where, defaults.pk),
            expense_categories=tuple(categories),
            alerts=_alerts(section.get("alerts", {}), f"{where}.alerts"),
            roles=_roles(section.get("roles"), f"{where}.roles"),
        )


def load_shipped() -> FamilyPlan:
    """The `[family]` section of the shipped `plans/family.toml`."""
    plan: FamilyPlan = load_plan("family").section("family")
    return plan


def plan_of(rn: Any) -> FamilyPlan | None:
    """The family plan the engine runs: the plan's `family` section (or a bare FamilyPlan)."""
    plan = getattr(rn, "plan", None)
    if isinstance(plan, FamilyPlan):
        return plan
    section = getattr(plan, "section", None)
    found = section("family") if callable(section) else None
    return found if isinstance(found, FamilyPlan) else None


def plan_version(rn: Any) -> str | None:
    """The version stored on entries: the plan file's (`Plan.version`), if the engine has one."""
    version = getattr(getattr(rn, "plan", None), "version", None)
    return version if isinstance(version, str) else None


def _types(section: Mapping[str, Any], key: str, where: str, default: frozenset[str]) -> frozenset[str]:
    if key not in section:
        return default
    value = section[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PlanError(f"{where}.{key}: must be a list of activity types")
    for item in value:
        if item not in ACTIVITY_TYPES or item == "EXPENSE":
            raise PlanError(f"{where}.{key}: {item!r} is not an activity type "
                            f"(one of {', '.join(t for t in ACTIVITY_TYPES if t != 'EXPENSE')})")
    return frozenset(value)


def _alerts(table: Any, where: str) -> Alerts:
    if not isinstance(table, Mapping):
        raise PlanError(f"{where}: must be a table")
    defaults = Alerts()
    names = Alerts.__dataclass_fields__
    check_keys(table, tuple(names), where)
    values: dict[str, Any] = {}
    for name in names:
        default = getattr(defaults, name)
        if name not in table:
            values[name] = default
        elif isinstance(default, Decimal):
            values[name] = rate_value(table, name, where)
        else:
            values[name] = int_value(table, name, where, low=0 if name == "promotion_songs_above" else 1)
    alerts = Alerts(**values)
    if not alerts.at_risk_hours <= alerts.warning_days * 24 <= alerts.removal_days * 24:
        raise PlanError(f"{where}.warning_days: gaps must grow: at_risk_hours ≤ warning_days ≤ removal_days")
    if alerts.reliable_cv_below > alerts.sporadic_cv_above:
        raise PlanError(f"{where}.reliable_cv_below: must not exceed sporadic_cv_above")
    if not alerts.margin_alarm_below <= alerts.margin_healthy_from <= alerts.margin_healthy_to:
        raise PlanError(f"{where}.margin_healthy_from: need margin_alarm_below ≤ margin_healthy_from ≤ margin_healthy_to")
    if alerts.consistency_weeks <= alerts.may_leave_weeks:
        raise PlanError(f"{where}.consistency_weeks: must exceed may_leave_weeks (the usual level needs earlier weeks)")
    if alerts.top_share == 0:
        raise PlanError(f"{where}.top_share: must be above 0")
    return alerts


def _roles(table: Any, where: str) -> dict[str, RoleRule]:
    if table is None:
        return _default_roles()
    if not isinstance(table, Mapping):
        raise PlanError(f"{where}: must be a table")
    check_keys(table, tuple(role.lower() for role in ROLES), where)
    roles: dict[str, RoleRule] = {}
    for role in ROLES:
        rule = table.get(role.lower(), {})
        place = f"{where}.{role.lower()}"
        if not isinstance(rule, Mapping):
            raise PlanError(f"{place}: must be a table")
        check_keys(rule, ("min_diamonds_month", "min_songs_week", "pk_every_day"), place)
        pk = rule.get("pk_every_day", False)
        if not isinstance(pk, bool):
            raise PlanError(f"{place}.pk_every_day: must be true or false")
        roles[role] = RoleRule(
            min_diamonds_month=int_value(rule, "min_diamonds_month", place, low=0) if "min_diamonds_month" in rule else None,
            min_songs_week=int_value(rule, "min_songs_week", place, low=0) if "min_songs_week" in rule else None,
            pk_every_day=pk,
        )
    return roles


register_module("family", "family", FamilyPlan.from_toml_section)
