"""How the linkage modules' order reads look to a later order of the same batch
(`graph.ledger.order_batch`): each overlay lays the batch's pending changes over the rows the
graph returned when the batch started. The trees themselves never move with orders; counters,
statuses, identities, the fund, the points pool and holdings do.

Before a batch is computed, the placement paths of all its buyers are read as ids, each member
on them once (`prefetch_paths`), and their sponsor uplines in one statement (`prefetch_uplines`); the capped holdings are read a little ahead of
the price (`CappedHoldings`), so the batch computes with no round trip per order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.ledger.order_batch import BatchStore, OrderRead, Overlay, PendingOrders
from graph.store.store import Row
from graph.working_set import FOLDS, Unfoldable, WorkingSet

UPLINE_ALL = {"max_depth": 100_000}  # the parameters order_effects reads the sponsor upline with


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


HOLDING_FIELDS = ("id", "member_id", "order_id", "amount", "units", "sold", "seq", "active", "cap_key")


def holdings_capped(rows: list[Row], params: Mapping[str, Any], pending: PendingOrders) -> list[Row]:
    """The active holdings with cap_key <= key as the batch left them: a holding the batch
    changed is read as it will be written (sold out, or issued by an order of the batch)."""
    key = params["key"]
    kept = [row for row in rows if row["id"] not in pending.holdings]
    changed = [{name: held[name] for name in HOLDING_FIELDS} for held in pending.capped_holdings(key)]
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


class CappedHoldings(OrderRead):
    """`holdings_capped` for a batch: prices only rise while orders are booked, so the holdings
    are read up to a key 5 % ahead of the one asked and each later ask within it is filtered
    in memory."""

    def read(self, view: BatchStore, name: str, params: Mapping[str, Any]) -> list[Row]:
        key = params["key"]
        ahead = view.memo.get(name)
        if ahead is None or key > ahead:
            ahead = view.memo[name] = key + max(key // 20, 1)
        rows = [dict(row) for row in view.read(name, {"key": ahead}) if row["cap_key"] <= key]
        return holdings_capped(rows, params, view.pending) if view.pending else rows


def _seed_by_buyer(view: BatchStore, name: str, rows: list[Row], buyers: list[str],
                   params: Mapping[str, Any]) -> None:
    grouped: dict[str, list[Row]] = {buyer: [] for buyer in buyers}
    for row in rows:
        grouped[row.pop("buyer")].append(row)
    for buyer, found in grouped.items():
        view.seed(name, {"id": buyer, **params}, found)


def prefetch_paths(view: BatchStore, buyers: list[str]) -> None:
    """`order_see_point_path` and `placement_path_teams` of every buyer from two statements:
    the paths as ids, then each member on them once (paths share their upper part)."""
    paths: dict[str, list[Row]] = {buyer: [] for buyer in buyers}
    for row in view.store.run("placement_paths_ids", {"ids": buyers}):
        paths[row["buyer"]].append(row)  # root first
    wanted = sorted({row["id"] for path in paths.values() for row in path})
    state = {row["id"]: row for row in view.store.run("path_members_state", {"ids": wanted})} if wanted else {}
    for buyer, path in paths.items():
        see_point = []
        for upper, lower in zip(path, path[1:], strict=False):  # each ancestor, reached from `lower`
            member = state[upper["id"]]
            see_point.append({"depth": upper["depth"], "from_slot": lower["own_slot"], "via": lower["id"],
                              "r": member["r"], "holder": member["holder"], "sponsor": member["sponsor"]})
        view.seed("order_see_point_path", {"id": buyer}, see_point[::-1])  # nearest first, as the query
        bottom = path[-1]["depth"] if path else 0
        view.seed("placement_path_teams", {"id": buyer}, [
            {"id": row["id"], "depth": bottom - row["depth"], "team_orders": state[row["id"]]["team_orders"],
             "status": state[row["id"]]["status"], "sponsor_id": (state[row["id"]]["sponsor"] or {}).get("id"),
             "sponsor_frozen": state[row["id"]]["sponsor_frozen"],
             "sponsor_released": state[row["id"]]["sponsor_released"]}
            for row in reversed(path)])


def prefetch_uplines(view: BatchStore, buyers: list[str]) -> None:
    _seed_by_buyer(view, "upline_sponsor", view.store.run("sponsor_uplines_of", {"ids": buyers}), buyers,
                   UPLINE_ALL)


ALLOCATION_READS: dict[str, Overlay | OrderRead | None] = {"order_see_point_path": see_point_path}
EFFECTS_READS: dict[str, Overlay | OrderRead | None] = {
    "points_market": points_market,
    "holdings_capped": CappedHoldings(),
    "placement_path_teams": placement_path_teams,
    "upline_sponsor": None,  # the sponsor tree does not move with orders
    "first_lines": first_lines,
}


# The same reads answered from the engine's working set (graph.working_set), at its version.

def _see_point_path(ws: WorkingSet, params: Mapping[str, Any]) -> list[Row]:
    rows = []
    chain = ws.chain(params["id"])
    lower = next(chain, None)
    for upper in chain:
        assert lower is not None
        sponsor = ws.sponsor_of(upper)
        rows.append({"depth": upper.depth, "from_slot": lower.own_slot, "via": lower.id, "r": ws.r(upper),
                     "holder": upper.holder(), "sponsor": sponsor.holder() if sponsor is not None else None})
        lower = upper
    return rows


def _path_teams(ws: WorkingSet, params: Mapping[str, Any]) -> list[Row]:
    chain = list(ws.chain(params["id"]))
    rows = []
    for member in chain:
        sponsor = ws.sponsor_of(member)
        rows.append({"id": member.id, "depth": chain[0].depth - member.depth, "team_orders": member.team_orders,
                     "status": member.status, "sponsor_id": sponsor.id if sponsor is not None else None,
                     "sponsor_frozen": sponsor.frozen if sponsor is not None else 0,
                     "sponsor_released": bool(sponsor.fund_released) if sponsor is not None else False})
    return rows


def _upline_sponsor(ws: WorkingSet, params: Mapping[str, Any]) -> list[Row]:
    buyer = ws.members.get(params["id"])
    if buyer is None:
        return []
    return [{"id": upper.id, "depth": buyer.sponsor_depth - upper.sponsor_depth, "parent_id": upper.sponsor_id,
             "slot": None}
            for upper in ws.sponsors(buyer.id) if buyer.sponsor_depth - upper.sponsor_depth <= params["max_depth"]]


def _first_lines(ws: WorkingSet, params: Mapping[str, Any]) -> list[Row]:
    rows = []
    for sponsor_id in params["ids"]:
        sponsor = ws.members.get(sponsor_id)
        for line_id in (sponsor.sponsored or []) if sponsor is not None else []:
            line = ws.members[line_id]
            rows.append({"sponsor_id": sponsor_id, "id": line.id, "seq": line.seq, "status": line.status,
                         "team_orders": line.team_orders})
    return rows


def _points_market(ws: WorkingSet, params: Mapping[str, Any]) -> list[Row] | None:
    return None if ws.market is None else [{**ws.market, "version": ws.version}]


def _holdings_capped(ws: WorkingSet, params: Mapping[str, Any]) -> list[Row]:
    return ws.holdings.capped(params["key"])


def fold_points(ws: WorkingSet, pending: PendingOrders) -> None:
    """The points market and active holdings after an order batch, by the batch's own overlays."""
    if ws.market is not None and "points" in pending.pools:
        ws.market = points_market([dict(ws.market)], {}, pending)[0]
    for row in pending.holdings.values():  # stored as `SET h += row` stores them: a refund's rows are partial
        merged = {**ws.holdings.get(row["id"], {}), **{name: row[name] for name in HOLDING_FIELDS if name in row}}
        if merged.get("cap_key") is None:
            ws.holdings.pop(row["id"], None)
        elif all(name in merged for name in HOLDING_FIELDS):
            ws.holdings[row["id"]] = merged
        else:
            raise Unfoldable(f"holding {row['id']}: active again, its other fields not at hand")


WORKING_READS: dict[str, Any] = {
    "order_see_point_path": _see_point_path,
    "placement_path_teams": _path_teams,
    "upline_sponsor": _upline_sponsor,
    "first_lines": _first_lines,
    "points_market": _points_market,
    "holdings_capped": _holdings_capped,
}
FOLDS.append(fold_points)
