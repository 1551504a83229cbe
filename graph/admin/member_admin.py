"""Member administration (issue 16): listing and searching members, correcting a name, and an
admin's move of a member in the sponsor or the placement tree, with its audit record.

A move changes the structure from now on; booked entries stay as they were (they explain
what was paid under the structure of their time). Every counter the rules keep is corrected
in the move's one guarded statement:
- sponsor move: `referrals` and `agent_referrals` of the old and new sponsor (and their
  statuses, rules §3; an identity is never lowered), `team_sales` along both sponsor paths
  (the member's downline sales plus its own), `sponsor_depth` of its whole sponsor downline;
- placement move (with its whole placement subtree): `size` and `team_orders` along both
  placement paths, `children` of both parents, `depth` of the subtree, and the first free
  positions of both paths (`graph.network.placement`), so the next registration places by rules §2.

Refused with a clear message: a cycle (a member under its own downline), a full parent, a slot
other than the parent's next free one or a move that leaves a gap (refnet fills slots lowest
first), moving a root, and any move while a period close is running (the close reads a month
that must not change under it).
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.core.errors import BadInput, Conflict, NotFound
from graph.core.periods import iso_utc, period_of
from graph.core.plugin import Standing, keeps_team_counters, plugins, standing_of
from graph.ledger.history import History, consistent
from graph.ledger.orders import archived_own_sales
from graph.ledger.period_close import closed_periods
from graph.network.members import KINDS, MemberRecord, check_member_id, check_name, require_member
from graph.store.store import Conflicted, Row, record_from_row

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.member_admin")

PAGE_MAX = 500
STATUSES = ("CUSTOMER", "AGENT", "BOSS")
REASON_MAX = 500
Free = tuple[int, int, str]


@dataclass(frozen=True)
class MemberPage:
    members: list[MemberRecord]
    cursors: list[str]
    has_next: bool


def _cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"seq:{seq}".encode()).decode().rstrip("=")


def _after(cursor: str | None) -> int:
    if not cursor:
        return -1
    try:
        text = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        if not text.startswith("seq:"):
            raise ValueError
        return int(text[4:])
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise BadInput(f"after: {cursor!r} is not a cursor of this list (use an edge's cursor)") from None


def list_members(rn: Refnet, first: int = 50, after: str | None = None, search: str | None = None,
                 kind: str | None = None, status: str | None = None) -> MemberPage:
    """Members in registration order, filtered: `search` matches id or name (case-insensitive)."""
    if not 1 <= first <= PAGE_MAX:
        raise BadInput(f"first: must be between 1 and {PAGE_MAX}")
    if kind is not None and kind not in KINDS:
        raise BadInput(f"kind: must be one of {', '.join(KINDS)}")
    if status is not None and status not in STATUSES:
        raise BadInput(f"status: must be one of {', '.join(STATUSES)}")
    text = (search or "").strip().lower()
    if len(text) > 200:
        raise BadInput("search: at most 200 characters")
    rows = rn.store.run("member_admin_list", {"after": _after(after), "search": text, "kind": kind or "",
                                              "status": status or "", "limit": first + 1})
    records = [MemberRecord.from_row(row) for row in rows[:first]]
    return MemberPage(records, [_cursor(record.seq) for record in records], len(rows) > first)


def update_member(rn: Refnet, member_id: str, name: str | None = None) -> MemberRecord:
    """Corrects what carries no money: the name."""
    check_member_id(member_id)
    require_member(rn, member_id)
    if name is not None:
        rn.store.run("member_admin_rename", {"id": member_id, "name": check_name(name)})
        log.info("member %s renamed", member_id)
    return require_member(rn, member_id)


@dataclass(frozen=True)
class TreeMoveRecord:
    id: str
    member_id: str
    tree: str  # SPONSOR / PLACEMENT
    from_id: str | None
    to_id: str
    from_slot: int | None
    to_slot: int | None
    reason: str
    by: str
    at: int  # when the admin made the move
    effective_at: int  # when it takes effect: `at` unless the admin dated it back into an open period

    @classmethod
    def from_row(cls, row: Row) -> "TreeMoveRecord":
        return record_from_row(cls, row)


def moves_of(rn: Refnet, member_id: str | None = None) -> list[TreeMoveRecord]:
    rows = rn.store.run("member_admin_moves", {"id": member_id or ""})
    return [TreeMoveRecord.from_row(row) for row in rows]


def move_member(rn: Refnet, member_id: str, new_sponsor_id: str | None = None,
                new_placement_parent_id: str | None = None, slot: int | None = None, reason: str = "",
                by: str = "admin", effective_at: int | None = None) -> TreeMoveRecord:
    """Moves a member to a new sponsor, or (with its placement subtree) to a new placement
    parent; exactly one of the two. `effective_at` (epoch ms, default now) may date the move
    back, but only within periods still open: a closed period's results never change.
    Raises before any write."""
    check_member_id(member_id)
    if (new_sponsor_id is None) == (new_placement_parent_id is None):
        raise BadInput("moveMember: give exactly one of newSponsorId and newPlacementParentId")
    if new_sponsor_id is not None and slot is not None:
        raise BadInput("slot: only for a placement move")
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise BadInput(f"reason: say why, in 1–{REASON_MAX} characters")
    target = check_member_id(new_sponsor_id or new_placement_parent_id or "",
                             "newSponsorId" if new_sponsor_id is not None else "newPlacementParentId")

    def attempt() -> TreeMoveRecord:
        def read(h: History) -> Row:
            found = rn.store.run("member_admin_move_context", {"id": member_id, "to": target,
                                                               "archived": h.removing})[0]
            found["own_sales"] = [*found["own_sales"], *archived_own_sales(rn, h, member_id)]
            return found

        context = consistent(rn, read)
        if context["member"] is None:
            raise NotFound(f"id: no member with id {member_id!r}")
        if context["target"] is None:
            field = "newSponsorId" if new_sponsor_id is not None else "newPlacementParentId"
            raise NotFound(f"{field}: no member with id {target!r}")
        if context["running_closes"]:
            raise Conflict("moveMember: a period close is running; move the member after it has finished")
        at = rn.clock()
        when = _effective(rn, effective_at, at)
        if new_sponsor_id is not None:
            return _sponsor_move(rn, context, reason, by, at, when)
        return _placement_move(rn, context, slot, reason, by, at, when)

    record = rn.guard(attempt)
    log.info("member %s moved in the %s tree from %s to %s: %s", member_id, record.tree.lower(), record.from_id,
             record.to_id, reason)
    return record


def _effective(rn: Refnet, effective_at: int | None, now: int) -> int:
    """When a move takes effect: now, or a moment of a period no close has started on (of every
    kind the running plan closes). Open periods' results are computed when they close, from the
    trees as they stand then, so a move dated back counts for the whole of its open period."""
    if effective_at is None:
        return now
    if effective_at > now:
        raise BadInput(f"effectiveAt: {iso_utc(effective_at)} is in the future; make the move when it happens")
    closed = closed_periods(rn)
    for kind in sorted({kind for module in plugins(rn) if (kind := module.period_kind(rn)) is not None}):
        period = period_of(effective_at, kind)
        if period in closed:
            raise Conflict(f"effectiveAt: {iso_utc(effective_at)} falls in period {period}, which is closed "
                           "(its results never change); date the move in an open period")
    return effective_at


def _sponsor_move(rn: Refnet, context: Row, reason: str, by: str, at: int, effective_at: int) -> TreeMoveRecord:
    member, target = context["member"], context["target"]
    if member["sponsor_id"] is None:
        raise BadInput(f"id: {member['id']!r} is a root (no sponsor); a root is not moved")
    if target["id"] == member["id"] or rn.store.run("member_admin_sponsor_cycle",
                                                    {"id": member["id"], "to": target["id"]})[0]["cycle"]:
        raise Conflict(f"newSponsorId: {target['id']!r} is {member['id']!r} or in its sponsor downline; "
                       "the move would make a cycle")
    if target["id"] == member["sponsor_id"]:
        raise Conflict(f"newSponsorId: {target['id']!r} already is the sponsor of {member['id']!r}")
    plan = rn.plan
    rows: dict[str, Row] = {}

    def row(member_id: str) -> Row:
        return rows.setdefault(member_id, {"id": member_id, "referrals": 0, "agent_referrals": 0, "team_sales": 0,
                                           "status": None, "identity": None})

    row(member["sponsor_id"])["referrals"] -= 1
    row(target["id"])["referrals"] += 1
    agent = member["packages"] > 0
    if agent:
        row(member["sponsor_id"])["agent_referrals"] -= 1
        row(target["id"])["agent_referrals"] += 1
    if keeps_team_counters(plan):
        carried = member["team_sales"] + sum(context["own_sales"])
        for up in [member["sponsor_id"], *[u["id"] for u in rn.store.run(
                "upline_sponsor", {"id": member["sponsor_id"], "max_depth": 100_000})]]:
            row(up)["team_sales"] -= carried
        for up in [target["id"], *[u["id"] for u in rn.store.run(
                "upline_sponsor", {"id": target["id"], "max_depth": 100_000})]]:
            row(up)["team_sales"] += carried
    if agent:
        for holder in (context["old_sponsor"], target):
            delta = rows[holder["id"]]
            derived = standing_of(plan, Standing(holder["packages"], holder["agent_referrals"] + delta["agent_referrals"],
                                                 holder["status"], holder["identity"]))
            if holder["packages"] > 0 and derived.status != holder["status"]:
                delta["status"] = derived.status
            if derived.identity != holder["identity"]:
                delta["identity"] = derived.identity
    move = {"id": f"move:{context['version'] + 1}", "member_id": member["id"], "tree": "SPONSOR",
            "from_id": member["sponsor_id"], "to_id": target["id"], "from_slot": None, "to_slot": None,
            "reason": reason, "by": by, "at": at, "effective_at": effective_at}
    written = rn.store.run("member_admin_move_sponsor", {
        "version": context["version"], "id": member["id"], "to": target["id"],
        "shift": target["sponsor_depth"] + 1 - member["sponsor_depth"],
        "rows": [r for r in rows.values() if any(r[k] for k in r if k != "id")] or [row(target["id"])],
        "move": move,
    })
    if not written:
        raise Conflicted()
    return TreeMoveRecord(**move)


def _placement_move(rn: Refnet, context: Row, slot: int | None, reason: str, by: str, at: int,
                    effective_at: int) -> TreeMoveRecord:
    member, target = context["member"], context["target"]
    if member["parent_id"] is None:
        raise BadInput(f"id: {member['id']!r} is a root (no placement parent); a root is not moved")
    if target["id"] == member["id"] or rn.store.run("member_admin_placement_cycle",
                                                    {"id": member["id"], "to": target["id"]})[0]["cycle"]:
        raise Conflict(f"newPlacementParentId: {target['id']!r} is {member['id']!r} or in its placement subtree; "
                       "the move would make a cycle")
    if target["id"] == member["parent_id"]:
        raise Conflict(f"newPlacementParentId: {target['id']!r} already is the placement parent of {member['id']!r}")
    if target["children"] >= 3:
        raise Conflict(f"newPlacementParentId: {target['id']!r} has three children; no slot is free")
    free_slot = target["children"] + 1
    if slot is not None and slot != free_slot:
        raise Conflict(f"slot: {slot} of {target['id']!r} is not its next free slot ({free_slot}); "
                       "refnet fills slots lowest first")
    if member["slot"] != context["old_parent"]["children"]:
        raise Conflict(f"id: {member['id']!r} sits in slot {member['slot']} of {member['parent_id']!r}, which has a "
                       f"child in a later slot; moving it would leave a gap (refnet fills slots lowest first): "
                       "move the later slots first")
    shift = target["depth"] + 1 - member["depth"]
    paths = {row["id"]: row for row in rn.store.run("member_admin_placement_paths",
                                                    {"ids": [member["parent_id"], target["id"]]})}
    children = {node_id: {c["slot"]: c["id"] for c in node["children"]} for node_id, node in paths.items()}
    frees: dict[str, Free] = {}
    for node in paths.values():
        for child in node["children"]:
            frees[child["id"]] = (child["free_depth"], child["free_seq"], child["free_id"])
    frees[member["id"]] = (member["free_depth"] + shift, member["free_seq"], member["free_id"])
    del children[member["parent_id"]][member["slot"]]
    children[target["id"]][free_slot] = member["id"]
    rows: dict[str, Row] = {}
    old_path = _path(paths, member["parent_id"])
    new_path = _path(paths, target["id"])
    for node_id in old_path:
        rows.setdefault(node_id, {"id": node_id, "size": 0, "children": 0, "team_orders": 0})
        rows[node_id]["size"] -= member["size"]
        rows[node_id]["team_orders"] -= member["team_orders"]
    for node_id in new_path:
        rows.setdefault(node_id, {"id": node_id, "size": 0, "children": 0, "team_orders": 0})
        rows[node_id]["size"] += member["size"]
        rows[node_id]["team_orders"] += member["team_orders"]
    rows[member["parent_id"]]["children"] -= 1
    rows[target["id"]]["children"] += 1
    for node_id in sorted(rows, key=lambda n: -paths[n]["depth"]):  # children before parents
        node = paths[node_id]
        kids = children[node_id]
        new = (node["depth"], node["seq"], node_id) if len(kids) < 3 else min(frees[c] for c in kids.values())
        frees[node_id] = new
        rows[node_id].update(free_depth=new[0], free_seq=new[1], free_id=new[2])
    move = {"id": f"move:{context['version'] + 1}", "member_id": member["id"], "tree": "PLACEMENT",
            "from_id": member["parent_id"], "to_id": target["id"], "from_slot": member["slot"], "to_slot": free_slot,
            "reason": reason, "by": by, "at": at, "effective_at": effective_at}
    written = rn.store.run("member_admin_move_placement", {
        "version": context["version"], "id": member["id"], "to": target["id"], "slot": free_slot, "shift": shift,
        "rows": list(rows.values()), "move": move,
    })
    if not written:
        raise Conflicted()
    return TreeMoveRecord(**move)


def _path(paths: dict[str, Row], start: str) -> list[str]:
    """`start` and its placement ancestors (ids), from the rows of member_admin_placement_paths."""
    result = []
    current: str | None = start
    while current is not None:
        result.append(current)
        current = paths[current]["parent_id"]
    return result
