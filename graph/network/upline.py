"""The differential walk up the sponsor tree, shared by the plans that pay "own rate minus the
highest rate already paid below" (rules §7 level differential, §9 differential bonus).

Pure: the caller reads the upline (nearest first, `cypher/network/upline_sponsor.cypher`) with each
member's rate, and books what this returns.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from graph.core.money import share

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DifferentialStep:
    """An upline member and its rate (None: no rank/level, earns nothing)."""

    member_id: str
    rate: Decimal | None
    label: str | None = None  # the rank or level name, for explanations


@dataclass(frozen=True)
class DifferentialPay:
    kind: str  # "differential" or "peer"
    member_id: str
    amount: Decimal
    rate: Decimal  # the member's rate
    below: Decimal  # the highest rate paid below it
    label: str | None
    peer_of: str | None = None  # peer: the member whose differential it is 10 % of
    base: Decimal = ZERO  # peer: that differential amount


def differential_walk(
    amount: Decimal,
    budget: Decimal | None,
    upline: Sequence[DifferentialStep],
    peer_rate: Decimal | None = None,
    paid_below: Decimal = Decimal(0),
) -> Iterator[DifferentialPay]:
    """Walks `upline` nearest first. Each member whose rate exceeds the highest rate paid below
    earns (rate − highest below) × amount, rounded down, within what is left of `budget`
    (None: unbounded). With `peer_rate`, the first member after a paid one with the SAME rate
    earns peer_rate × that member's differential, from what is left (平级奖); one peer bonus
    per paid member. `paid_below` starts the walk as if that rate was already paid."""
    left = budget
    highest = paid_below
    last: DifferentialPay | None = None
    peer_open = False

    def take(value: Decimal) -> Decimal:
        nonlocal left
        if left is None:
            return value
        value = min(value, left)
        left -= value
        return value

    for step in upline:
        if left is not None and left <= 0:
            return
        if step.rate is None:
            continue
        if step.rate > highest:
            value = take(share(amount, step.rate - highest))
            paid = DifferentialPay("differential", step.member_id, value, step.rate, highest, step.label)
            highest = step.rate
            if value > 0:
                yield paid
            last, peer_open = paid, True
        elif peer_rate is not None and peer_open and last is not None and step.rate == last.rate:
            value = take(share(last.amount, peer_rate))
            peer_open = False
            if value > 0:
                yield DifferentialPay("peer", step.member_id, value, step.rate, highest, step.label,
                                      peer_of=last.member_id, base=last.amount)
