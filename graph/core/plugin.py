"""Plan modules as plug-ins: the hooks a plan module may implement, and how they are found.

A plan file names its modules (`[plan] modules = ["linkage", "points", …]`). Each name is
served by a `PlanModule` subclass; the generic engine (orders, refunds, period close, preview,
the GraphQL schema and the CLI) calls the hooks of the running plan's modules and never names
a plan. Every hook has a no-op default, so a module implements only what it changes:

- `on_order(rn, draft)`: contribute to the order's one write statement (entries, member
  counters, pools, order flags; `graph.ledger.drafts.OrderDraft`), or refuse the order with a
  DomainError;
- `on_close(rn, period)` / `on_preview(rn, period)`: close a period / say what closing it
  would book; a module that does not close periods returns None;
- `allocation_sources(order)` and `on_refund(rn, draft)`: which entries booked an order, and
  what else a refund takes back (`RefundDraft`);
- `standing(plan, member)`: a member's status and identity as the module derives them from its
  counters (`Standing`), for the paths that move counters without recording orders (bulk
  import of history, tree moves); `counts_agent_referrals` / `keeps_team_counters` say which
  member counters the module keeps;
- `order_reads`: the queries its `on_order` reads, each with how the not-yet-written orders
  before it in a batch move what the query returns (`graph.ledger.order_batch`; None: orders do
  not change it). A batch that meets a read no module declares books the orders before it and
  goes on one order at a time, so an undeclared module stays exact, only slower;
  `prefetch_orders(rn, view, buyer_ids)`: read those for all the batch's buyers at once
  (`view.seed(...)`), so the batch needs no round trip per order;
  `working_reads`: those queries answered from the engine's in-process working set
  (`graph.working_set`), so a write needs no round trip at all (a read it lacks goes to the graph);
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
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from graph.ledger.drafts import OrderDraft, RefundDraft
    from graph.ledger.entry_ids import EntrySource
    from graph.ledger.period_close import PeriodRunRecord
    from graph.service import Refnet


@dataclass(frozen=True)
class Standing:
    """What a member's derived standing follows from: its counters and the amounts it bought."""

    packages: int
    agent_referrals: int
    status: str | None
    identity: str | None
    bought: tuple[Decimal, ...] = ()


class PlanModule:
    """Base of every plan module; see the module docstring for the hooks."""

    names: ClassVar[tuple[str, ...]] = ()  # the plan-file module names it serves
    section: ClassVar[str | None] = None  # a plan-file section it reads (a plug-in loaded by its dotted name)
    run_total: ClassVar[str] = "booked"  # the named total its period runs report as `total`
    graphql: ClassVar[tuple[str, ...]] = ()
    commands: ClassVar[tuple[str, ...]] = ()
    counts_agent_referrals: ClassVar[bool] = False  # a sponsor's referrals that bought (statuses)
    keeps_team_counters: ClassVar[bool] = False  # team orders and team sales up the trees
    moves_member_counters: ClassVar[bool] = False  # an order moves its buyer's packages and quota
    statuses_by_kind: ClassVar[bool] = False  # members are partners/customers (kind) with a rank
    imported_order_flags: ClassVar[dict[str, Any]] = {}  # what a historical (imported) order carries
    order_reads: ClassVar[dict[str, Any]] = {}  # query name -> overlay (graph.ledger.order_batch.Overlay) or None
    working_reads: ClassVar[dict[str, Any]] = {}  # query name -> its rows from the working set (graph.working_set)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.names:
            PLUGINS[name] = cls

    @classmethod
    def parse(cls, table: Any, where: str) -> Any:
        """The configuration of its `section` (a plug-in loaded by its dotted name)."""
        return None

    def on_order(self, rn: "Refnet", draft: "OrderDraft") -> None:
        return None

    def prefetch_orders(self, rn: "Refnet", view: Any, buyer_ids: list[str]) -> None:
        return None

    def on_close(self, rn: "Refnet", period: str) -> "PeriodRunRecord | None":
        return None

    def on_preview(self, rn: "Refnet", period: str) -> list[dict[str, Any]] | None:
        return None

    def period_kind(self, rn: "Refnet") -> str | None:
        """"month" or "week": the periods its `on_close` closes (None: it closes none)."""
        return None

    def allocation_sources(self, order: dict[str, Any]) -> "list[EntrySource] | None":
        """The sources of the entries that booked `order` itself; None: the default
        (`order:<id>`, the whole amount booked when it was recorded)."""
        return None

    def on_refund(self, rn: "Refnet", draft: "RefundDraft") -> None:
        return None

    def standing(self, plan: Any, member: Standing) -> Standing:
        return member


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


def standing_of(plan: Any, member: Standing) -> Standing:
    """A member's standing as every module of the plan derives it, in the plan's order."""
    for module in plugins(plan):
        member = module.standing(plan, member)
    return member


def counts_agent_referrals(plan: Any) -> bool:
    return any(module.counts_agent_referrals for module in plugins(plan))


def keeps_team_counters(plan: Any) -> bool:
    return any(module.keeps_team_counters for module in plugins(plan))


def moves_member_counters(plan: Any) -> bool:
    return any(module.moves_member_counters for module in plugins(plan))


def statuses_by_kind(plan: Any) -> bool:
    return any(module.statuses_by_kind for module in plugins(plan))


def imported_order_flags(plan: Any) -> dict[str, Any]:
    flags: dict[str, Any] = {}
    for module in plugins(plan):
        flags.update(module.imported_order_flags)
    return flags


def all_plugins() -> list[type[PlanModule]]:
    """Every known plan module class (the GraphQL schema and CLI hold all of them)."""
    discover()
    return list(dict.fromkeys(PLUGINS.values()))
