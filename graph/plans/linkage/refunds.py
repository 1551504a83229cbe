"""What a refund takes back beyond the reversal of an order's allocation, in the linkage plan:
the points the order issued (rules §5), the sponsor upline's team sales (§7) and the pool
shares a month close already paid out (§6–§8), reversed pro rata over what each member got.
Called by the plan's `on_refund` hook; everything lands in the refund's one statement."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from graph.ledger import history
from graph.ledger.drafts import RefundDraft
from graph.ledger.entry_ids import EntrySource
from graph.ledger.refunds import book_reversal, read_split, reversal_cents, reverse_closed
from graph.plans.linkage.points import Holding, Market, config_of
from graph.plans.linkage.points_store import holding_row
from graph.store.store import Row

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet



def points_back(issued: int, amount: int, refunded_before: int, refund: int) -> int:
    """Points (ten-thousandths) a refund takes back: the refunded share of what the order
    issued, rounded down cumulatively, so that refunding the whole order takes back exactly
    everything it issued however many parts came before."""
    return issued * (refunded_before + refund) // amount - issued * refunded_before // amount


def take_back_points(rn: Refnet, draft: RefundDraft) -> None:
    """The points the order issued, taken back pro rata (rules §5, issue 8): from the order's
    holding as far as it still holds them; what was already sold is a shortfall that leaves
    the buyer's points balance negative. The market loses the refunded contribution (F) and
    the points taken from the holding (N)."""
    order = draft.order
    pooled = -draft.pooled.get("points", 0)
    if not order["effects"]:  # no points were issued
        return
    state = rn.store.run("refund_points", {"id": order["id"]})[0]
    holding = state["holding"]
    archived = holding is None
    if archived:  # a holding with nothing left moves to the archive with its order (issue 19)
        holding = history.holdings_by_ids(history.history(rn), [order["id"]]).get(order["id"])
        if holding is None:
            return
    issued = holding["issued"] if holding["issued"] is not None else holding["units"]
    units = points_back(issued, order["amount"], order["refunded"], draft.cents)
    taken = min(units, holding["units"])
    left = holding["units"] - taken
    stored = Holding(holding["id"], holding["member_id"], holding["order_id"], holding["amount"], left,
                     holding["sold"], holding["seq"], bool(holding["active"]) and left > 0)
    last = Fraction(state["last_num"], state["last_den"]) if state["last_num"] is not None else Fraction(1)
    market = Market(state["market"] - pooled, state["units"] - taken, last)
    price = market.price if market.units > 0 else last
    row = holding_row(stored, config_of(draft.plan))
    draft.changes.member(order["buyer_id"])["points"] -= units
    if not archived:  # an archived one held nothing: it is left as it is (taken is 0)
        draft.changes.holdings[row["id"]] = {"id": row["id"], "units": row["units"], "active": row["active"],
                                             "cap_key": row["cap_key"]}
    pool = draft.changes.pool("points")
    pool["market"] -= pooled
    pool["set"].update(units=market.units, last_num=price.numerator, last_den=price.denominator)


def closed_splits(order: Row) -> list[tuple[EntrySource, str]]:
    """(source, pool) of the period-close splits that already paid out the order's pool shares:
    its own level walk (rules §7) and the month's dividend and shareholder splits (§6, §8)."""
    splits = []
    if order.get("level_closed"):
        splits.append((EntrySource.period_step(order["level_closed"], "level", order["id"]), "level"))
    if order.get("pools_closed"):
        splits.append((EntrySource.period_step(order["pools_closed"], "dividend"), "dividend"))
        splits.append((EntrySource.period_step(order["pools_closed"], "shareholder"), "shareholder"))
    return splits


def reverse_closed_splits(rn: Refnet, draft: RefundDraft) -> None:
    """The reversal of every closed period's split that paid out the order's pool shares: the
    cents the refund takes out of each pool, as far as the split still holds them. A dividend
    split paid only part of the pool out and carried the rest over (identities without
    holder): that part comes out of the carry-over."""
    last = draft.cents >= draft.left
    for source, pool in closed_splits(draft.order):
        pooled = -draft.pooled.get(pool, 0)
        split = read_split(rn, str(source))
        split_left = sum(e.amount + e.reversed for e in split)
        target = min(pooled, split_left)
        if pool == "dividend":
            state = rn.store.run("pool_state", {"name": "dividend"})[0]
            carried = sum(state["carry_amounts"])
            if not last and split_left + carried > 0:
                target = min(target, pooled * split_left // (split_left + carried))
            _take_carry(draft, state, pooled - target)
        closed = reverse_closed(split, target, draft.refund_id, draft.order["id"], source.period or "",
                                draft.reason)
        book_reversal(draft, closed)
        draft.changes.pool(pool)["balance"] += target  # the pay-out is undone: its money is the pool's again


def _take_carry(draft: RefundDraft, state: Row, uncovered: int) -> None:
    """Takes `uncovered` cents out of the dividend pool's carry-over: the part of a refunded
    order's dividend share that a closed month carried over (an identity without holder)
    instead of paying out. Spread over the identities' carries like a reversal."""
    if uncovered <= 0:
        return
    amounts = list(state["carry_amounts"])
    take = min(uncovered, sum(amounts))
    if take <= 0:
        return
    taken = reversal_cents(amounts, [0] * len(amounts), take)
    draft.changes.pool("dividend")["set"].update(carry_names=list(state["carry_names"]),
                                                 carry_amounts=[a + t for a, t in zip(amounts, taken)])


def lower_team_sales(rn: Refnet, draft: RefundDraft) -> None:
    """A refunded sale is no sale: the sponsor upline's all-time downline sales (the level
    thresholds of rules §7) fall by the refunded amount, as the order raised them."""
    if not draft.order["effects"]:
        return
    for up in rn.store.run("upline_sponsor", {"id": draft.order["buyer_id"], "max_depth": 100_000}):
        draft.changes.member(up["id"])["team_sales"] -= draft.cents
