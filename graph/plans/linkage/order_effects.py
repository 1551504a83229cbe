"""What an order of the linkage plan changes beyond its allocation (rules §5–§8), booked in the
order's one statement (the `points`… modules' `on_order` hook calls `contribute`):

- points (§5): the buyer's points at the price before the order, then the forced exits the new
  price causes (a cascade, lowest cap price first) — sales booked as `points_sale` entries;
- team counters: `team_orders` (orders in the placement subtree, §6 B1/B2 condition) on the
  buyer and its placement ancestors; `team_sales` (all-time sponsor-downline sales, §7 levels)
  on its sponsor ancestors — both O(depth), like the placement sizes;
- dividend shares (§8) and the identity the plan's rule gives (§6);
- releases of the 20 % mutual fund (§6) whose condition this order completes: only sponsors
  whose B1 or B2 is on the buyer's placement path can change, and only those with money frozen;
- the order's `pools_open` / `level_open` flags, which the month close looks for.

The graph is read as it stands before the order; what the allocation changes in the same
statement (statuses, agent referrals) is taken from the draft.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from graph.core.money import from_cents, share, to_cents
from graph.ledger.drafts import OrderDraft
from graph.ledger.entry_ids import EntrySource
from graph.plans.linkage.points import Holding, config_of, issue, settle
from graph.plans.linkage.points_store import Effects, capped_fetcher, holding_row, read_market
from graph.plans.linkage.pools import dividend_config_of, earned_identity, higher_identity
from graph.plans.linkage.withdrawals import FirstLine, release_booking, release_due
from graph.plans.linkage.withdrawals import config_of as withdrawal_config_of
from graph.store.store import Conflicted

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.order_effects")

EFFECTS = "effects"  # entry source `effects:<order>`: what the order sold (forced exits)


def contribute(rn: Refnet, draft: OrderDraft) -> None:
    """Adds the order's effects to its draft (module docstring)."""
    plan = draft.plan
    order_id, amount = draft.order_id, draft.amount
    buyer, sponsor = dict(draft.buyer), dict(draft.sponsor) if draft.sponsor is not None else None
    if sponsor is not None:  # the allocation may have made the buyer an agent: one more for its sponsor
        sponsor["agent_referrals"] += draft.changes.members.get(sponsor["id"], {}).get("agent_referrals", 0)
    effects = Effects()
    changes = draft.changes
    if plan.has("points"):
        config = config_of(plan)
        state = read_market(rn)
        if state.version != draft.version:
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
        pool = changes.pool("points")
        last = settled.market.price
        pool["balance"] -= paid_out
        pool["market"] += settled.market.pool - state.market.pool
        pool["set"].update(units=settled.market.units, last_num=last.numerator, last_den=last.denominator,
                           holdings=state.seq + 1)
        for held in effects.holdings.values():
            changes.holdings[held.id] = holding_row(held, config)

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
        statuses = {member_id: row["status"] for member_id, row in changes.members.items() if row["status"]}
        _releases(rn, plan, effects, path, statuses)

    for member_id, row in effects.members.items():
        target = changes.member(member_id)
        for name, value in row.items():
            if name == "id" or value is None:
                continue
            target[name] = target[name] + value if isinstance(value, int) and not isinstance(value, bool) else value
    rows = effects.rows(str(EntrySource.of(EFFECTS, order_id)), draft.at, draft.period, plan.version)
    changes.entries.extend(rows)
    changes.bookings.extend(booking for booking, _ in effects.bookings)
    draft.flags.update(pools_open=draft.period, level_open=draft.period)


def _raise_identity(effects: Effects, holder: dict, earned: str | None) -> None:
    """A member holds the highest identity it reached; the rule never lowers one."""
    if earned is None:
        return
    best = higher_identity(holder["identity"], earned)
    if best != holder["identity"]:
        effects.member(holder["id"])["identity"] = best


def _releases(rn: Refnet, plan, effects: Effects, path: list[dict], statuses: dict[str, str]) -> None:
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
        status = statuses.get(row["id"], row["status"])
        lines[row["sponsor_id"]].append((row["seq"], FirstLine(row["id"], status or "CUSTOMER", orders)))
    for sponsor_id in sponsors:
        firsts = [line for _, line in sorted(lines[sponsor_id], key=lambda item: item[0])][: config.release_lines]
        if not any(line.member_id in on_path for line in firsts) or not release_due(firsts, config):
            continue
        amount = frozen[sponsor_id]
        effects.release(sponsor_id, amount)
        effects.bookings.append((release_booking(sponsor_id, from_cents(amount), firsts, config), None))

