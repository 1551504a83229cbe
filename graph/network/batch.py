"""Registering many members at once (issue 18): the placement rule of `graph.network.placement`
runs in Python over the whole batch, on a copy of the placement state read once (each member the
batch touches is read at most once, with its path to the root), and the batch is booked as one
guarded statement. A bad item fails alone with its coded error; the others are booked exactly
as if they had been registered one by one in input order (same placements, counters, seqs)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.core.errors import BadInput, Conflict, DomainError, Forbidden, NotFound
from graph.network.members import (
    KINDS,
    MemberRecord,
    SponsorOf,
    check_landing_slug,
    check_member_id,
    check_name,
    may_register_under,
)
from graph.network.placement import ChainLink, FreePosition, Line, SponsorView, choose_target, propagate
from graph.store.store import Conflicted, Row
from graph.working_set import WorkingSet, loading, warm

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


MAX_BATCH = 1_000  # inputs per call; the command line splits a file into batches of this size


@dataclass(frozen=True)
class RegisterItem:
    """One registration of a batch, as `graph.network.members.register` takes it."""

    name: str
    member_id: str | None = None
    sponsor_id: str | None = None
    kind: str = "PARTNER"
    landing_slug: str | None = None
    acting_partner_id: str | None = None


@dataclass(frozen=True)
class RegisterOutcome:
    """The member booked for one item, or the coded error that item alone failed with."""

    member: MemberRecord | None = None
    error: DomainError | None = None


@dataclass
class _Node:
    """A member's placement state as the batch sees it: read from the graph, then moved by the
    batch's own placements."""

    id: str
    kind: str
    depth: int
    sponsor_depth: int
    seq: int
    referrals: int
    r: int
    full_at: int | None
    children: int
    size: int
    free: FreePosition
    parent_id: str | None
    own_slot: int | None
    sponsor_id: str | None
    kids: dict[int, str] = field(default_factory=dict)
    stored_kids: dict[str, tuple[int, FreePosition]] = field(default_factory=dict)  # size, free as read

    @classmethod
    def from_row(cls, row: Row) -> "_Node":
        return cls(row["id"], row["kind"], row["depth"], row["sponsor_depth"] or 0, row["seq"], row["referrals"] or 0,
                   row["r"], row["full_at"], row["children"] or 0, row["size"] or 1,
                   FreePosition(row["free_depth"], row["free_seq"], row["free_id"]),
                   row["parent_id"], row["own_slot"], row["sponsor_id"],
                   {kid["slot"]: kid["id"] for kid in row["kids"] if kid is not None},
                   {kid["id"]: (kid["size"] or 1, FreePosition(kid["free_depth"], kid["free_seq"], kid["free_id"]))
                    for kid in row["kids"] if kid is not None})


def _node_of(ws: WorkingSet, m: Any) -> _Node:
    """`_Node.from_row` of the working set's member `m` (what `batch_members_read` returns)."""
    kids: list[tuple[int, Any]] = [(slot, ws.members[kid_id]) for slot, kid_id in (m.kids or {}).items()]
    return _Node(m.id, m.kind, m.depth, m.sponsor_depth, m.seq, m.referrals, ws.r(m), m.full_at, m.children, m.size,
                 FreePosition(m.free_depth, m.free_seq, m.free_id), m.parent_id, m.own_slot, m.sponsor_id,
                 {slot: kid.id for slot, kid in kids},
                 {kid.id: (kid.size, FreePosition(kid.free_depth, kid.free_seq, kid.free_id)) for _, kid in kids})


class _Placements:
    """The placement state of the members a batch touches, read lazily and at most once."""

    def __init__(self, rn: Refnet, runs: int, version: int, ws: WorkingSet | None = None) -> None:
        self.rn = rn
        self.ws = ws  # read from instead of the graph (at `version`)
        self.runs = runs
        self.version = version  # every read must see the graph at this version
        self.nodes: dict[str, _Node] = {}
        self.changed: set[str] = set()
        self.newly_full = 0

    def load(self, ids: list[str]) -> list[_Node]:
        """Reads the members of `ids` not read yet; returns those read."""
        missing = sorted({member_id for member_id in ids if member_id not in self.nodes})
        if not missing:
            return []
        if self.ws is not None:
            read = [_node_of(self.ws, self.ws.members[i]) for i in missing if i in self.ws.members]
        else:
            rows = self.rn.store.run("batch_members_read", {"ids": missing})
            if any(row["version"] != self.version for row in rows):
                raise Conflicted()  # another process wrote since the batch began: what was read may not fit together
            read = [_Node.from_row(row) for row in rows]
        for node in read:
            self.nodes[node.id] = node
        return read

    def load_paths(self, ids: list[str]) -> None:
        """Reads `ids` and their placement ancestors: the paths' ids in one statement, then the
        members not read yet in another (paths share their upper part)."""
        missing = sorted({member_id for member_id in ids if member_id not in self.nodes})
        if missing and self.ws is not None:
            self.load(self.ws.path_ids(missing))
        elif missing:
            self.load([row["id"] for row in self.rn.store.run("batch_paths_ids", {"ids": missing})])

    def prefetch(self, sponsors: list[str]) -> None:
        """Reads what the batch will most likely need: the sponsors with their paths and lines,
        and the paths of where their next referral would go as the graph stands.
        What the batch's own placements change is read when needed."""
        self.load_paths(sponsors)
        targets = {choose_target(self.sponsor_view(self.nodes[sponsor])).target_id
                   for sponsor in sponsors if sponsor in self.nodes}
        self.load_paths(sorted(targets))

    def node(self, member_id: str) -> _Node | None:
        self.load([member_id])
        return self.nodes.get(member_id)

    def chain(self, member_id: str) -> Iterator[_Node]:
        """The placement path from `member_id` up to its root, nearest first."""
        current: str | None = member_id
        while current is not None:
            if current not in self.nodes:
                self.load([current])  # its ancestors are most likely read already
            node = self.nodes[current]
            yield node
            current = node.parent_id

    def kid(self, parent: _Node, kid_id: str) -> tuple[int, FreePosition]:
        """A child's size and first free position: the batch's own when the batch touched it,
        else as read with its parent (nothing else changes it)."""
        node = self.nodes.get(kid_id)
        return (node.size, node.free) if node is not None else parent.stored_kids[kid_id]

    def free_of_children(self, member_id: str) -> dict[int, FreePosition]:
        node = self.nodes[member_id]
        return {slot: self.kid(node, kid)[1] for slot, kid in node.kids.items()}

    def sponsor_view(self, sponsor: _Node) -> SponsorView:
        lines = tuple(Line(slot, kid, *self.kid(sponsor, kid)) for slot, kid in sorted(sponsor.kids.items()))
        return SponsorView(sponsor.id, sponsor.referrals, sponsor.r, sponsor.depth, sponsor.seq, lines)

    def place(self, member_id: str, kind: str, sponsor: _Node | None, seq: int) -> _Node:
        """Places a new member as `graph.network.members.register` would, here in memory."""
        if sponsor is None:
            node = _Node(member_id, kind, 0, 0, seq, 0, 0, None, 0, 1, FreePosition(0, seq, member_id), None, None, None)
            self.nodes[member_id] = node
            return node
        decision = choose_target(self.sponsor_view(sponsor))
        chain = list(self.chain(decision.target_id))
        parent = chain[0]
        if parent.children >= 3:
            raise RuntimeError(f"batch placement: {parent.id} is full")  # the stored free positions are wrong
        slot = parent.children + 1
        new_free = FreePosition(parent.depth + 1, seq, member_id)
        links = [ChainLink(n.id, n.depth, n.seq, n.own_slot, n.children, n.free) for n in chain]
        changes = propagate(links, new_free, slot, self.free_of_children)
        node = _Node(member_id, kind, parent.depth + 1, sponsor.sponsor_depth + 1, seq, 0, 0, None, 0, 1, new_free,
                     parent.id, slot, sponsor.id)
        self.nodes[member_id] = node
        sponsor.referrals += 1
        parent.children += 1
        parent.kids[slot] = member_id
        if parent.children == 3:
            parent.full_at, parent.r = self.runs, 0
            self.newly_full += 1
        for ancestor in chain:
            ancestor.size += 1
        for changed_id, free in changes:
            self.nodes[changed_id].free = free
        self.changed.update([sponsor.id, *(n.id for n in chain), *(changed_id for changed_id, _ in changes)])
        return node

    def changed_rows(self) -> list[dict[str, Any]]:
        return [{"id": n.id, "referrals": n.referrals, "children": n.children, "size": n.size,
                 "free_id": n.free.member_id, "free_depth": n.free.depth, "free_seq": n.free.seq, "full_at": n.full_at}
                for n in (self.nodes[member_id] for member_id in sorted(self.changed))]


def _checked(item: RegisterItem) -> RegisterItem:
    """The item with a member id, or the BadInput/Forbidden of `register`'s own checks, in its order."""
    if item.sponsor_id is not None:
        check_member_id(item.sponsor_id, "sponsorId")
    if item.acting_partner_id is not None:
        check_member_id(item.acting_partner_id, "actingPartnerId")
        if item.sponsor_id is None:
            raise Forbidden("actingPartnerId: a partner registers only under itself or its own customers")
    name = check_name(item.name)
    member_id = check_member_id(item.member_id) if item.member_id is not None else uuid.uuid4().hex
    if item.kind not in KINDS:
        raise BadInput(f"kind: must be one of {', '.join(KINDS)}")
    if item.landing_slug is not None:
        check_landing_slug(item.landing_slug)
    return RegisterItem(name, member_id, item.sponsor_id, item.kind, item.landing_slug, item.acting_partner_id)


def register_many(rn: Refnet, items: list[RegisterItem]) -> list[RegisterOutcome]:
    """Registers `items` in order, booked as one guarded statement; one outcome per item."""
    if len(items) > MAX_BATCH:
        raise BadInput(f"inputs: at most {MAX_BATCH} registrations per call, not {len(items)}")
    checked: list[RegisterItem | DomainError] = []
    for item in items:
        try:
            checked.append(_checked(item))
        except DomainError as error:
            checked.append(error)
    outcomes: list[RegisterOutcome] = []
    limit = len(checked)
    while len(outcomes) < len(checked):
        tries = 0
        remembered = False  # the last try computed from the working set
        todo = checked[len(outcomes):]

        def attempt() -> list[RegisterOutcome]:
            # another process moved the graph while this part was computed: a smaller part next
            # time, so a busy graph cannot starve a large batch (it ends as single registrations);
            # a try computed from the working set is tried again at once from the graph
            nonlocal limit, tries, remembered
            if tries and not remembered:
                limit = max(1, limit // 2)
            tries += 1
            ws = warm(rn) if not remembered else None
            remembered = ws is not None
            if ws is None and limit == 1 and isinstance(todo[0], RegisterItem) and not loading(rn):
                # the single path reads least (but does not fold into a set being loaded)
                return [_register_alone(rn, todo[0])]
            return _book(rn, todo[:limit], ws)

        outcomes.extend(rn.guard.persist(attempt))
        limit = limit * 2 if tries == 1 else limit
    return outcomes


def _book(rn: Refnet, checked: list[RegisterItem | DomainError], ws: WorkingSet | None = None) -> list[RegisterOutcome]:
    valid = [item for item in checked if isinstance(item, RegisterItem)]
    ids = sorted({str(item.member_id) for item in valid})
    slugs = sorted({item.landing_slug for item in valid if item.landing_slug is not None})
    taken: dict[str, Any]
    if ws is not None and ws.version is not None:
        taken = {"version": ws.version, "runs": ws.runs, "taken_ids": [i for i in ids if i in ws.members],
                 "taken_slugs": [slug for slug in slugs if slug in ws.slugs]}
    else:
        taken = rn.store.run("batch_members_taken", {"ids": ids, "slugs": slugs})[0]
    version, now = taken["version"], rn.clock()
    taken_ids, taken_slugs = set(taken["taken_ids"]), set(taken["taken_slugs"])
    state = _Placements(rn, taken["runs"], version, ws)
    state.prefetch(sorted({item.sponsor_id for item in valid if item.sponsor_id is not None}))
    outcomes: list[RegisterOutcome] = []
    new: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for item in checked:
        if isinstance(item, DomainError):
            outcomes.append(RegisterOutcome(error=item))
            continue
        try:
            member = _register_one(state, item, taken_ids, taken_slugs, version + len(new) + 1, now)
        except DomainError as error:
            outcomes.append(RegisterOutcome(error=error))
            continue
        taken_ids.add(member.id)
        if item.landing_slug is not None:
            taken_slugs.add(item.landing_slug)
        via = "company" if item.acting_partner_id is None else f"partner:{item.acting_partner_id}"
        new.append({"id": member.id, "name": member.name, "kind": member.kind, "seq": member.seq,
                    "landing_slug": member.landing_slug, "registered_via": via, "depth": member.depth,
                    "sponsor_depth": state.nodes[member.id].sponsor_depth})
        if member.sponsor_id is not None:
            links.append({"id": member.id, "sponsor_id": member.sponsor_id, "parent_id": member.parent_id,
                          "slot": member.slot})
        outcomes.append(RegisterOutcome(member=member))
    if new:
        changed = state.changed_rows()
        rows = rn.store.run("members_register_batch", {
            "version": version, "now": now, "new": new, "links": links, "changed": changed,
            "newly_full": state.newly_full,
        })
        if not rows:
            raise Conflicted()
        if rn.working_set is not None:  # what was read from the graph at its version folds as well
            rn.working_set.fold_registrations(new, links, changed, version, version + len(new))
    elif ws is not None and outcomes and rn.store.run("meta_version")[0]["version"] != version:
        ws.drop()  # refusals computed from a set another writer made stale: computed again from the graph
        raise Conflicted()
    return outcomes


def _register_one(state: _Placements, item: RegisterItem, taken_ids: set[str], taken_slugs: set[str],
                  seq: int, now: int) -> MemberRecord:
    """One item on the batch's state: the checks of `register` in its order, then placement."""
    member_id = str(item.member_id)
    if member_id in taken_ids:
        raise Conflict(f"id: a member with id {member_id!r} already exists")
    if item.landing_slug is not None and item.landing_slug in taken_slugs:
        raise Conflict(f"landingSlug: {item.landing_slug!r} is taken")
    sponsor = None
    if item.sponsor_id is not None:
        sponsor = state.node(item.sponsor_id)
        if sponsor is None:
            raise NotFound(f"sponsorId: no member with id {item.sponsor_id!r}")
        if item.acting_partner_id is not None:
            above = state.node(sponsor.sponsor_id) if sponsor.sponsor_id is not None else None
            if not may_register_under(item.acting_partner_id, SponsorOf(
                sponsor.id, sponsor.kind, sponsor.sponsor_id, above.kind if above is not None else None,
            )):
                raise Forbidden(
                    f"actingPartnerId: partner {item.acting_partner_id!r} may register only under itself "
                    f"or its own customers, not under {item.sponsor_id!r}"
                )
    node = state.place(member_id, item.kind, sponsor, seq)
    return MemberRecord(
        id=member_id, name=item.name, kind=item.kind, status="CUSTOMER", seq=seq, r=0, depth=node.depth, size=1,
        referrals=0, created_at=now, sponsor_id=item.sponsor_id, parent_id=node.parent_id, slot=node.own_slot,
        landing_slug=item.landing_slug,
    )


def _register_alone(rn: Refnet, item: RegisterItem) -> RegisterOutcome:
    """One checked item through `graph.network.members.register` (inside the caller's guard)."""
    from graph.network.members import register

    try:
        return RegisterOutcome(member=register(rn, item.name, sponsor_id=item.sponsor_id, member_id=item.member_id,
                                               kind=item.kind, landing_slug=item.landing_slug,
                                               acting_partner_id=item.acting_partner_id))
    except DomainError as error:
        return RegisterOutcome(error=error)
