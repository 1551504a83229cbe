"""Plan files (TOML): which bonus modules run and with which parameters (rules §0 "Plans").

A plan file has three core sections and one section per module that needs parameters:

    [plan]        name, modules (the bonus modules switched on)
    [allocation]  share name → rate of every order ("0.10"); the rates add up to exactly 1
    [[packages]]  price, quota, dividend_shares: the amounts an order may have
    [<section>]   parameters of a module, parsed by that module's registered parser

Loading validates everything and refuses a bad file with a `PlanError` naming the key.
Each module name is served by a plug-in (`graph.core.plugin.PlanModule`: its hooks); a module's
section parser registers with `register_module` and its allocation shares with
`register_share`. An unknown module, share or top-level section is refused.
Rates and money are strings or integers, never floats.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from graph.core.errors import BadInput
from graph.core.money import CENT
from graph.core.plugin import PlanModule, discover, plugins_of, resolve

CORE_SECTIONS = ("plan", "allocation", "packages")
DEFAULT_PLAN = "linkage-3plus1"  # what an engine or CLI command started without a plan runs


class PlanError(BadInput):
    """A plan file that cannot run; the message names the file and the key."""


# --- reading typed values -----------------------------------------------------------------


def decimal_value(table: Mapping[str, Any], key: str, where: str, *, low: Decimal | None = None,
                  high: Decimal | None = None, places: int | None = None) -> Decimal:
    """`table[key]` as an exact Decimal from a string ("0.10") or an integer; floats refused."""
    name = f"{where}.{key}" if where else key
    if key not in table:
        raise PlanError(f"{name}: missing")
    raw = table[key]
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        kind = "a float" if isinstance(raw, float) else type(raw).__name__
        raise PlanError(f'{name}: write it as a string like "0.10", not {kind} ({raw!r})')
    try:
        value = Decimal(raw.strip()) if isinstance(raw, str) else Decimal(raw)
    except InvalidOperation:
        raise PlanError(f"{name}: {raw!r} is not a decimal number") from None
    if not value.is_finite():
        raise PlanError(f"{name}: {raw!r} is not finite")
    if low is not None and value < low:
        raise PlanError(f"{name}: {raw!r} is below {low}")
    if high is not None and value > high:
        raise PlanError(f"{name}: {raw!r} is above {high}")
    if places is not None and value != value.quantize(Decimal(1).scaleb(-places)):
        raise PlanError(f"{name}: {raw!r} has more than {places} decimal places")
    return value


def rate_value(table: Mapping[str, Any], key: str, where: str) -> Decimal:
    """A share of an amount: 0 ≤ rate ≤ 1."""
    return decimal_value(table, key, where, low=Decimal(0), high=Decimal(1))


def money_value(table: Mapping[str, Any], key: str, where: str) -> Decimal:
    return decimal_value(table, key, where, low=Decimal(0), places=2).quantize(CENT)


def int_value(table: Mapping[str, Any], key: str, where: str, *, low: int | None = None,
              default: int | None = None) -> int:
    name = f"{where}.{key}"
    if key not in table:
        if default is not None:
            return default
        raise PlanError(f"{name}: missing")
    raw = table[key]
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise PlanError(f"{name}: must be a whole number, got {raw!r}")
    if low is not None and raw < low:
        raise PlanError(f"{name}: must be at least {low}, got {raw}")
    return raw


def check_keys(table: Mapping[str, Any], allowed: set[str] | tuple[str, ...], where: str) -> None:
    """Refuses keys a section does not know (a typo would otherwise be silently ignored)."""
    for key in table:
        if key not in allowed:
            raise PlanError(f"{where}.{key}: unknown key (known: {', '.join(sorted(allowed))})")


def stair_steps(table: Mapping[str, Any], key: str, threshold: str, where: str) -> list[tuple[str, Decimal, Decimal]]:
    """A plan's stair table — career ranks, team levels — as (name, threshold, rate) steps:
    `key = [{name, <threshold>, rate}, …]`, non-empty, names unique, thresholds (money) and
    rates both rising from one step to the next."""
    raw = table.get(key)
    if not isinstance(raw, list) or not raw:
        raise PlanError(f"{where}.{key}: missing (a non-empty array of {{name, {threshold}, rate}} tables)")
    steps: list[tuple[str, Decimal, Decimal]] = []
    for index, item in enumerate(raw):
        here = f"{where}.{key}[{index}]"
        if not isinstance(item, dict):
            raise PlanError(f"{here}: must be a table {{name, {threshold}, rate}}")
        check_keys(item, ("name", threshold, "rate"), here)
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise PlanError(f"{here}.name: missing (a non-empty string)")
        step = (name.strip(), money_value(item, threshold, here), rate_value(item, "rate", here))
        if steps and not (step[1] > steps[-1][1] and step[2] > steps[-1][2]):
            raise PlanError(f"{here}: rate and {threshold} must both rise above the step before")
        if any(other[0] == step[0] for other in steps):
            raise PlanError(f"{here}.name: {step[0]!r} appears twice")
        steps.append(step)
    return steps


def section_table(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise PlanError(f"{name}: must be a table ([{name}])")
    return table


# --- the module registry ------------------------------------------------------------------

SectionParser = Callable[[Mapping[str, Any], str], Any]


@dataclass(frozen=True)
class Module:
    """A bonus module: its section (parsed config lands in `Plan.sections[section]`)."""

    name: str
    section: str | None = None
    parse: SectionParser | None = None


@dataclass(frozen=True)
class ShareKind:
    """How an allocation share is booked: by a module's rule, into a pool, as cost or retained."""

    name: str
    module: str | None  # the module that must be on for this share; None: core
    status: str | None = None  # POOLED / COST / RETAINED for shares booked as they are
    pool: str | None = None  # the pool a POOLED share goes into


MODULES: dict[str, Module] = {}
SHARES: dict[str, ShareKind] = {}


def register_module(name: str, section: str | None = None, parse: SectionParser | None = None) -> Module:
    """Makes a module known to plan files; `parse(table, where)` validates its section and
    returns its (frozen) configuration. Modules call this at import time."""
    module = Module(name, section, parse)
    MODULES[name] = module
    return module


def register_share(name: str, module: str | None, status: str | None = None, pool: str | None = None) -> None:
    """Makes an allocation share known: booked by `module`'s rule, or as `status` (into `pool`)."""
    SHARES[name] = ShareKind(name, module, status, pool)


# The core shares of rules §1; plan modules register theirs where their rules live.
register_share("cost", None, "COST")
register_share("platform", None, "RETAINED")


def _known(name: str) -> bool:
    """Whether plan-file module `name` exists: a registered section or a plug-in (a dotted
    name is imported, `graph.core.plugin.resolve`)."""
    found = resolve(name)
    if found is not None and name not in MODULES:
        register_module(name, found.section, found.parse if found.section else None)
    return name in MODULES or found is not None


# --- the plan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Package:
    price: Decimal
    quota: Decimal  # income quota it adds (收益额度)
    dividend_shares: Decimal


@dataclass(frozen=True)
class Plan:
    name: str
    modules: frozenset[str]
    allocation: tuple[tuple[str, Decimal], ...]  # (share name, rate) in file order
    packages: tuple[Package, ...]
    sections: Mapping[str, Any] = field(compare=False)  # module section → parsed config
    content_hash: str = ""  # sha256 of the file's bytes
    source: str = ""  # where it was read from
    plugins: tuple[PlanModule, ...] = field(default=(), compare=False)  # its modules' hooks, file order

    @property
    def version(self) -> str:
        """Short id of this exact file content, stored on every entry booked under it."""
        return self.content_hash[:12]

    def package(self, price: Decimal) -> Package | None:
        return next((p for p in self.packages if p.price == price), None)

    def rate(self, share_name: str) -> Decimal:
        return dict(self.allocation).get(share_name, Decimal(0))

    def section(self, name: str) -> Any:
        return self.sections.get(name)

    def has(self, module: str) -> bool:
        return module in self.modules


def shipped_plans() -> list[str]:
    return sorted(
        entry.name[: -len(".toml")]
        for entry in resources.files("plans").iterdir()
        if entry.name.endswith(".toml")
    )


def load_plan(name_or_path: str | Path) -> Plan:
    """A shipped plan by name ("linkage-3plus1") or a TOML file by path; validated."""
    text = str(name_or_path)
    path = Path(text)
    if text.endswith(".toml") or path.exists() or "/" in text:
        if not path.is_file():
            raise PlanError(f"plan: no plan file {text!r}")
        return parse_plan(path.read_bytes(), str(path))
    if text not in shipped_plans():
        raise PlanError(f"plan: no shipped plan {text!r} (shipped: {', '.join(shipped_plans())})")
    return parse_plan(resources.files("plans").joinpath(f"{text}.toml").read_bytes(), f"plans/{text}.toml")


def parse_plan(content: bytes, source: str = "<plan>") -> Plan:
    try:
        return _parse(content, source)
    except PlanError as error:
        raise PlanError(f"{source}: {error.message}") from None


def _parse(content: bytes, source: str) -> Plan:
    discover()
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PlanError(f"not valid TOML: {error}") from None

    head = section_table(data, "plan")
    check_keys(head, ("name", "modules", "description"), "plan")
    name = head.get("name")
    if not isinstance(name, str) or not name.strip():
        raise PlanError("plan.name: missing (a non-empty string)")
    modules = head.get("modules")
    if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules):
        raise PlanError('plan.modules: missing (a list of module names, e.g. ["linkage"])')
    for module in modules:
        if not _known(module):
            raise PlanError(f"plan.modules: unknown module {module!r} (known: {', '.join(sorted(MODULES))})")
    switched_on = frozenset(modules)

    sections: dict[str, Any] = {}
    claimed = {section: MODULES[m] for m in switched_on if (section := MODULES[m].section)}
    for key in data:
        if key in CORE_SECTIONS:
            continue
        if key not in claimed:
            owner = next((m.name for m in MODULES.values() if m.section == key), None)
            hint = f" (module {owner!r} is not in plan.modules)" if owner else ""
            raise PlanError(f"{key}: unknown section{hint}")
    for section, module in claimed.items():
        assert module.parse is not None
        sections[section] = module.parse(section_table(data, section), section)

    allocation_table = section_table(data, "allocation")
    allocation: list[tuple[str, Decimal]] = []
    for share_name in allocation_table:
        kind = SHARES.get(share_name)
        if kind is None:
            raise PlanError(f"allocation.{share_name}: unknown share (known: {', '.join(sorted(SHARES))})")
        if kind.module is not None and kind.module not in switched_on:
            raise PlanError(f"allocation.{share_name}: needs module {kind.module!r} in plan.modules")
        allocation.append((share_name, rate_value(allocation_table, share_name, "allocation")))
    if allocation:
        total = sum((rate for _, rate in allocation), Decimal(0))
        if total != 1:
            raise PlanError(f"allocation: shares add up to {total}, not 1 (100 %)")

    raw_packages = data.get("packages", [])
    if not isinstance(raw_packages, list):
        raise PlanError("packages: must be an array of tables ([[packages]])")
    packages: list[Package] = []
    for index, table in enumerate(raw_packages):
        where = f"packages[{index}]"
        if not isinstance(table, dict):
            raise PlanError(f"{where}: must be a table")
        check_keys(table, ("price", "quota", "dividend_shares"), where)
        price = money_value(table, "price", where)
        if price <= 0:
            raise PlanError(f"{where}.price: must be positive")
        if any(p.price == price for p in packages):
            raise PlanError(f"{where}.price: {price} appears twice")
        shares = decimal_value(table, "dividend_shares", where, low=Decimal(0)) if "dividend_shares" in table else Decimal(0)
        packages.append(Package(price, money_value(table, "quota", where), shares))

    return Plan(
        name=name.strip(),
        modules=switched_on,
        allocation=tuple(allocation),
        packages=tuple(packages),
        sections=MappingProxyType(sections),
        content_hash=hashlib.sha256(content).hexdigest(),
        source=source,
        plugins=plugins_of(modules),
    )
