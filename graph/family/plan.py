"""The `family` plan section (rules §10): a frozen dataclass and its validator.

`FamilyPlan.from_toml_section(plan["family"])` refuses a bad value naming its key
(`family.alerts.top_share: ...`). The plan registry (graph/plan.py) wires it in; until then
`load_shipped()` reads `plans/family.toml` directly.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, Mapping

ACTIVITY_TYPES = (
    "LIVE_GIFT", "PK_GIFT", "BATTLE", "RANKING", "SONG_UPLOAD", "PK_JOIN",
    "COIN_PURCHASE", "PROFILE", "PRACTICE", "EXPENSE",
)
ROLES = ("MEMBER", "VICE", "HOST")  # lowest first: promotion goes one step up
PERIOD_KINDS = ("week", "month")


class PlanError(ValueError):
    """A plan file value that cannot be used; the message names the key."""


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
    version: str = "family-1"

    @classmethod
    def from_toml_section(cls, section: Mapping[str, Any], version: str | None = None) -> "FamilyPlan":
        """The plan from the `[family]` table of a plan file; PlanError names a bad key."""
        if not isinstance(section, Mapping):
            raise PlanError("family: must be a table")
        known = {"rate", "threshold", "period", "diamond_value", "qualifying", "activity", "pk",
                 "expense_categories", "alerts", "roles"}
        _no_unknown(section, known, "family")
        defaults = cls()
        rate = _decimal(section, "rate", "family", defaults.rate)
        if not Decimal(0) < rate <= Decimal(1):
            raise PlanError(f"family.rate: must be above 0 and at most 1, got {rate}")
        threshold = _int(section, "threshold", "family", defaults.threshold, minimum=0)
        period = section.get("period", defaults.period)
        if period not in PERIOD_KINDS:
            raise PlanError(f"family.period: must be one of {', '.join(PERIOD_KINDS)}, got {period!r}")
        diamond_value = _decimal(section, "diamond_value", "family", defaults.diamond_value)
        if diamond_value <= 0:
            raise PlanError(f"family.diamond_value: must be positive, got {diamond_value}")
        categories = section.get("expense_categories", list(defaults.expense_categories))
        if (not isinstance(categories, list) or not categories
                or not all(isinstance(c, str) and c.strip() == c and c for c in categories)
                or len(set(categories)) != len(categories)):
            raise PlanError("family.expense_categories: must be a list of distinct, non-empty names")
        for needed in ("props", "event_fees"):
            if needed not in categories:
                raise PlanError(f"family.expense_categories: must contain {needed!r} (the expense flags use it)")
        return cls(
            rate=rate,
            threshold=threshold,
            period=period,
            diamond_value=diamond_value,
            qualifying=_types(section, "qualifying", defaults.qualifying),
            activity=_types(section, "activity", defaults.activity),
            pk=_types(section, "pk", defaults.pk),
            expense_categories=tuple(categories),
            alerts=_alerts(section.get("alerts", {})),
            roles=_roles(section.get("roles")),
            version=version if version is not None else defaults.version,
        )

    @classmethod
    def from_toml(cls, text: str) -> "FamilyPlan":
        """A whole plan file's text: its `[family]` table, versioned by `[plan] version`."""
        data = tomllib.loads(text)
        if "family" not in data:
            raise PlanError("family: the plan file has no [family] table")
        version = data.get("plan", {}).get("version")
        if version is not None and not isinstance(version, str):
            raise PlanError("plan.version: must be a string")
        return cls.from_toml_section(data["family"], version)


def load_shipped() -> FamilyPlan:
    """The shipped `plans/family.toml`."""
    return FamilyPlan.from_toml(resources.files("plans").joinpath("family.toml").read_text(encoding="utf-8"))


def plan_of(rn: Any) -> FamilyPlan | None:
    """The family plan the engine runs, whether the plan object is one or carries one."""
    plan = getattr(rn, "plan", None)
    if isinstance(plan, FamilyPlan):
        return plan
    for candidate in (getattr(plan, "family", None),
                      plan.get("family") if isinstance(plan, Mapping) else None,
                      getattr(plan, "modules", {}).get("family") if isinstance(getattr(plan, "modules", None), Mapping) else None):
        if isinstance(candidate, FamilyPlan):
            return candidate
    return None


def _no_unknown(table: Mapping[str, Any], known: set[str], where: str) -> None:
    for key in table:
        if key not in known:
            raise PlanError(f"{where}.{key}: unknown key (known: {', '.join(sorted(known))})")


def _decimal(table: Mapping[str, Any], key: str, where: str, default: Decimal) -> Decimal:
    if key not in table:
        return default
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise PlanError(f"{where}.{key}: must be a decimal number like \"0.20\", got {value!r}")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise PlanError(f"{where}.{key}: {value!r} is not a decimal number") from None
    if not number.is_finite():
        raise PlanError(f"{where}.{key}: {value!r} is not finite")
    return number


def _share(table: Mapping[str, Any], key: str, where: str, default: Decimal) -> Decimal:
    value = _decimal(table, key, where, default)
    if not Decimal(0) <= value <= Decimal(1):
        raise PlanError(f"{where}.{key}: must be between 0 and 1, got {value}")
    return value


def _int(table: Mapping[str, Any], key: str, where: str, default: int, minimum: int = 1) -> int:
    if key not in table:
        return default
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlanError(f"{where}.{key}: must be a whole number, got {value!r}")
    if value < minimum:
        raise PlanError(f"{where}.{key}: must be at least {minimum}, got {value}")
    return value


def _types(section: Mapping[str, Any], key: str, default: frozenset[str]) -> frozenset[str]:
    if key not in section:
        return default
    value = section[key]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise PlanError(f"family.{key}: must be a list of activity types")
    for item in value:
        if item not in ACTIVITY_TYPES or item == "EXPENSE":
            raise PlanError(f"family.{key}: {item!r} is not an activity type "
                            f"(one of {', '.join(t for t in ACTIVITY_TYPES if t != 'EXPENSE')})")
    return frozenset(value)


def _alerts(table: Any) -> Alerts:
    where = "family.alerts"
    if not isinstance(table, Mapping):
        raise PlanError(f"{where}: must be a table")
    defaults = Alerts()
    names = Alerts.__dataclass_fields__
    _no_unknown(table, set(names), where)
    values: dict[str, Any] = {}
    for name in names:
        default = getattr(defaults, name)
        if isinstance(default, Decimal):
            values[name] = _share(table, name, where, default)
        else:
            values[name] = _int(table, name, where, default, minimum=0 if name == "promotion_songs_above" else 1)
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


def _roles(table: Any) -> dict[str, RoleRule]:
    if table is None:
        return _default_roles()
    if not isinstance(table, Mapping):
        raise PlanError("family.roles: must be a table")
    roles: dict[str, RoleRule] = {}
    _no_unknown(table, {role.lower() for role in ROLES}, "family.roles")
    for role in ROLES:
        rule = table.get(role.lower(), {})
        where = f"family.roles.{role.lower()}"
        if not isinstance(rule, Mapping):
            raise PlanError(f"{where}: must be a table")
        _no_unknown(rule, {"min_diamonds_month", "min_songs_week", "pk_every_day"}, where)
        pk = rule.get("pk_every_day", False)
        if not isinstance(pk, bool):
            raise PlanError(f"{where}.pk_every_day: must be true or false")
        roles[role] = RoleRule(
            min_diamonds_month=_int(rule, "min_diamonds_month", where, None, minimum=0),  # type: ignore[arg-type]
            min_songs_week=_int(rule, "min_songs_week", where, None, minimum=0),  # type: ignore[arg-type]
            pk_every_day=pk,
        )
    return roles
