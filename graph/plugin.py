"""Plan modules as plug-ins: the hooks a plan module may implement, and how they are found.

A plan file names its modules (`[plan] modules = ["linkage", "points", …]`). Each name is
served by a `PlanModule` subclass; the generic engine (orders, refunds, period close, preview,
the GraphQL schema and the CLI) calls the hooks of the running plan's modules and never names
a plan. Every hook has a no-op default, so a module implements only what it changes:

- `on_order(rn, draft)`: contribute to the order's one write statement (entries, member
  counters, pools, order flags; `OrderDraft`), or refuse the order with a DomainError;
- `on_close(rn, period)` / `on_preview(rn, period)`: close a period / say what closing it
  would book; a module that does not close periods returns None;
- `allocation_sources(order)` and `on_refund(rn, draft)`: which entries booked an order, and
  what else a refund takes back (`RefundDraft`);
- `graphql` / `commands`: dotted names of the modules holding its GraphQL `Query`/`Mutation`
  types and its CLI commands.

Found by name: a plan module class registers itself under its `names` when its Python module
is imported. Shipped plans live in the sub-packages of `graph.plans` (all imported on first
use, no list to keep); a plan file may also name a dotted Python module
(`modules = ["my_company.bonus"]`) that defines a `PlanModule`: it is imported and its class
serves that name — like beancount's `plugin` lines.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Iterable

from graph.entry_ids import EntrySource
from graph.ledger import Booking, entry_rows

if TYPE_CHECKING:
    from graph.period_close import PeriodRunRecord
    from graph.service import Refnet

MEMBER_COUNTERS = ("packages", "quota", "quota_used", "agent_referrals", "paid", "frozen", "burned", "withdrawn",
                   "points", "team_orders", "team_sales", "shares_milli", "released")
MEMBER_FIELDS = ("status", "identity", "fund_released")  # set when not null


class Changes:
    """What one write statement changes besides its own node: member counters (deltas), member
    fields, pools (`balance`/`market` deltas, `set`: values), holdings and entries. The rows go
    to the shared fragments of `cypher/ledger_*.fragment` (see `params`)."""

    def __init__(self) -> None:
        self.members: dict[str, dict[str, Any]] = {}
        self.pools: dict[str, dict[str, Any]] = {}
        self.holdings: dict[str, dict[str, Any]] = {}
        self.entries: list[dict[str, Any]] = []
        self.bookings: list[Booking] = []

    def member(self, member_id: str) -> dict[str, Any]:
        return self.members.setdefault(member_id, {"id": member_id, **{name: 0 for name in MEMBER_COUNTERS},
                                                   **{name: None for name in MEMBER_FIELDS}})

    def pool(self, name: str) -> dict[str, Any]:
        return self.pools.setdefault(name, {"name": name, "balance": 0, "market": 0, "set": {}})

    def book(self, source: EntrySource, bookings: Iterable[Booking], *, at: int, order_id: str | None = None,
             period: str | None = None, plan_version: str | None = None,
             extra: Iterable[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """Adds `bookings` as entries `<source>#n…` (n continues the source's entries already
        here); `extra` (one dict per booking) adds fields.
        Member counters are not moved here: the caller knows which ones an entry moves."""
        bookings = list(bookings)
        start = sum(1 for row in self.entries if row["id"].startswith(source.prefix))
        rows = entry_rows(bookings, source=str(source), at=at, order_id=order_id, period=period,
                          plan_version=plan_version, start=start)
        for row, more in zip(rows, extra or [{} for _ in rows], strict=True):
            row.update(more)
        self.bookings.extend(bookings)
        self.entries.extend(rows)
        return rows

    def params(self) -> dict[str, Any]:
        return {"members": list(self.members.values()), "pools": list(self.pools.values()),
                "holdings": list(self.holdings.values()), "entries": self.entries}


@dataclass
class OrderDraft:
    """An order being recorded: what the engine read, and what its one statement will write.
    `flags` are properties of the order node (`settle`, `effects`, …); `notes` pass results
    from one module's hook to the next (hooks run in the plan file's module order)."""

    order_id: str
    buyer_id: str
    amount: int  # cents
    referrer_id: str | None
    at: int
    period: str
    plan: Any
    version: int
    buyer: dict[str, Any]
    sponsor: dict[str, Any] | None
    changes: Changes = field(default_factory=Changes)
    flags: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)
    finishing: bool = False  # True: an order a crash left half-done; its allocation is booked

    @property
    def source(self) -> EntrySource:
        return EntrySource.order(self.order_id)


@dataclass
class RefundDraft:
    """A refund being booked: the order, the reversal of its allocation the engine computed
    (`reversal`, negative amounts; `pooled`: cents per pool it takes out, ≤ 0) and the one
    statement's `changes`, to which modules add what else the refund takes back."""

    refund_id: str
    order: dict[str, Any]
    cents: int  # refunded now
    left: int  # what was left to refund before
    reason: str
    at: int
    period: str  # the open period the reversals are booked in
    plan: Any
    reversal: list[Booking]
    pooled: dict[str, int]
    changes: Changes = field(default_factory=Changes)


class PlanModule:
    """Base of every plan module; see the module docstring for the hooks."""

    names: ClassVar[tuple[str, ...]] = ()  # the plan-file module names it serves
    section: ClassVar[str | None] = None  # a plan-file section it reads (a plug-in loaded by its dotted name)
    graphql: ClassVar[tuple[str, ...]] = ()
    commands: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.names:
            PLUGINS[name] = cls

    @classmethod
    def parse(cls, table: Any, where: str) -> Any:
        """The configuration of its `section` (a plug-in loaded by its dotted name)."""
        return None

    def on_order(self, rn: "Refnet", draft: OrderDraft) -> None:
        return None

    def on_close(self, rn: "Refnet", period: str) -> "PeriodRunRecord | None":
        return None

    def on_preview(self, rn: "Refnet", period: str) -> list[dict] | None:
        return None

    def allocation_sources(self, order: dict[str, Any]) -> list[EntrySource] | None:
        """The sources of the entries that booked `order` itself; None: the default
        (`order:<id>`, the whole amount booked when it was recorded)."""
        return None

    def on_refund(self, rn: "Refnet", draft: RefundDraft) -> None:
        return None


PLUGINS: dict[str, type[PlanModule]] = {}
_discovered = False


def discover() -> None:
    """Imports every shipped plan package under `graph.plans` (each registers its modules)."""
    global _discovered
    if _discovered:
        return
    import graph.plans

    for info in pkgutil.iter_modules(graph.plans.__path__, "graph.plans."):
        importlib.import_module(info.name)
    _discovered = True


def resolve(name: str) -> type[PlanModule] | None:
    """The class serving plan-file module `name`; a dotted name is imported first."""
    discover()
    if name not in PLUGINS and "." in name:
        try:
            module = importlib.import_module(name)
        except ImportError:
            return None
        found = [value for value in vars(module).values()
                 if isinstance(value, type) and issubclass(value, PlanModule) and value is not PlanModule
                 and value.__module__.startswith(module.__name__)]
        if len(found) == 1:
            PLUGINS[name] = found[0]
    return PLUGINS.get(name)


def plugins_of(modules: Iterable[str]) -> tuple[PlanModule, ...]:
    """One instance of each distinct class serving `modules`, in their order."""
    seen: dict[type[PlanModule], PlanModule] = {}
    for name in modules:
        cls = resolve(name)
        if cls is not None and cls not in seen:
            seen[cls] = cls()
    return tuple(seen.values())


def plugins(rn_or_plan: Any) -> tuple[PlanModule, ...]:
    """The running plan's modules (none without a plan)."""
    plan = getattr(rn_or_plan, "plan", rn_or_plan)
    return getattr(plan, "plugins", ()) if plan is not None else ()


def all_plugins() -> list[type[PlanModule]]:
    """Every known plan module class (the GraphQL schema and CLI hold all of them)."""
    discover()
    return list(dict.fromkeys(PLUGINS.values()))
