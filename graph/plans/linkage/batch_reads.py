"""How the linkage modules' order reads look to a later order of the same batch
(`graph.ledger.order_batch`): each overlay lays the batch's pending changes over the rows the
graph returned when the batch started. The trees themselves never move with orders; counters,
statuses, identities, the fund, the points pool and holdings do."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.ledger.order_batch import Overlay, PendingOrders
from graph.store.store import Row


def see_point_path(rows: list[Row], params: Mapping[str, Any], pending: PendingOrders) -> list[Row]:
    for row in rows:
        row["holder"] = pending.moved(row["holder"])
        row["sponsor"] = pending.moved(row["sponsor"])
    return rows


def points_market(rows: list[Row], params: Mapping[str, Any], pending: PendingOrders) -> list[Row]:
    pool = pending.pools.get("points")
    if pool is None:
        return rows
    row = rows[0]
    row["balance"] += pool["balance"]
    row["market"] += pool["market"]
    for key, name in (("units", "units"), ("last_num", "last_num"), ("last_den", "last_den"), ("seq", "holdings")):
        if name in pool["set"]:
            row[key] = pool["set"][name]
    return rows


HOLDING_FIELDS = ("id", "member_id", "order_id", "amount", "units", "sold", "seq", "active")


def holdings_capped(rows: list[Row], params: Mapping[str, Any], pending: PendingOrders) -> list[Row]:
    """The active holdings with cap_key <= key as the batch left them: a holding the batch
    changed is read as it will be written (sold out, or issued by an order of the batch)."""
    key = params["key"]
    kept = [row for row in rows if row["id"] not in pending.holdings]
    changed = [{name: held[name] for name in HOLDING_FIELDS} for held in pending.holdings.values()
               if held["cap_key"] is not None and held["cap_key"] <= key]
    return kept + changed


def placement_path_teams(rows: list[Row], params: Mapping[str, Any], pending: PendingOrders) -> list[Row]:
    moved = []
    for row in rows:
        row = pending.moved(row, counters={"team_orders": "team_orders"}, fields={"status": "status"})
        moved.append(pending.moved(row, id_key="sponsor_id", counters={"sponsor_frozen": "frozen"},
                                   fields={"sponsor_released": "fund_released"}))
    return moved


def first_lines(rows: list[Row], params: Mapping[str, Any], pending: PendingOrders) -> list[Row]:
    return [pending.moved(row, counters={"team_orders": "team_orders"}, fields={"status": "status"}) for row in rows]


ALLOCATION_READS: dict[str, Overlay | None] = {"order_see_point_path": see_point_path}
EFFECTS_READS: dict[str, Overlay | None] = {
    "points_market": points_market,
    "holdings_capped": holdings_capped,
    "placement_path_teams": placement_path_teams,
    "upline_sponsor": None,  # the sponsor tree does not move with orders
    "first_lines": first_lines,
}
