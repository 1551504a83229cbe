"""Withdrawals (rules §6) and identities (§6 dividend pool) in the graph.

`withdraw` books a withdrawal in one guarded statement (`linkage_effects`): the paid part and
the frozen part, `withdrawn` += amount, `frozen` += the frozen part. When the member's B1/B2
condition already holds, the frozen fund is released in the same statement and the
withdrawal is paid in full. `set_identity` is the admin's grant of an identity.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING

from graph.core.errors import BadInput, NotFound
from graph.core.money import from_cents, to_cents
from graph.core.plan import require_module
from graph.ledger.entries import EntryRecord
from graph.ledger.entry_ids import EntrySource
from graph.network.members import check_member_id
from graph.plans.linkage.points_store import Effects, write_effects
from graph.plans.linkage.pools import IDENTITIES
from graph.plans.linkage.withdrawals import FirstLine, config_of, release_booking, release_due, withdrawal_bookings

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.withdrawals")


def first_lines(rn: Refnet, member_id: str, count: int) -> list[FirstLine]:
    """B1, B2, …: the member's first `count` direct referrals by registration."""
    rows = sorted(rn.store.run("first_lines", {"ids": [member_id]}), key=lambda row: row["seq"])
    return [FirstLine(row["id"], row["status"] or "CUSTOMER", row["team_orders"]) for row in rows[:count]]


def withdraw(rn: Refnet, member_id: str, amount: Decimal) -> list[EntryRecord]:
    """Pays 80 % of `amount` and freezes 20 % (plan) until B1 and B2 qualify; BadInput when
    `amount` is not positive or more than the available balance (paid − withdrawn)."""
    check_member_id(member_id, "memberId")
    require_module(rn.plan, ("withdrawal",), "a withdrawal")
    if amount <= 0:
        raise BadInput(f"amount: must be positive, got {amount}")
    plan = rn.plan
    config = config_of(plan)
    plan_version = plan.version if plan is not None else None

    def attempt() -> list[EntryRecord]:
        state = rn.store.run("fund_state", {"id": member_id})[0]
        if state["id"] is None:
            raise NotFound(f"memberId: no member with id {member_id!r}")
        effects = Effects()
        target = effects.member(member_id)
        released = state["released"]
        paid = state["paid"]
        if not released:
            lines = first_lines(rn, member_id, config.release_lines)
            if release_due(lines, config):
                released = True
                effects.release(member_id, state["frozen"])
                if state["frozen"] > 0:
                    effects.bookings.append((release_booking(member_id, from_cents(state["frozen"]), lines, config), None))
                    paid += state["frozen"]
        released_now = len(effects.bookings)
        available = from_cents(paid - state["withdrawn"])
        for booking in withdrawal_bookings(member_id, amount, available, released, config):
            effects.bookings.append((booking, None))
            if booking.status == "FROZEN":
                target["frozen"] += to_cents(booking.amount)
        target["withdrawn"] += to_cents(amount)
        at = rn.clock()
        from graph.ledger.orders import period_of

        entries = effects.rows(str(EntrySource.of("withdrawal", state["version"] + 1)), at, period_of(at), plan_version)
        write_effects(rn, state["version"], effects, entries, None, None)
        return [EntryRecord.from_row(row) for row in entries[released_now:]]  # the release comes first

    entries = rn.guard(attempt)
    log.info("member %s withdrew %s", member_id, amount)
    return entries


def check_identity(identity: str | None) -> str | None:
    if identity is not None and identity not in IDENTITIES:
        raise BadInput(f"identity: must be one of {', '.join(IDENTITIES)} or null")
    return identity


def identities_of(rn: Refnet, ids: list[str]) -> dict[str, str | None]:
    """Identities by member id (a DataLoader batch: one query)."""
    return {row["id"]: row["identity"] for row in rn.store.run("identities_by_ids", {"ids": list(ids)})}


def set_identity(rn: Refnet, member_id: str, identity: str | None) -> str | None:
    """The admin grants (or, with None, revokes) an identity; the plan's rule may raise it
    again on a later order. Identities count as they stand when a month is closed."""
    require_module(rn.plan, ("dividend_pool",), "an identity")
    check_member_id(member_id, "memberId")
    check_identity(identity)
    rows = rn.store.run("identity_set", {"id": member_id, "identity": identity})
    if not rows:
        raise NotFound(f"memberId: no member with id {member_id!r}")
    log.info("identity of %s set to %s", member_id, identity)
    return identity

