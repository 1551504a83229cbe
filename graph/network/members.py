"""Members and the two trees: registration (with placement, rules §2) and the reads around it."""

from __future__ import annotations

import itertools
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.core.errors import BadInput, Conflict, Forbidden, NotFound
from graph.core.text import check_plain_text
from graph.network.placement import (
    ChainLink,
    FreePosition,
    Line,
    LineKind,
    SponsorView,
    choose_target,
    designation,
    propagate,
)
from graph.store.store import Conflicted, Row, record_from_row

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.members")

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}")
SLUG_PATTERN = re.compile(r"[a-z0-9-]{3,40}")
PARTNER, CUSTOMER = "PARTNER", "CUSTOMER"
KINDS = (PARTNER, CUSTOMER)
NAME_MAX = 200
DOWNLINE_MAX_DEPTH = 64
DOWNLINE_MAX_NODES = 10_000


@dataclass(frozen=True)
class MemberRecord:
    id: str
    name: str
    kind: str
    status: str
    seq: int
    r: int
    depth: int
    size: int
    referrals: int
    created_at: int
    sponsor_id: str | None
    parent_id: str | None
    slot: int | None
    landing_slug: str | None = None
    rank: str | None = None

    @classmethod
    def from_row(cls, row: Row) -> "MemberRecord":
        return record_from_row(cls, row)


@dataclass(frozen=True)
class LineRecord:
    slot: int
    kind: LineKind
    member_id: str
    size: int


@dataclass(frozen=True)
class TreeNodeRecord:
    member_id: str
    depth: int
    parent_id: str | None
    slot: int | None


def check_member_id(member_id: str, field: str = "id") -> str:
    if not isinstance(member_id, str) or not ID_PATTERN.fullmatch(member_id):
        raise BadInput(
            f"{field}: {member_id!r} is not a valid member id "
            "(1–64 letters, digits or _.:@-, starting with a letter or digit)"
        )
    return member_id


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise BadInput("name: must not be empty")
    if len(name) > NAME_MAX:
        raise BadInput(f"name: at most {NAME_MAX} characters")
    return check_plain_text(name, "name")


def check_landing_slug(slug: str, field: str = "landingSlug") -> str:
    """A landing page's slug (its sub-domain): 3–40 lowercase letters, digits and hyphens."""
    if not isinstance(slug, str) or not SLUG_PATTERN.fullmatch(slug):
        raise BadInput(f"{field}: {slug!r} is not a valid slug (3–40 lowercase letters, digits or hyphens)")
    return slug


@dataclass(frozen=True)
class SponsorOf:
    """A prospective sponsor as the registration rules see it: its kind and its own sponsor."""

    member_id: str
    kind: str
    sponsor_id: str | None
    sponsor_kind: str | None


def may_register_under(partner_id: str, sponsor: SponsorOf) -> bool:
    """Rules §9 way 2: a partner enters new members under itself or under one of its own
    customers (a customer it sponsors), never elsewhere in the structure."""
    if sponsor.member_id == partner_id:
        return sponsor.kind == PARTNER
    return sponsor.kind == CUSTOMER and sponsor.sponsor_id == partner_id and sponsor.sponsor_kind == PARTNER


def register(
    rn: Refnet,
    name: str,
    sponsor_id: str | None = None,
    member_id: str | None = None,
    kind: str = PARTNER,
    landing_slug: str | None = None,
    acting_partner_id: str | None = None,
) -> MemberRecord:
    """Registers a member and places it; raises BadInput, NotFound, Conflict or Forbidden and
    writes nothing then. `landing_slug` claims a landing page for the new member;
    `acting_partner_id` is the partner who enters it (rules §9 way 2), checked by
    `may_register_under`; without it the company enters it (way 1)."""
    if sponsor_id is not None:
        check_member_id(sponsor_id, "sponsorId")
    if acting_partner_id is not None:
        check_member_id(acting_partner_id, "actingPartnerId")
        if sponsor_id is None:
            raise Forbidden("actingPartnerId: a partner registers only under itself or its own customers")
    via = "company" if acting_partner_id is None else f"partner:{acting_partner_id}"
    return _register(rn, name, member_id, kind, landing_slug, via, lambda: (sponsor_id, None), acting_partner_id)


def sign_up(rn: Refnet, landing_slug: str, name: str, member_id: str | None = None) -> MemberRecord:
    """Rules §9 way 3 (self-service): whoever signs up on a member's landing page becomes a
    customer with that member as sponsor. Unknown slug → NotFound; nothing is written then."""
    check_landing_slug(landing_slug)

    def slug_owner() -> tuple[str, int]:
        row = rn.store.run("member_by_slug", {"slug": landing_slug})[0]
        if row["id"] is None:
            raise NotFound(f"landingSlug: no landing page {landing_slug!r}")
        return row["id"], row["version"]

    return _register(rn, name, member_id, CUSTOMER, None, f"landing:{landing_slug}", slug_owner, None)


def _register(
    rn: Refnet,
    name: str,
    member_id: str | None,
    kind: str,
    landing_slug: str | None,
    via: str,
    sponsor_of: Callable[[], tuple[str | None, int | None]],
    acting_partner_id: str | None,
) -> MemberRecord:
    name = check_name(name)
    member_id = check_member_id(member_id) if member_id is not None else uuid.uuid4().hex
    if kind not in KINDS:
        raise BadInput(f"kind: must be one of {', '.join(KINDS)}")
    if landing_slug is not None:
        check_landing_slug(landing_slug)

    def attempt() -> MemberRecord:
        sponsor_id, seen = sponsor_of()  # seen: the graph version the sponsor was looked up at
        view = rn.store.run(
            "placement_sponsor", {"id": sponsor_id or "", "new_id": member_id, "slug_key": landing_slug or ""}
        )[0]
        version = view["version"]
        if seen is not None and seen != version:
            raise Conflicted()  # e.g. the landing slug moved between our two reads; read again
        if view["taken"]:
            raise Conflict(f"id: a member with id {member_id!r} already exists")
        if view["slug_taken"]:
            raise Conflict(f"landingSlug: {landing_slug!r} is taken")
        now = rn.clock()
        params = {
            "version": version, "id": member_id, "name": name, "kind": kind, "seq": version + 1, "now": now,
            "landing_slug": landing_slug, "registered_via": via,
        }
        if sponsor_id is None:
            rows = rn.store.run("member_register_root", params)
            placed: dict[str, Any] = {"parent_id": None, "slot": None, "depth": 0}
        else:
            if view["id"] is None:
                raise NotFound(f"sponsorId: no member with id {sponsor_id!r}")
            if acting_partner_id is not None and not may_register_under(acting_partner_id, SponsorOf(
                view["id"], view["kind"], view["sponsor_id"], view["sponsor_kind"],
            )):
                raise Forbidden(
                    f"actingPartnerId: partner {acting_partner_id!r} may register only under itself "
                    f"or its own customers, not under {sponsor_id!r}"
                )
            placed = place(rn, _sponsor_view(view), member_id, version + 1)
            rows = rn.store.run("member_register", {**params, **placed, "sponsor_id": sponsor_id})
        if not rows:
            raise Conflicted()
        return MemberRecord(
            id=member_id, name=name, kind=kind, status="CUSTOMER", seq=version + 1, r=0,
            depth=placed["depth"], size=1, referrals=0, created_at=now, sponsor_id=sponsor_id,
            parent_id=placed["parent_id"], slot=placed["slot"], landing_slug=landing_slug,
        )

    member = rn.guard(attempt)
    log.info("registered member %s (sponsor %s, placed under %s slot %s, via %s)",
             member_id, member.sponsor_id, member.parent_id, member.slot, via)
    return member


def claim_landing_slug(rn: Refnet, member_id: str, landing_slug: str) -> MemberRecord:
    """Gives `member_id` the landing page `landing_slug` (its previous slug, if any, is freed).
    A slug held by another member is a Conflict; claiming one's own slug again changes nothing."""
    check_member_id(member_id)
    check_landing_slug(landing_slug)

    def attempt() -> None:
        row = rn.store.run("member_slug_claim_view", {"id": member_id, "slug": landing_slug})[0]
        if not row["exists"]:
            raise NotFound(f"id: no member with id {member_id!r}")
        if row["owner_id"] == member_id:
            return
        if row["owner_id"] is not None:
            raise Conflict(f"landingSlug: {landing_slug!r} is taken")
        if not rn.store.run("member_claim_slug", {"version": row["version"], "id": member_id, "slug": landing_slug}):
            raise Conflicted()

    rn.guard(attempt)
    log.info("member %s claimed landing slug %s", member_id, landing_slug)
    return require_member(rn, member_id)


def place(rn: Refnet, sponsor: SponsorView, member_id: str, seq: int) -> dict[str, Any]:
    """Where a new referral of `sponsor` goes (rules §2), and the first free positions that
    change on the way up: the placement parameters of `member_register`."""
    decision = choose_target(sponsor)
    chain = read_chain(rn, decision.target_id)
    parent = next(chain)
    if parent.children >= 3:
        raise Conflicted()  # another process filled it between our two reads; read again
    slot = parent.children + 1  # slots fill lowest first and never free up
    new = FreePosition(parent.depth + 1, seq, member_id)
    links = itertools.chain([parent], chain)
    changes = propagate(links, new, slot, lambda member: read_children(rn, member)) or [(parent.member_id, parent.free)]
    frees = [{"id": member, "free_id": free.member_id, "free_depth": free.depth, "free_seq": free.seq}
             for member, free in changes]
    return {"parent_id": parent.member_id, "slot": slot, "depth": parent.depth + 1, "frees": frees}


def _free(row: Row) -> FreePosition:
    return FreePosition(row["free_depth"], row["free_seq"], row["free_id"])


def _sponsor_view(row: Row) -> SponsorView:
    lines = tuple(sorted(
        (Line(line["slot"], line["id"], line["size"], _free(line)) for line in row["lines"]),
        key=lambda line: line.slot,
    ))
    return SponsorView(row["id"], row["referrals"], row["r"], row["depth"], row["seq"], lines)


CHAIN_CHUNK = 4  # links per read: the literal bound of cypher/network/placement_chain.cypher, plus one


def read_chain(rn: Refnet, member_id: str) -> Iterator[ChainLink]:
    """The placement path from `member_id` up to its root, nearest first, read a few links at a
    time: a placement's first free positions rarely change more than a level or two up."""
    start: str | None = member_id
    while start is not None:
        rows = rn.store.run("placement_chain", {"id": start})
        for row in rows:
            yield ChainLink(row["id"], row["depth"], row["seq"], row["own_slot"], row["children"], _free(row))
        start = rows[-1]["parent_id"] if len(rows) == CHAIN_CHUNK else None


def read_children(rn: Refnet, member_id: str) -> dict[int, FreePosition]:
    """Slot → first free position of each placement child of a member."""
    return {row["slot"]: _free(row) for row in rn.store.run("placement_children", {"id": member_id})}


def get_members(rn: Refnet, ids: list[str]) -> dict[str, MemberRecord]:
    rows = rn.store.run("members_by_ids", {"ids": list(ids)})
    return {row["id"]: MemberRecord.from_row(row) for row in rows}


def get_member(rn: Refnet, member_id: str) -> MemberRecord | None:
    return get_members(rn, [member_id]).get(member_id)


def require_member(rn: Refnet, member_id: str, field: str = "id") -> MemberRecord:
    member = get_member(rn, member_id)
    if member is None:
        raise NotFound(f"{field}: no member with id {member_id!r}")
    return member


def lines_of(rn: Refnet, ids: list[str]) -> dict[str, list[LineRecord]]:
    result: dict[str, list[LineRecord]] = {member_id: [] for member_id in ids}
    for row in rn.store.run("lines_by_ids", {"ids": list(ids)}):
        result[row["parent_id"]].append(
            LineRecord(row["slot"], designation(row["slot"], row["r"]), row["id"], row["size"])
        )
    return result


def referrals_of(rn: Refnet, ids: list[str]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {member_id: [] for member_id in ids}
    for row in rn.store.run("referrals_by_ids", {"ids": list(ids)}):
        result[row["sponsor_id"]].append(row["id"])
    return result


def _check_tree(tree: str) -> str:
    if tree not in ("SPONSOR", "PLACEMENT"):
        raise BadInput("tree: must be SPONSOR or PLACEMENT")
    return tree.lower()


def upline(rn: Refnet, member_id: str, tree: str, max_depth: int | None = None) -> list[TreeNodeRecord]:
    """Ancestors nearest first; a chain, so its cost is its length."""
    name = _check_tree(tree)
    if max_depth is not None and max_depth < 1:
        raise BadInput("maxDepth: must be at least 1")
    require_member(rn, member_id)
    rows = rn.store.run(f"upline_{name}", {"id": member_id, "max_depth": max_depth or 100_000})
    return [TreeNodeRecord(row["id"], row["depth"], row["parent_id"], row["slot"]) for row in rows]


def downline(rn: Refnet, member_id: str, tree: str, max_depth: int | None = None) -> list[TreeNodeRecord]:
    """Descendants breadth-first, one query per level; bounded in depth and in nodes."""
    name = _check_tree(tree)
    depth_limit = DOWNLINE_MAX_DEPTH if max_depth is None else max_depth
    if not 1 <= depth_limit <= DOWNLINE_MAX_DEPTH:
        raise BadInput(f"maxDepth: must be between 1 and {DOWNLINE_MAX_DEPTH}")
    require_member(rn, member_id)
    nodes: list[TreeNodeRecord] = []
    level = [member_id]
    for depth in range(1, depth_limit + 1):
        rows = rn.store.run(f"children_{name}", {"ids": level})
        if not rows:
            break
        order = {parent: index for index, parent in enumerate(level)}
        rows.sort(key=lambda row: (order[row["parent_id"]], row.get("slot") or 0, row.get("seq") or 0))
        if len(nodes) + len(rows) > DOWNLINE_MAX_NODES:
            raise BadInput(
                f"downline: more than {DOWNLINE_MAX_NODES} members within depth {depth}; "
                "ask with a smaller maxDepth or from a member lower in the tree"
            )
        nodes.extend(TreeNodeRecord(row["id"], depth, row["parent_id"], row.get("slot")) for row in rows)
        level = [row["id"] for row in rows]
    return nodes
