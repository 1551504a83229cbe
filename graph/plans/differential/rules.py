"""The differential bonus with customer recommenders (Differenzbonus und Kunden): rules §9.

Pure functions over plain data; `graph.plans.differential.close` reads the month's orders and each
buyer's sponsor upline, calls these, and books the result.

- `qualify`: the career rank a month's group volume reaches (Karrierestufe).
- `recommender_of`: who earns the recommender bonus on an order — the cross-structure referrer
  stored on the order, else the buyer's sponsor when that sponsor is a customer.
- `order_bookings`: one order's differential (stair-step, paid up the sponsor line by rank)
  and recommender bonus, with the plan's funding, plus what the budget leaves RETAINED.

The allocation of one order (decided, docs/decisions.md): its *bonus budget* is the top rank's
rate of V, plus — with `company` funding and a recommender — the recommender's rate of V
(the company pays the 5 % on top). Paid differentials and the recommender bonus come out of
it; the remainder is one `differential` RETAINED entry. Every share is rounded down, so the
sum of the paid shares never exceeds the budget, and the entries sum exactly to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from graph.core.money import fmt_money, percent, share
from graph.core.plan import PlanError, check_keys, rate_value, register_module, stair_steps
from graph.ledger.entries import Booking, check_conservation
from graph.network.upline import DifferentialStep, differential_walk

PARTNER, CUSTOMER = "PARTNER", "CUSTOMER"
FUNDINGS = ("company", "sponsor")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Rank:
    """A career rank (Karrierestufe): reached by a month's group volume ≥ `threshold`."""

    name: str
    rate: Decimal
    threshold: Decimal


@dataclass(frozen=True)
class DifferentialConfig:
    ranks: tuple[Rank, ...]  # ascending threshold and rate
    recommender_rate: Decimal  # Empfehlungsbonus of a customer recommender
    funding: str  # "company": paid on top; "sponsor": counts as already paid below

    @property
    def top_rate(self) -> Decimal:
        return self.ranks[-1].rate

    def rank(self, name: str | None) -> Rank | None:
        return next((rank for rank in self.ranks if rank.name == name), None)


DEFAULT_RANKS = (
    Rank("Berater", Decimal("0.05"), Decimal("0.00")),
    Rank("Teamleiter", Decimal("0.10"), Decimal("2000.00")),
    Rank("Manager", Decimal("0.15"), Decimal("10000.00")),
    Rank("Direktor", Decimal("0.20"), Decimal("50000.00")),
)


def parse_config(table: Mapping[str, Any], where: str) -> DifferentialConfig:
    """The plan's `[differential]` section: `funding`, `recommender_rate` and `ranks`
    (an array of {name, rate, group_volume}, ascending)."""
    check_keys(table, ("funding", "recommender_rate", "ranks"), where)
    funding = table.get("funding", "company")
    if funding not in FUNDINGS:
        raise PlanError(f"{where}.funding: must be one of {', '.join(FUNDINGS)}, got {funding!r}")
    recommender_rate = rate_value(table, "recommender_rate", where)
    ranks = [Rank(name, rate, volume) for name, volume, rate in stair_steps(table, "ranks", "group_volume", where)]
    config = DifferentialConfig(tuple(ranks), recommender_rate, funding)
    if funding == "sponsor" and recommender_rate > config.top_rate:
        raise PlanError(f"{where}.recommender_rate: with sponsor funding at most the top rank's rate")
    if config.top_rate + (recommender_rate if funding == "company" else 0) > 1:
        raise PlanError(f"{where}: the top rate and the recommender rate add up to more than 100 %")
    return config


register_module("differential", "differential", parse_config)


def config_of(plan: Any) -> DifferentialConfig:
    config: DifferentialConfig | None = plan.section("differential") if plan is not None else None
    if config is None:
        raise ValueError("the running plan has no differential module")
    return config


# --- ranks ---------------------------------------------------------------------------------


def qualify(group_volume: Decimal, ranks: Iterable[Rank]) -> Rank | None:
    """The highest rank whose threshold the month's group volume reaches (None: below all)."""
    reached = None
    for rank in ranks:
        if group_volume >= rank.threshold:
            reached = rank
    return reached


def group_volumes(orders: Iterable[tuple[str, Decimal]], sponsor_of: Mapping[str, str | None]) -> dict[str, Decimal]:
    """Per member, its own orders plus its whole sponsor downline's (the month's group volume);
    members without volume are left out. Plain-data form of `differential_group_volumes`."""
    volumes: dict[str, Decimal] = {}
    for buyer_id, amount in orders:
        member_id: str | None = buyer_id
        while member_id is not None:
            volumes[member_id] = volumes.get(member_id, ZERO) + amount
            member_id = sponsor_of.get(member_id)
    return volumes


# --- one order -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A member on the order's sponsor line as the rule sees it: kind and the month's rank."""

    member_id: str
    kind: str  # PARTNER / CUSTOMER
    rank: Rank | None = None  # partners only


@dataclass(frozen=True)
class OrderView:
    """One order of the month: the buyer, its sponsor upline (sponsor first, root last) and
    the cross-structure referrer (Querstruktur) stored on the order, if any."""

    order_id: str
    amount: Decimal
    buyer: Person
    upline: tuple[Person, ...]
    referrer_id: str | None = None


def recommender_of(order: OrderView) -> str | None:
    """Who recommended the buyer: the order's referrer, else the buyer's sponsor if a customer."""
    if order.referrer_id is not None:
        return order.referrer_id
    if order.upline and order.upline[0].kind == CUSTOMER:
        return order.upline[0].member_id
    return None


def budget(order: OrderView, config: DifferentialConfig) -> Decimal:
    """What one order allocates (module docstring): top rate of V, plus the recommender's rate
    of V when the company pays it on top of the differential."""
    value = share(order.amount, config.top_rate)
    if config.funding == "company" and recommender_of(order) is not None:
        value += share(order.amount, config.recommender_rate)
    return value


def order_bookings(order: OrderView, config: DifferentialConfig, period: str) -> list[Booking]:
    """Rules §9 for one order of V: the recommender's bonus, then, walking up from the buyer
    (a partner earns on its own purchase too; customers never), every partner earns
    (own rank % − highest % already paid below) × V if positive; the budget's rest RETAINED.
    Entries are all positive and sum exactly to `budget(order, config)`."""
    amount = order.amount
    v = fmt_money(amount)
    bookings: list[Booking] = []
    paid_rate = Decimal(0)
    recommender = recommender_of(order)
    if recommender is not None:
        bonus = share(amount, config.recommender_rate)
        how = "referred the order" if order.referrer_id is not None else "is the buyer's sponsor"
        funded = "paid on top by the company" if config.funding == "company" else "counts as paid below"
        if bonus > 0:
            bookings.append(Booking(
                "recommender", "PAID", bonus,
                f"recommender {percent(config.recommender_rate)} of {v} = {fmt_money(bonus)} to {recommender} "
                f"({how}; {funded}; {period})",
                recommender,
            ))
        if config.funding == "sponsor":
            paid_rate = config.recommender_rate
    walk = [DifferentialStep(person.member_id, person.rank.rate if person.kind == PARTNER and person.rank else None,
                             person.rank.name if person.rank else None)
            for person in (order.buyer, *order.upline)]
    for pay in differential_walk(amount, None, walk, paid_below=paid_rate):
        rate = pay.rate - pay.below
        own = " on its own order" if pay.member_id == order.buyer.member_id else ""
        bookings.append(Booking(
            "differential", "PAID", pay.amount,
            f"differential {percent(pay.rate)} - {percent(pay.below)} already paid below = "
            f"{percent(rate)} of {v} = {fmt_money(pay.amount)} to {pay.member_id} ({pay.label}, "
            f"{period}){own}",
            pay.member_id,
        ))
    total = budget(order, config)
    paid = sum((b.amount for b in bookings), ZERO)
    if total - paid > 0:
        bookings.append(Booking(
            "differential", "RETAINED", total - paid,
            f"differential budget {fmt_money(total)} of {v} ({percent(config.top_rate)} top rank"
            f"{' + recommender on top' if total != share(amount, config.top_rate) else ''}) "
            f"- {fmt_money(paid)} paid = {fmt_money(total - paid)} retained",
        ))
    check_conservation(bookings, total, f"order {order.order_id}")
    return bookings

