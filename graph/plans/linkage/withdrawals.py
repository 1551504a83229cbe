"""Withdrawals and the 20 % mutual fund (互助基金), rules §6: pure rules.

`graph.plans.linkage.withdrawals_store` reads a member's counters and its first two referrals (B1, B2),
calls these and writes the entries. Withdrawal entries do not move the member's `paid`
counter (they are what leaves it): they add to `withdrawn` (the whole amount) and `frozen`
(the frozen part). A release is a new `withdrawal` entry with status PAID that moves the
frozen amount back into `paid`, so it becomes available again (entries are never edited).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from graph.core.errors import BadInput
from graph.core.money import fmt_money, percent, share
from graph.ledger.entries import Booking, check_conservation

ACTIVE_STATUSES = ("AGENT", "BOSS")


@dataclass(frozen=True)
class WithdrawalConfig:
    frozen_rate: Decimal = Decimal("0.20")  # 互助基金: share of a withdrawal frozen
    release_orders: int = 20  # B1's and B2's placement subtrees need MORE than this many orders
    release_lines: int = 2  # the first two direct referrals (B1, B2)


@dataclass(frozen=True)
class FirstLine:
    """One of B1, B2: a first direct referral, its status and the orders in its placement
    subtree (itself included)."""

    member_id: str
    status: str
    team_orders: int


def release_due(lines: list[FirstLine], config: WithdrawalConfig) -> bool:
    """§6: both B1 and B2 are agents or bosses and their subtrees hold more than 20 orders."""
    if len(lines) < config.release_lines:
        return False
    firsts = lines[: config.release_lines]
    return (all(line.status in ACTIVE_STATUSES for line in firsts)
            and sum(line.team_orders for line in firsts) > config.release_orders)


def release_text(lines: list[FirstLine], config: WithdrawalConfig) -> str:
    firsts = lines[: config.release_lines]
    names = " and ".join(f"{line.member_id} ({line.status.lower()})" for line in firsts)
    total = sum(line.team_orders for line in firsts)
    return f"{names} are agents or bosses with {total} orders in their teams (> {config.release_orders})"


def withdrawal_bookings(member_id: str, amount: Decimal, available: Decimal, released: bool,
                        config: WithdrawalConfig) -> list[Booking]:
    """The entries of one withdrawal: 80 % PAID out and 20 % FROZEN (rounded down; the paid
    part takes the cent). decided: once the member's fund is released (B1/B2 condition met),
    later withdrawals are paid in full — the fund's condition is met for good."""
    if amount <= 0:
        raise BadInput(f"amount: must be positive, got {fmt_money(amount)}")
    if amount > available:
        raise BadInput(f"amount: {fmt_money(amount)} is more than the available balance {fmt_money(available)}")
    if released:
        bookings = [Booking("withdrawal", "PAID", amount,
                            f"withdrawal {fmt_money(amount)} paid in full (mutual fund released)", member_id)]
    else:
        frozen = share(amount, config.frozen_rate)
        paid = amount - frozen
        bookings = [
            Booking("withdrawal", "PAID", paid,
                    f"withdrawal {fmt_money(amount)}: {percent(1 - config.frozen_rate)} paid = {fmt_money(paid)}",
                    member_id),
        ]
        if frozen > 0:
            bookings.append(Booking(
                "withdrawal", "FROZEN", frozen,
                f"withdrawal {fmt_money(amount)}: {percent(config.frozen_rate)} = {fmt_money(frozen)} frozen in the "
                "mutual fund until B1 and B2 qualify", member_id))
    check_conservation(bookings, amount, f"withdrawal of {member_id}")
    return bookings


def release_booking(member_id: str, frozen: Decimal, lines: list[FirstLine], config: WithdrawalConfig) -> Booking:
    return Booking("withdrawal", "PAID", frozen,
                   f"released {fmt_money(frozen)} from the mutual fund: {release_text(lines, config)}", member_id)


def parse_config(table: Mapping[str, Any], where: str) -> WithdrawalConfig:
    """[withdrawal]: frozen_rate = "0.20", release_orders = 20, release_lines = 2."""
    from graph.core.plan import check_keys, int_value, rate_value

    check_keys(table, ("frozen_rate", "release_orders", "release_lines"), where)
    return WithdrawalConfig(
        frozen_rate=rate_value(table, "frozen_rate", where) if "frozen_rate" in table else Decimal("0.20"),
        release_orders=int_value(table, "release_orders", where, low=0, default=20),
        release_lines=int_value(table, "release_lines", where, low=1, default=2),
    )


def config_of(plan: Any) -> WithdrawalConfig:
    section = plan.section("withdrawal") if plan is not None else None
    return section or WithdrawalConfig()


def _register() -> None:
    from graph.core.plan import register_module

    register_module("withdrawal", "withdrawal", parse_config)


_register()
