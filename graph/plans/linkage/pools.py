"""The month close of the linkage plan's pools: pure rules.

- §6 linkage dividend pool (链动分红): split by identity (director 30 %, co-founder 30 %,
  partner 40 %), equally within an identity, an empty identity carries its share over;
- §8 shareholder dividend (股东分红, weighted): split by dividend shares;
- §7 team level differential v1–v7 (团队级差 + 平级): the differential walk up the sponsor
  tree with the 10 % same-level peer bonus.

`graph.plans.linkage.close` reads what these need and books the result, one idempotent statement
per part.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from functools import cached_property
from typing import Any

from graph.core.money import CENT, fmt_money, percent, share, to_cents
from graph.ledger.entries import Booking, ConservationError, check_conservation
from graph.network.upline import DifferentialStep, differential_walk

ZERO = Decimal("0.00")

# identities, lowest first (合伙人 < 联创 < 董事)
PARTNER, COFOUNDER, DIRECTOR = "PARTNER", "COFOUNDER", "DIRECTOR"
IDENTITIES = (PARTNER, COFOUNDER, DIRECTOR)
IDENTITY_NAMES = {PARTNER: "partner (合伙人)", COFOUNDER: "co-founder (联创)", DIRECTOR: "director (董事)"}


@dataclass(frozen=True)
class DividendConfig:
    """[dividend_pool]: identity shares of the pool and how an identity is earned."""

    shares: tuple[tuple[str, Decimal], ...] = (
        (DIRECTOR, Decimal("0.30")), (COFOUNDER, Decimal("0.30")), (PARTNER, Decimal("0.40")))
    # agent referrals that earn an identity
    thresholds: tuple[tuple[str, int], ...] = ((PARTNER, 10), (COFOUNDER, 30), (DIRECTOR, 100))
    partner_package: Decimal | None = Decimal("10000.00")  # buying it makes a partner


@dataclass(frozen=True)
class Level:
    name: str
    sales: Decimal  # all-time sponsor-downline package sales from which it holds
    rate: Decimal  # share of the order amount


DEFAULT_LEVELS = tuple(
    Level(name, Decimal(sales), Decimal(rate)) for name, sales, rate in (
        ("v1", "10000.00", "0.005"), ("v2", "50000.00", "0.01"), ("v3", "100000.00", "0.015"),
        ("v4", "300000.00", "0.02"), ("v5", "800000.00", "0.025"), ("v6", "2000000.00", "0.0275"),
        ("v7", "5000000.00", "0.03"),
    )
)


@dataclass(frozen=True)
class LevelConfig:
    levels: tuple[Level, ...] = DEFAULT_LEVELS
    peer_rate: Decimal = Decimal("0.10")  # 平级奖: of the same-level member's differential


def identity_rank(identity: str | None) -> int:
    return IDENTITIES.index(identity) + 1 if identity in IDENTITIES else 0


def higher_identity(a: str | None, b: str | None) -> str | None:
    return a if identity_rank(a) >= identity_rank(b) else b


def earned_identity(agent_referrals: int, bought: Sequence[Decimal], config: DividendConfig) -> str | None:
    """The identity the plan's rule gives: by agent referrals, or partner on buying the
    partner package. A member holds the highest it reached."""
    earned: str | None = None
    for identity, threshold in config.thresholds:
        if agent_referrals >= threshold:
            earned = higher_identity(earned, identity)
    if config.partner_package is not None and config.partner_package in bought:
        earned = higher_identity(earned, PARTNER)
    return earned


@dataclass
class DividendSplit:
    bookings: list[Booking]
    carry_out: dict[str, Decimal]  # identity → amount carried to the next month


def split_dividend(
    accrued: Decimal,
    carry_in: Mapping[str, Decimal],
    holders: Mapping[str, Sequence[str]],
    config: DividendConfig,
    period: str,
) -> DividendSplit:
    """§6: the month's pool (+ what empty identities carried in) split by identity, equally
    within one, rounded down; remainders RETAINED; an identity without holder carries its
    share (and its carry) to the next month. Bookings + carry_out = accrued + carry_in."""
    bookings: list[Booking] = []
    carry_out: dict[str, Decimal] = {}
    parts_total = ZERO
    for identity, rate in config.shares:
        part = share(accrued, rate)
        parts_total += part
        carried = carry_in.get(identity, ZERO)
        total = part + carried
        name = IDENTITY_NAMES.get(identity, identity.lower())
        head = f"dividend {period}: {percent(rate)} of {fmt_money(accrued)} = {fmt_money(part)}"
        if carried:
            head += f" + {fmt_money(carried)} carried over = {fmt_money(total)}"
        members = sorted(holders.get(identity, ()))
        if not members:
            carry_out[identity] = total
            continue
        each = (total / len(members)).quantize(CENT, rounding=ROUND_DOWN)
        for member_id in members:
            if each > 0:
                bookings.append(Booking("dividend", "PAID", each,
                                        f"{head} for {len(members)} {name}{'s' if len(members) > 1 else ''}: "
                                        f"{fmt_money(each)} each", member_id))
        rest = total - each * len(members)
        if rest > 0:
            bookings.append(Booking("dividend", "RETAINED", rest, f"{head}: rounding remainder {fmt_money(rest)}"))
    rest = accrued - parts_total
    if rest > 0:
        bookings.append(Booking("dividend", "RETAINED", rest,
                                f"dividend {period}: rounding remainder {fmt_money(rest)} of {fmt_money(accrued)}"))
    carried_in = sum(carry_in.values(), ZERO)
    carried_out = sum(carry_out.values(), ZERO)
    check_conservation(bookings, accrued + carried_in - carried_out, f"dividend {period}")
    return DividendSplit(bookings, carry_out)


def split_shareholder(accrued: Decimal, shares: Mapping[str, Decimal], period: str) -> list[Booking]:
    """§8: the month's pool by dividend shares, proportionally, rounded down; rest RETAINED
    (all of it when nobody holds a share)."""
    total_shares = sum((s for s in shares.values() if s > 0), Decimal(0))
    bookings: list[Booking] = []
    if total_shares > 0:
        for member_id in sorted(shares):
            held = shares[member_id]
            if held <= 0:
                continue
            amount = (accrued * held / total_shares).quantize(CENT, rounding=ROUND_DOWN)
            if amount > 0:
                bookings.append(Booking(
                    "shareholder", "PAID", amount,
                    f"shareholder dividend {period}: {fmt_money(accrued)} × {held.normalize()} of "
                    f"{total_shares.normalize()} shares = {fmt_money(amount)}", member_id))
    rest = accrued - sum((b.amount for b in bookings), ZERO)
    if rest > 0:
        why = "rounding remainder" if total_shares > 0 else "no member holds a dividend share"
        bookings.append(Booking("shareholder", "RETAINED", rest, f"shareholder dividend {period}: {why} {fmt_money(rest)}"))
    check_conservation(bookings, accrued, f"shareholder dividend {period}")
    return bookings


def level_of(sales: Decimal, config: LevelConfig) -> Level | None:
    """The highest level whose threshold the downline sales reach."""
    reached: Level | None = None
    for level in config.levels:
        if sales >= level.sales:
            reached = level
    return reached


@dataclass(frozen=True)
class LevelPay:
    """One level booking of an order before the order is named: its explanation is `head`, the
    order id, `tail`. Every order of the same amount and level share up the same upline is paid
    the same, so a close works these out once for all of them (`level_pays`)."""

    rule: str
    status: str
    amount: Decimal
    beneficiary_id: str | None
    head: str
    tail: str
    pool: None = None  # as a Booking's: a level booking is never POOLED

    @cached_property
    def cents(self) -> int:
        return to_cents(self.amount)

    def booking(self, order_id: str) -> Booking:
        return Booking(self.rule, self.status, self.amount, f"{self.head}{order_id}{self.tail}", self.beneficiary_id)


def level_steps(upline: Sequence[tuple[str, Level | None]]) -> tuple[DifferentialStep, ...]:
    """The upline (nearest first) as the differential walk takes it: a member without a level
    earns nothing and changes nothing for those above, so it is left out."""
    return tuple(DifferentialStep(member_id, level.rate, level.name) for member_id, level in upline if level is not None)


def level_pays(amount: Decimal, pool: Decimal, steps: Sequence[DifferentialStep], config: LevelConfig,
               ) -> tuple[LevelPay, ...]:
    """§7 for any order of `amount` with level share `pool`: paid up `steps` (`level_steps`) as
    level differentials and the same-level peer bonus; rest RETAINED."""
    pays: list[LevelPay] = []
    for paid in differential_walk(amount, pool, steps, config.peer_rate):
        if paid.kind == "differential":
            head = (f"level {paid.label} {percent(paid.rate)} - {percent(paid.below)} already paid below = "
                    f"{percent(paid.rate - paid.below)} of {fmt_money(amount)} (order ")
            pays.append(LevelPay("level", "PAID", paid.amount, paid.member_id, head, ")"))
        else:
            head = (f"level peer {percent(config.peer_rate)} of {paid.peer_of}'s {fmt_money(paid.base)} "
                    f"({paid.label}, same level) = {fmt_money(paid.amount)} (order ")
            pays.append(LevelPay("level_peer", "PAID", paid.amount, paid.member_id, head, ")"))
    rest = pool - sum((pay.amount for pay in pays), ZERO)
    if rest > 0:
        pays.append(LevelPay("level", "RETAINED", rest, None, "level pool of order ",
                             f": {fmt_money(rest)} of {fmt_money(pool)} unpaid"))
    booked = sum((pay.amount for pay in pays), ZERO)
    if booked != pool:
        raise ConservationError(f"level pool of an order of {fmt_money(amount)}: entries sum to {booked}, expected {pool}")
    return tuple(pays)


def level_bookings(
    order_id: str,
    amount: Decimal,
    pool: Decimal,
    upline: Sequence[tuple[str, Level | None]],
    config: LevelConfig,
) -> list[Booking]:
    """§7 for one order: `pool` (its level share) paid up the sponsor upline (nearest first,
    buyer excluded) as level differentials and the same-level peer bonus; rest RETAINED."""
    bookings = [pay.booking(order_id) for pay in level_pays(amount, pool, level_steps(upline), config)]
    check_conservation(bookings, pool, f"level pool of order {order_id}")
    return bookings


# --- plan sections --------------------------------------------------------------------------


def parse_dividend(table: Mapping[str, Any], where: str) -> DividendConfig:
    """[dividend_pool]: shares = {director = "0.30", cofounder = "0.30", partner = "0.40"},
    thresholds = {partner = 10, cofounder = 30, director = 100}, partner_package = "10000.00"."""
    from graph.core.plan import PlanError, check_keys, int_value, money_value, rate_value

    check_keys(table, ("shares", "thresholds", "partner_package"), where)
    default = DividendConfig()
    shares = default.shares
    if "shares" in table:
        raw = table["shares"]
        if not isinstance(raw, dict):
            raise PlanError(f"{where}.shares: a table {{director = \"0.30\", …}}")
        check_keys(raw, tuple(i.lower() for i in IDENTITIES), f"{where}.shares")
        shares = tuple((i, rate_value(raw, i.lower(), f"{where}.shares")) for i in reversed(IDENTITIES)
                       if i.lower() in raw)
        if sum((rate for _, rate in shares), Decimal(0)) > 1:
            raise PlanError(f"{where}.shares: add up to more than 1")
    thresholds = default.thresholds
    if "thresholds" in table:
        raw = table["thresholds"]
        if not isinstance(raw, dict):
            raise PlanError(f"{where}.thresholds: a table {{partner = 10, …}}")
        check_keys(raw, tuple(i.lower() for i in IDENTITIES), f"{where}.thresholds")
        thresholds = tuple((i, int_value(raw, i.lower(), f"{where}.thresholds", low=1)) for i in IDENTITIES
                           if i.lower() in raw)
    package = default.partner_package
    if "partner_package" in table:
        package = money_value(table, "partner_package", where)
    return DividendConfig(shares, thresholds, package)


def parse_level(table: Mapping[str, Any], where: str) -> LevelConfig:
    """[level]: peer_rate = "0.10", levels = [{name = "v1", sales = "10000.00", rate = "0.005"}, …]."""
    from graph.core.plan import check_keys, rate_value, stair_steps

    check_keys(table, ("levels", "peer_rate"), where)
    levels = DEFAULT_LEVELS
    if "levels" in table:
        levels = tuple(Level(name, sales, rate) for name, sales, rate in stair_steps(table, "levels", "sales", where))
    peer = rate_value(table, "peer_rate", where) if "peer_rate" in table else Decimal("0.10")
    return LevelConfig(levels, peer)


def dividend_config_of(plan: Any) -> DividendConfig:
    section = plan.section("dividend_pool") if plan is not None else None
    return section or DividendConfig()


def level_config_of(plan: Any) -> LevelConfig:
    section = plan.section("level") if plan is not None else None
    return section or LevelConfig()



def _register() -> None:
    from graph.core.plan import register_module

    register_module("dividend_pool", "dividend_pool", parse_dividend)
    register_module("level", "level", parse_level)


_register()
