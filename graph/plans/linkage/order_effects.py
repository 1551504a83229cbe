"""What an order of the linkage plan changes beyond its allocation (rules §5–§8), booked in one
guarded statement right after the order's own (`graph.ledger.orders.record_order` calls `apply`):

- points (§5): the buyer's points at the price before the order, then the forced exits the new
  price causes (a cascade, lowest cap price first) — sales booked as `points_sale` entries;
- team counters: `team_orders` (orders in the placement subtree, §6 B1/B2 condition) on the
  buyer and its placement ancestors; `team_sales` (all-time sponsor-downline sales, §7 levels)
  on its sponsor ancestors — both O(depth), like the placement sizes;
- dividend shares (§8) and the identity the plan's rule gives (§6);
- releases of the 20 % mutual fund (§6) whose condition this order completes: only sponsors
  whose B1 or B2 is on the buyer's placement path can change, and only those with money frozen.

Idempotent: the order's `effects` flag is set by the same statement. A crash between the
order's statement and this one is finished by recording the same order again (idempotent), or
by `apply` for that order id.
"""

from __future__ import annotations

import logging

from graph.core.errors import NotFound
from graph.core.money import from_cents, share, to_cents
from graph.plans.linkage.points import Holding, config_of, issue, settle
from graph.plans.linkage.points_store import Effects, capped_fetcher, market_row, read_market, write_effects
from graph.plans.linkage.pools import dividend_config_of, earned_identity, higher_identity
from graph.plans.linkage.withdrawals import FirstLine, release_booking, release_due
from graph.plans.linkage.withdrawals import config_of as withdrawal_config_of
from graph.service import Refnet
from graph.store.store import Conflicted

log = logging.getLogger("refnet.order_effects")

MODULES = ("points", "withdrawal", "dividend_pool", "level", "shareholder")


def applies(plan) -> bool:
    return plan is not None and any(plan.has(module) for module in MODULES)


def apply(rn: Refnet, order_id: str) -> bool:
    """Books the order's effects unless already booked; True when it booked them now."""
    plan = rn.plan
    if not applies(plan):
        return False

    def attempt() -> bool:
        context = rn.store.run("order_effects_context", {"id": order_id})[0]
        order = context["order"]
        if order is None:
            raise NotFound(f"id: no order {order_id!r}")
        if order["effects"]:
            return False
        version = context["version"]
        buyer, sponsor = context["buyer"], context["sponsor"]
        amount = order["amount"]
        effects = Effects()
        config = config_of(plan)
        market = None
        if plan.has("points"):
            state = read_market(rn)
            if state.version != version:
                raise Conflicted()
            contribution = to_cents(share(from_cents(amount), plan.rate("points_pool")))
            after, issued = issue(state.market, contribution, config, order_id, buyer["id"])
            holding = Holding(order_id, buyer["id"], order_id, amount, issued.units, 0, state.seq + 1)
            effects.holdings[holding.id] = holding
            effects.member(buyer["id"])["points"] += issued.units
            settled = settle(after, capped_fetcher(rn), config, effects.holdings)
            effects.holdings.update(settled.holdings)
            for sale in settled.sales:
                effects.book_sale(sale)
            paid_out = sum(sale.paid for sale in settled.sales)
            market = market_row(state, settled.market, paid_out, state.seq + 1)

        path = rn.store.run("placement_path_teams", {"id": buyer["id"]})
        for row in path:
            effects.member(row["id"])["team_orders"] += 1
        for row in rn.store.run("upline_sponsor", {"id": buyer["id"], "max_depth": 100_000}):
            effects.member(row["id"])["team_sales"] += amount

        package = plan.package(from_cents(amount))
        if package is not None and package.dividend_shares:
            effects.member(buyer["id"])["shares_milli"] += int(package.dividend_shares * 1000)
        if plan.has("dividend_pool"):
            dividend = dividend_config_of(plan)
            _raise_identity(effects, buyer, earned_identity(buyer["agent_referrals"], [from_cents(amount)], dividend))
            if sponsor is not None:
                _raise_identity(effects, sponsor, earned_identity(sponsor["agent_referrals"], [], dividend))
        if plan.has("withdrawal"):
            _releases(rn, plan, effects, path)

        entries = effects.rows(f"effects:{order_id}", order["at"], order["period"], plan.version)
        write_effects(rn, version, effects, entries, config, market, order_id=order_id)
        return True

    booked = rn.guard(attempt)
    if booked:
        log.info("order %s: points, team counters and funds booked", order_id)
    return booked


def _raise_identity(effects: Effects, holder: dict, earned: str | None) -> None:
    """A member holds the highest identity it reached; the rule never lowers one."""
    if earned is None:
        return
    best = higher_identity(holder["identity"], earned)
    if best != holder["identity"]:
        effects.member(holder["id"])["identity"] = best


def _releases(rn: Refnet, plan, effects: Effects, path: list[dict]) -> None:
    """Releases the frozen fund of every sponsor whose B1/B2 condition this order completes."""
    config = withdrawal_config_of(plan)
    sponsors = sorted({row["sponsor_id"] for row in path
                       if row["sponsor_id"] is not None and row["sponsor_frozen"] > 0 and not row["sponsor_released"]})
    if not sponsors:
        return
    frozen = {row["sponsor_id"]: row["sponsor_frozen"] for row in path if row["sponsor_id"] in sponsors}
    on_path = {row["id"] for row in path}
    lines: dict[str, list[tuple[int, FirstLine]]] = {s: [] for s in sponsors}
    for row in rn.store.run("first_lines", {"ids": sponsors}):
        orders = row["team_orders"] + (1 if row["id"] in on_path else 0)
        lines[row["sponsor_id"]].append((row["seq"], FirstLine(row["id"], row["status"] or "CUSTOMER", orders)))
    for sponsor_id in sponsors:
        firsts = [line for _, line in sorted(lines[sponsor_id], key=lambda item: item[0])][: config.release_lines]
        if not any(line.member_id in on_path for line in firsts) or not release_due(firsts, config):
            continue
        amount = frozen[sponsor_id]
        effects.release(sponsor_id, amount)
        effects.bookings.append((release_booking(sponsor_id, from_cents(amount), firsts, config), None))

