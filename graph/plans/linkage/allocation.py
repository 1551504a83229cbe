"""The allocation of one order under the linkage plan (链动3+1): rules §1, §3 and the quota of §6.

Pure functions over plain data: `graph.ledger.orders` reads an `OrderView` (the buyer, its sponsor and
the placement upline with each ancestor's sponsor), calls `allocate`, and writes the result.

Statuses are evaluated *with the order itself counted* (rules §3 "decided"): the order makes
its buyer an agent, which may make the buyer's sponsor a boss, and that boss is paid as a boss
by this very order. Within one order each beneficiary's quota is consumed in allocation
order (direct, see-point, peer); what exceeds it is BURNED (烧伤).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from graph.core.money import fmt_money, percent, share
from graph.core.plan import SHARES, Plan, check_keys, int_value, register_module, register_share
from graph.ledger.entries import Booking, check_conservation
from graph.network.placement import LineKind, designation

CUSTOMER, AGENT, BOSS = "CUSTOMER", "AGENT", "BOSS"
LINKAGE_SHARES = ("direct", "see_point", "peer")  # 直推奖, 见点奖, 平级奖
ZERO = Decimal("0.00")
ARTICLE = {CUSTOMER: "a customer", AGENT: "an agent", BOSS: "a boss"}
StatusOf = Callable[["Holder"], str]  # a holder's status with the order counted


@dataclass(frozen=True)
class LinkageConfig:
    boss_threshold: int = 3  # agent referrals that make an agent a boss (老板)


def parse_config(table: Mapping[str, Any], where: str) -> LinkageConfig:
    check_keys(table, ("boss_threshold",), where)
    return LinkageConfig(boss_threshold=int_value(table, "boss_threshold", where, low=1, default=3))


register_module("linkage", "linkage", parse_config)
for _share in LINKAGE_SHARES:
    register_share(_share, "linkage")


def config_of(plan: Plan) -> LinkageConfig:
    return plan.section("linkage") or LinkageConfig()


def status_of(packages: int, agent_referrals: int, boss_threshold: int) -> str:
    """customer (no package) → agent (bought one) → boss (agent with enough agent referrals)."""
    if packages == 0:
        return CUSTOMER
    return BOSS if agent_referrals >= boss_threshold else AGENT


@dataclass(frozen=True)
class Holder:
    """A member as the rule sees it, before the order: what its status and quota follow from."""

    member_id: str
    packages: int = 0
    agent_referrals: int = 0  # direct referrals that are agents or bosses
    quota: Decimal = ZERO  # sum of its packages' quotas
    quota_used: Decimal = ZERO  # linkage rewards paid so far

    @property
    def quota_left(self) -> Decimal:
        return self.quota - self.quota_used


@dataclass(frozen=True)
class Ancestor:
    """A placement ancestor of the buyer, reached from its child in `from_slot`."""

    holder: Holder
    from_slot: int
    r: int  # its rotation offset (rules §4)
    sponsor: Holder | None
    via: str  # the child it was reached from


@dataclass(frozen=True)
class OrderView:
    order_id: str
    amount: Decimal
    buyer: Holder
    sponsor: Holder | None
    upline: tuple[Ancestor, ...]  # placement ancestors, nearest first


@dataclass
class Allocation:
    """What one order books and changes: entries, member counters, pools."""

    bookings: list[Booking]
    statuses: dict[str, str]  # member → status after the order (buyer and sponsor)
    buyer_became_agent: bool  # the sponsor gains one agent referral
    quota_added: Decimal  # the buyer's quota grows by its package's quota
    quota_used: dict[str, Decimal] = field(default_factory=dict)  # member → linkage amount paid
    pools: dict[str, Decimal] = field(default_factory=dict)  # pool name → amount pooled


class _Book:
    """Bookings of one order, with each beneficiary's quota consumed as it is paid."""

    def __init__(self, amount: Decimal, after: Callable[[Holder], Holder]) -> None:
        self.amount = amount
        self.after = after  # a holder with the order counted (the buyer's quota grows)
        self.bookings: list[Booking] = []
        self.left: dict[str, Decimal] = {}
        self.used: dict[str, Decimal] = {}

    def add(self, rule: str, status: str, amount: Decimal, text: str, beneficiary: str | None = None,
            pool: str | None = None) -> None:
        if amount > 0:
            self.bookings.append(Booking(rule, status, amount, text, beneficiary, pool))

    def pay(self, rule: str, amount: Decimal, holder: Holder, head: str) -> None:
        """Pays `amount` within `holder`'s quota left; the excess is BURNED (烧伤)."""
        left = self.left.setdefault(holder.member_id, max(self.after(holder).quota_left, ZERO))
        paid = min(amount, left)
        burned = amount - paid
        self.left[holder.member_id] = left - paid
        self.used[holder.member_id] = self.used.get(holder.member_id, ZERO) + paid
        if burned == 0:
            self.add(rule, "PAID", paid, head, holder.member_id)
            return
        quota = f"quota left {fmt_money(left)}"
        self.add(rule, "PAID", paid, f"{head}: {fmt_money(paid)} paid within {quota}", holder.member_id)
        self.add(rule, "BURNED", burned, f"{head}: {fmt_money(burned)} burned beyond {quota}", holder.member_id)


def allocate(order: OrderView, plan: Plan) -> Allocation:
    """Every share of rules §1 for one order, as bookings that sum exactly to its amount."""
    config = config_of(plan)
    package = plan.package(order.amount)
    quota_added = package.quota if package is not None else ZERO
    buyer_became_agent = order.buyer.packages == 0
    sponsor_id = order.sponsor.member_id if order.sponsor is not None else None

    def after(holder: Holder) -> Holder:
        """`holder` with this order counted."""
        if holder.member_id == order.buyer.member_id:
            holder = replace(holder, packages=holder.packages + 1, quota=holder.quota + quota_added)
        if holder.member_id == sponsor_id and buyer_became_agent:
            holder = replace(holder, agent_referrals=holder.agent_referrals + 1)
        return holder

    def status(holder: Holder) -> str:
        current = after(holder)
        return status_of(current.packages, current.agent_referrals, config.boss_threshold)

    book = _Book(order.amount, after)
    amount_text = fmt_money(order.amount)
    owner = team_owner(order, status)  # before the loop: peer needs it wherever the file lists it
    pools: dict[str, Decimal] = {}
    # linkage rewards first, in the order their quota is consumed (rules §3), then file order
    shares = sorted(plan.allocation, key=lambda item: LINKAGE_SHARES.index(item[0]) if item[0] in LINKAGE_SHARES else 3)
    for rule, rate in shares:
        value = share(order.amount, rate)
        head = f"{rule} {percent(rate)} of {amount_text} = {fmt_money(value)}"
        if rule == "direct":
            _direct(book, value, head, order, status)
        elif rule == "see_point":
            _see_point(book, value, head, order, owner)
        elif rule == "peer":
            _peer(book, value, head, owner, status)
        else:
            kind = SHARES[rule]
            if kind.status is None:
                raise ValueError(f"share {rule!r} has no booking rule in the linkage allocation")
            if kind.status == "POOLED":
                book.add(rule, "POOLED", value, f"{head} into the {kind.pool} pool", pool=kind.pool)
                if value > 0:
                    pools[kind.pool] = pools.get(kind.pool, ZERO) + value  # type: ignore[index, arg-type]
            elif kind.status == "COST":
                book.add(rule, "COST", value, f"{head} product cost")
            else:
                book.add(rule, "RETAINED", value, f"{head} {rule} profit")
    booked = sum((b.amount for b in book.bookings), ZERO)
    book.add("platform", "RETAINED", order.amount - booked,
             f"rounding remainder {fmt_money(order.amount - booked)} of {amount_text} retained")
    check_conservation(book.bookings, order.amount, f"order {order.order_id}")

    statuses = {order.buyer.member_id: status(order.buyer)}
    if order.sponsor is not None:
        statuses[order.sponsor.member_id] = status(order.sponsor)
    return Allocation(book.bookings, statuses, buyer_became_agent, quota_added,
                      {k: v for k, v in book.used.items() if v > 0}, pools)


def _direct(book: _Book, value: Decimal, head: str, order: OrderView, status: StatusOf) -> None:
    """直推奖: to the buyer's sponsor if it is an agent or a boss."""
    sponsor = order.sponsor
    if sponsor is None:
        book.add("direct", "RETAINED", value, f"{head} retained: buyer {order.buyer.member_id} has no sponsor")
        return
    current = status(sponsor)
    if current == CUSTOMER:
        book.add("direct", "RETAINED", value, f"{head} retained: sponsor {sponsor.member_id} is a customer")
        return
    book.pay("direct", value, sponsor, f"{head} to sponsor {sponsor.member_id} ({current.lower()})")


def team_owner(order: OrderView, status: StatusOf) -> Ancestor | None:
    """见点: the first placement ancestor reached through its WEALTH slot that is a boss."""
    for ancestor in order.upline:
        if designation(ancestor.from_slot, ancestor.r) is LineKind.WEALTH and status(ancestor.holder) == BOSS:
            return ancestor
    return None


def _see_point(book: _Book, value: Decimal, head: str, order: OrderView, owner: Ancestor | None) -> None:
    """见点奖: to the team owner; none found → RETAINED."""
    if owner is None:
        book.add("see_point", "RETAINED", value,
                 f"{head} retained: no boss above {order.buyer.member_id} reached through a wealth line")
        return None
    levels = next(n for n, ancestor in enumerate(order.upline, 1) if ancestor is owner)
    book.pay("see_point", value, owner.holder,
             f"{head} to team owner {owner.holder.member_id} (boss; wealth slot {owner.from_slot} "
             f"via {owner.via}, {levels} level{'s' if levels > 1 else ''} above {order.buyer.member_id})")


def _peer(book: _Book, value: Decimal, head: str, owner: Ancestor | None, status: StatusOf) -> None:
    """平级奖: to the team owner's sponsor if it is a boss."""
    if owner is None:
        book.add("peer", "RETAINED", value, f"{head} retained: no team owner")
        return
    sponsor = owner.sponsor
    name = owner.holder.member_id
    if sponsor is None:
        book.add("peer", "RETAINED", value, f"{head} retained: team owner {name} has no sponsor")
        return
    current = status(sponsor)
    if current != BOSS:
        book.add("peer", "RETAINED", value,
                 f"{head} retained: team owner {name}'s sponsor {sponsor.member_id} is {ARTICLE[current]}, not a boss")
        return
    book.pay("peer", value, sponsor, f"{head} to {sponsor.member_id}, sponsor of team owner {name} (boss)")
