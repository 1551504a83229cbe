"""Bulk import of a business moving in (docs/migrating.md): members with their two trees,
historical orders, opening balances — all or nothing, and fast.

1. `graph.admin.import_files` parses and checks every row (file, line, column in every error);
2. the graph's members are read once (`import_snapshot`) and `plan_import` computes, in
   plain Python, everything the rows change: the new members with their placement (legacy
   placements kept, the others placed by the slide-down rule of rules §2 in file order, with
   the engine's own `choose_target`), and every counter the placement rule and the plans keep
   (sizes, children, first free positions, referrals, depths; packages, quota, agent
   referrals, statuses, team orders, team sales, dividend shares, identities);
3. only then is anything written, in bulk `UNWIND` batches: a bad row writes nothing.

Historical orders book no entries (the old system paid them) and move no pool, points or
quota use; opening balances are `opening_balance` entries that move the counters they
explain. Rows already imported with the same content are skipped, so re-running the same
files changes nothing; the same id with other content is a Conflict.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from graph.admin.import_files import BalanceRow, MemberRow, OrderRow, iter_batches, paused_gc
from graph.core.errors import BadInput, Conflict, DomainError, NotFound
from graph.core.money import fmt_money, from_cents, to_cents, to_units
from graph.core.periods import END_MS, FIRST_MS, check_date, clock_skew_ms
from graph.core.plan import Plan
from graph.core.plugin import (
    Standing,
    counts_agent_referrals,
    imported_order_flags,
    keeps_team_counters,
    moves_member_counters,
    standing_of,
)
from graph.ledger.history import History, consistent, entries_by_ids, history
from graph.ledger.orders import archived_orders, period_of
from graph.network.placement import FreePosition, Line, SponsorView, choose_target
from graph.store.store import Conflicted, Row

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.importer")

BATCH = 10_000
DAY_MS = 86_400_000
Progress = Callable[[str, int, int], None]
Free = tuple[int, int, str]  # (depth, seq, id): a first free position, smallest first


@dataclass(slots=True)
class Node:
    """A member as the import computes it: stored values plus what the files add."""

    id: str
    seq: int
    depth: int
    sponsor_depth: int
    sponsor_id: str | None
    parent_id: str | None
    slot: int | None
    referrals: int
    size: int
    free: Free
    r: int = 0
    children: dict[int, str] = field(default_factory=dict)
    packages: int = 0
    agent_referrals: int = 0
    quota: int = 0
    quota_used: int = 0
    status: str = "CUSTOMER"
    identity: str | None = None
    name: str | None = None  # stored name, kind and registration time: a re-run must match them
    kind: str | None = None
    created_at: int | None = None
    new: bool = False
    row: MemberRow | None = None
    up: Node | None = None  # the placement parent and children as nodes: the walks up and the
    kids: list[Node] = field(default_factory=list)  # first free positions follow them directly


@dataclass
class ImportPlan:
    """What an import writes; empty lists when the files are already imported."""

    members: list[Row] = field(default_factory=list)
    links: list[Row] = field(default_factory=list)
    trees: list[Row] = field(default_factory=list)  # counters of members already in the graph
    order_groups: dict[str, Row] = field(default_factory=dict)  # by buyer: {id, orders: [[id, cents, at, period]]}
    referred: list[Row] = field(default_factory=list)  # orders with a referrer, one row each
    order_count: int = 0
    order_flags: Row = field(default_factory=dict)  # what every imported order carries
    order_counters: dict[str, Row] = field(default_factory=dict)  # by member: the deltas its orders move
    balances: list[Row] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=lambda: {"members": 0, "orders": 0, "balances": 0})
    counts: dict[str, int] = field(default_factory=lambda: {"orders": 0, "entries": 0})  # in the graph before

    @property
    def empty(self) -> bool:
        return not (self.members or self.order_count or self.balances)


@dataclass(frozen=True)
class ImportResult:
    members: int
    orders: int
    balances: int
    skipped: dict[str, int]


class Network:
    """The two trees with the placement rule's counters, in memory."""

    def __init__(self, rows: Iterable[Row]) -> None:
        self.nodes: dict[str, Node] = {}
        self.slugs: dict[str, str] = {}
        for row in rows:
            state = row.get("state") or {}
            node = Node(
                row["id"], row.get("seq", 0), row.get("depth", -1), row.get("sponsor_depth", -1), row["sponsor_id"],
                row["parent_id"], row.get("slot"), row.get("referrals", 0), row.get("size", 1),
                (row.get("free_depth", 0), row.get("free_seq", 0), row.get("free_id", "")), row.get("r", 0),
                packages=state.get("packages", 0), agent_referrals=state.get("agent_referrals", 0),
                quota=state.get("quota", 0), quota_used=state.get("quota_used", 0),
                status=state.get("status") or "CUSTOMER", identity=state.get("identity"),
                name=row.get("name"), kind=row.get("kind"), created_at=row.get("created_at"),
            )
            self.nodes[node.id] = node
            if row.get("landing_slug") is not None:
                self.slugs[row["landing_slug"]] = node.id
        self._depths("parent_id", "depth")
        self._depths("sponsor_id", "sponsor_depth")
        for node in self.nodes.values():
            if node.parent_id is not None and node.slot is not None:
                parent = self.nodes[node.parent_id]
                parent.children[node.slot] = node.id
                parent.kids.append(node)
                node.up = parent

    def _depths(self, up_field: str, depth_field: str) -> None:
        """Depths the read left out (-1), from the parent links: a parent's depth plus one."""
        for node in self.nodes.values():
            path = []
            current: Node | None = node
            while current is not None and getattr(current, depth_field) < 0:
                path.append(current)
                parent = getattr(current, up_field)
                current = self.nodes[parent] if parent is not None else None
            depth = getattr(current, depth_field) if current is not None else -1
            for member in reversed(path):
                depth += 1
                setattr(member, depth_field, depth)

    def subtree_sums(self, own: dict[str, int], up_field: str) -> dict[str, int]:
        """Σ `own` over each member's subtree (itself included) in the tree whose parent is the
        node's `up_field` ("parent_id" or "sponsor_id"), for the members whose sum is not 0."""
        sums = dict(own)
        get = sums.get
        for member_id, parent in self._upward(up_field):
            value = get(member_id)
            if value and parent is not None:
                sums[parent] = get(parent, 0) + value
        return {member_id: total for member_id, total in sums.items() if total}

    def _upward(self, up_field: str) -> list[tuple[str, str | None]]:
        """Every member with its parent in one tree, children before parents (deepest first):
        one pass over the whole network, which the import reads anyway."""
        depth_field = "depth" if up_field == "parent_id" else "sponsor_depth"
        levels: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
        for node in self.nodes.values():
            levels[getattr(node, depth_field)].append((node.id, getattr(node, up_field)))
        return [pair for depth in sorted(levels, reverse=True) for pair in levels[depth]]

    def sponsor_view(self, sponsor: Node) -> SponsorView:
        lines = tuple(
            Line(slot, child, self.nodes[child].size, FreePosition(*self.nodes[child].free))
            for slot, child in sorted(sponsor.children.items())
        )
        return SponsorView(sponsor.id, sponsor.referrals, sponsor.r, sponsor.depth, sponsor.seq, lines)

    def attach(self, node: Node, parent: Node, slot: int) -> None:
        """Places `node` under `parent`: sizes up the path, first free positions while they change."""
        parent.children[slot] = node.id
        parent.kids.append(node)
        node.up = parent
        node.parent_id, node.slot, node.depth = parent.id, slot, parent.depth + 1
        node.free = (node.depth, node.seq, node.id)
        up: Node | None = parent
        while up is not None:
            up.size += 1
            up = up.up
        up = parent
        while up is not None:
            kids = up.kids
            new = (up.depth, up.seq, up.id) if len(kids) < 3 else min(kids[0].free, kids[1].free, kids[2].free)
            if new == up.free:
                break
            up.free = new
            up = up.up


def _snapshot(rn: Refnet, placing: bool) -> tuple[int, list[Row]]:
    """The graph's version and its members; without members to place, only what the order
    counters need (a lighter read)."""
    version = rn.store.run("meta_version")[0]["version"]
    return version, rn.store.run("import_snapshot" if placing else "import_snapshot_orders")


def _fail(where: str, error: type[DomainError], message: str) -> DomainError:
    return error(f"{where}, {message}")


def _check_date(at: int, now: int, field: str, where: str) -> None:
    """History happened: a date after now (a typo, a wrong zone) is refused as for a live order."""
    try:
        check_date(at, now, field)
    except BadInput as error:
        raise _fail(where, BadInput, error.message) from None


def plan_members(network: Network, rows: list[MemberRow], first_seq: int, now: int, plan: ImportPlan) -> None:
    """Adds the members of `rows` to `network` in file order; rows already in the graph with
    the same content are skipped."""
    before = {node_id: (node.size, len(node.children), node.referrals, node.free)
              for node_id, node in network.nodes.items()}
    seq = first_seq
    dates = (FIRST_MS, min(END_MS - 1, now + clock_skew_ms()))  # dates inside need no check_date
    for row in rows:
        existing = network.nodes.get(row.id)
        if existing is not None:
            _check_same_member(existing, row, network)
            plan.skipped["members"] += 1
            continue
        if row.registered_at is not None and not dates[0] <= row.registered_at <= dates[1]:
            _check_date(row.registered_at, now, "registered_at", row.where)
        if row.landing_slug is not None and row.landing_slug in network.slugs:
            raise _fail(row.where, Conflict, f"landing_slug: {row.landing_slug!r} is taken by "
                                             f"{network.slugs[row.landing_slug]!r}")
        node = Node(row.id, seq, 0, 0, row.sponsor_id, None, None, 0, 1, (0, seq, row.id), new=True, row=row)
        seq += 1
        if row.sponsor_id is not None:
            sponsor = network.nodes.get(row.sponsor_id)
            if sponsor is None:
                raise _fail(row.where, NotFound, f"sponsor_id: no member {row.sponsor_id!r} in the graph or on an "
                                                 "earlier line (list sponsors before their referrals)")
            node.sponsor_depth = sponsor.sponsor_depth + 1
            parent, slot = _placement(network, row, sponsor)
            sponsor.referrals += 1
            network.nodes[row.id] = node
            network.attach(node, parent, slot)
        else:
            network.nodes[row.id] = node
        if row.landing_slug is not None:
            network.slugs[row.landing_slug] = row.id
    for node in network.nodes.values():
        if node.new:
            continue
        size, children, referrals, free = before[node.id]
        if (node.size, len(node.children), node.referrals, node.free) != (size, children, referrals, free):
            plan.trees.append({"id": node.id, "size": node.size - size, "children": len(node.children) - children,
                               "referrals": node.referrals - referrals, "free_id": node.free[2],
                               "free_depth": node.free[0], "free_seq": node.free[1]})
    news = [node for node in network.nodes.values() if node.new]
    _check_slots(network, news)
    for node in news:
        assert node.row is not None
        plan.members.append(_member_row(node, node.row, now))
        if node.sponsor_id is not None:
            plan.links.append({"id": node.id, "sponsor_id": node.sponsor_id, "parent_id": node.parent_id,
                               "slot": node.slot})


def _member_row(node: Node, row: MemberRow, now: int) -> Row:
    """The `import_members_create` row: values the statement defaults (a leaf's counters, its
    own first free position, kind PARTNER, no slug) are left out, to keep the batches small."""
    values = {"id": node.id, "name": row.name, "seq": node.seq, "depth": node.depth,
              "sponsor_depth": node.sponsor_depth,
              "created_at": row.registered_at if row.registered_at is not None else now}
    if row.kind != "PARTNER":
        values["kind"] = row.kind
    if row.landing_slug is not None:
        values["landing_slug"] = row.landing_slug
    if node.size != 1:  # a member with children: its counters and first free position
        values.update({"referrals": node.referrals, "size": node.size, "children": len(node.children)})
        if node.free[2] != node.id:
            values.update({"free_id": node.free[2], "free_depth": node.free[0], "free_seq": node.free[1]})
    elif node.referrals:
        values["referrals"] = node.referrals
    return values


def _placement(network: Network, row: MemberRow, sponsor: Node) -> tuple[Node, int]:
    if row.parent_id is None:
        target = network.nodes[choose_target(network.sponsor_view(sponsor)).target_id]
        return target, min(s for s in (1, 2, 3) if s not in target.children)
    parent = network.nodes.get(row.parent_id)
    if parent is None:
        raise _fail(row.where, NotFound, f"placement_parent_id: no member {row.parent_id!r} in the graph or on an "
                                         "earlier line (list placement parents before their children)")
    if len(parent.children) == 3:
        raise _fail(row.where, Conflict, f"placement_parent_id: {row.parent_id!r} already has three children")
    slot = row.slot if row.slot is not None else min(s for s in (1, 2, 3) if s not in parent.children)
    if slot in parent.children:
        raise _fail(row.where, Conflict, f"slot: slot {slot} of {row.parent_id!r} is taken by "
                                         f"{parent.children[slot]!r}")
    return parent, slot


def _check_slots(network: Network, news: list[Node]) -> None:
    """refnet fills a member's slots lowest first: the imported placement may leave no gap."""
    for node in news:
        if node.parent_id is None:
            continue
        parent = network.nodes[node.parent_id]
        assert node.slot is not None
        gap = next((s for s in range(1, node.slot) if s not in parent.children), None)
        if gap is not None:
            assert node.row is not None
            raise _fail(node.row.where, BadInput, f"slot: {node.slot} under {parent.id!r} leaves slot {gap} empty "
                                                  "(refnet fills slots lowest first; renumber the slots)")


def _check_same_member(node: Node, row: MemberRow, network: Network) -> None:
    different = []
    if node.name is not None and node.name != row.name:
        different.append("name")
    if node.kind is not None and node.kind != row.kind:
        different.append("kind")
    if node.created_at is not None and row.registered_at is not None and node.created_at != row.registered_at:
        different.append("registered_at")
    if node.sponsor_id != row.sponsor_id:
        different.append("sponsor_id")
    if row.parent_id is not None and node.parent_id != row.parent_id:
        different.append("placement_parent_id")
    if row.slot is not None and node.slot != row.slot:
        different.append("slot")
    if row.landing_slug is not None and network.slugs.get(row.landing_slug) != row.id:
        different.append("landing_slug")
    if different:
        raise _fail(row.where, Conflict, f"id: member {row.id!r} already exists with a different "
                                         f"{', '.join(different)}")


def plan_orders(rn: Refnet, network: Network, rows: list[OrderRow], now: int, plan: ImportPlan) -> None:
    """Historical orders: the order nodes, grouped by buyer, and the counters the live
    recording would have moved — without entries, pools, points or quota use."""
    engine = rn.plan
    nodes = network.nodes
    existing = {}
    archived = bool(history(rn).with_orders)  # orders of archived months are repeats too
    for batch in iter_batches([row.id for row in rows] if plan.counts["orders"] or archived else [], BATCH):
        existing.update({stored["id"]: stored for stored in rn.store.run("import_orders_existing", {"ids": batch})})
        if archived:
            existing.update(archived_orders(rn, [order_id for order_id in batch if order_id not in existing]))
    fresh: list[OrderRow] = []
    amounts: dict[int, Decimal] = {}  # cents → amount, checked once per distinct amount
    periods: dict[int, str] = {}  # day → its period (a period is a whole number of UTC days)
    checked_at = (FIRST_MS, min(END_MS - 1, now + clock_skew_ms()))  # dates inside need no check_date
    for row in rows:
        if existing:
            stored = existing.get(row.id)
            if stored is not None:
                same = (stored["buyer_id"], stored["amount"], stored["at"], stored["referrer_id"]) == (
                    row.buyer_id, row.cents, row.at, row.referrer_id)
                if not same:
                    raise _fail(row.where, Conflict, f"id: order {row.id!r} was already recorded with other content")
                plan.skipped["orders"] += 1
                continue
        if not checked_at[0] <= row.at <= checked_at[1]:
            _check_date(row.at, now, "at", row.where)
        if row.buyer_id not in nodes:
            raise _fail(row.where, NotFound, f"buyer_id: no member {row.buyer_id!r} in the graph or the members file")
        if row.referrer_id is not None and row.referrer_id not in nodes:
            raise _fail(row.where, NotFound, f"referrer_id: no member {row.referrer_id!r} in the graph or the "
                                             "members file")
        if row.cents not in amounts:
            if engine is not None and engine.packages and engine.package(row.amount) is None:
                prices = ", ".join(fmt_money(p.price) for p in engine.packages)
                raise _fail(row.where, BadInput, f"amount: {fmt_money(row.amount)} is not a package price of plan "
                                                 f"{engine.name} ({prices})")
            amounts[row.cents] = row.amount
        fresh.append(row)
    groups: dict[str, list[list[object]]] = {}
    for row in fresh:
        day = row.at // DAY_MS
        period = periods.get(day)
        if period is None:
            period = periods[day] = period_of(row.at)
        if row.referrer_id is not None:
            plan.referred.append({"id": row.id, "buyer_id": row.buyer_id, "amount": row.cents, "at": row.at,
                                  "period": period, "referrer_id": row.referrer_id})
            continue
        order = [row.id, row.cents, row.at, period]  # a list, not a map: half the text to send
        if row.buyer_id in groups:
            groups[row.buyer_id].append(order)
        else:
            groups[row.buyer_id] = [order]
    plan.order_groups = {buyer_id: {"id": buyer_id, "orders": orders} for buyer_id, orders in groups.items()}
    plan.order_count = len(fresh)
    flags = imported_order_flags(engine)
    plan.order_flags = {"plan_version": engine.version if engine is not None else None, "settle": flags.get("settle"),
                        "closed_in": flags.get("closed_in"), "effects": True}
    if moves_member_counters(engine) and fresh:
        plan.order_counters = order_counters(engine, network, fresh, amounts)


def order_counters(engine: Plan | None, network: Network, rows: list[OrderRow], amounts: dict[int, Decimal]
                   ) -> dict[str, Row]:
    """The member counters the orders move when recorded live (graph.ledger.orders and the plan modules'
    on_order), computed for all of them at once: each counter either adds up or follows from totals that
    do. By member: only the counters that move (deltas; status and identity: the new value).
    `amounts` maps the orders' cents to their amounts."""
    nodes = network.nodes
    purchases = Counter((row.buyer_id, row.cents) for row in rows)  # (buyer, cents) → orders
    packages = {to_cents(p.price): (to_cents(p.quota), int(p.dividend_shares * 1000))
                for p in (engine.packages if engine is not None else ())}
    own_orders: dict[str, int] = defaultdict(int)
    own_sales: dict[str, int] = defaultdict(int)
    quota: dict[str, int] = defaultdict(int)
    shares: dict[str, int] = defaultdict(int)
    bought: dict[str, list[int]] = defaultdict(list)
    for (buyer_id, cents), count in purchases.items():
        package_quota, package_shares = packages.get(cents, (0, 0))
        own_orders[buyer_id] += count
        own_sales[buyer_id] += cents * count
        quota[buyer_id] += package_quota * count
        shares[buyer_id] += package_shares * count
        bought[buyer_id].append(cents)
    agent_referrals: dict[str, int] = defaultdict(int)  # statuses and agent referrals (rules §3)
    touched = set(own_orders)
    if counts_agent_referrals(engine):
        for buyer_id in own_orders:
            buyer = nodes[buyer_id]
            if buyer.sponsor_id is not None:
                touched.add(buyer.sponsor_id)
                if buyer.packages == 0:  # its first package makes it an agent: one more agent referral
                    agent_referrals[buyer.sponsor_id] += 1
    counters: dict[str, Row] = {}
    standings: dict[tuple, Standing] = {}  # a plan's standing is a pure function of these values
    no_purchase: list[int] = []
    for member_id in touched:
        node = nodes[member_id]
        row: Row = {"id": member_id}
        orders = own_orders.get(member_id)
        if orders:
            node.packages += orders
            row["packages"] = orders
            if quota[member_id]:
                node.quota += quota[member_id]
                row["quota"] = quota[member_id]
        referrals = agent_referrals.get(member_id)
        if referrals:
            node.agent_referrals += referrals
            row["agent_referrals"] = referrals
        purchased = bought.get(member_id, no_purchase)
        key = (node.packages, node.agent_referrals, node.status, node.identity, *purchased)
        derived = standings.get(key)
        if derived is None:
            derived = standings[key] = standing_of(engine, Standing(
                node.packages, node.agent_referrals, node.status, node.identity,
                tuple(amounts[cents] for cents in purchased)))
        if derived.status is not None and derived.status != node.status:
            row["status"] = node.status = derived.status
        if derived.identity != node.identity:
            node.identity = derived.identity
            if derived.identity is not None:
                row["identity"] = derived.identity
        if len(row) > 1:
            counters[member_id] = row
    if keeps_team_counters(engine):
        for member_id, total in shares.items():
            if total:
                _counters_of(counters, member_id)["shares_milli"] = total
        for member_id, count in network.subtree_sums(own_orders, "parent_id").items():
            _counters_of(counters, member_id)["team_orders"] = count
        for member_id, total in network.subtree_sums(own_sales, "sponsor_id").items():
            team = total - own_sales.get(member_id, 0)
            if team:
                _counters_of(counters, member_id)["team_sales"] = team
    return counters


def _counters_of(counters: dict[str, Row], member_id: str) -> Row:
    row = counters.get(member_id)
    if row is None:
        row = counters[member_id] = {"id": member_id}
    return row


def plan_balances(rn: Refnet, network: Network, rows: list[BalanceRow], now: int, plan: ImportPlan) -> None:
    """Opening balances as `opening_balance` entries: `opening:<member>#0` PAID the available
    money (carrying the quota used and the points in its explanation and properties) and
    `#1` FROZEN the frozen money."""
    period = period_of(now)
    version = rn.plan.version if rn.plan is not None else None
    anything_booked = plan.counts["entries"] or history(rn)  # an empty graph may have archived months
    wanted = [f"opening:{row.member_id}#0" for row in rows] if anything_booked else []

    def booked(h: History) -> dict[str, Row]:
        """The opening balances booked already, in the graph or, once their month moved, the archive."""
        found: dict[str, Row] = {}
        for batch in iter_batches(wanted, BATCH):
            found.update({entry["id"]: entry for entry in rn.store.run("import_opening_existing", {"ids": batch})})
        found.update({entry["id"]: entry for entry in entries_by_ids(h, [i for i in wanted if i not in found])})
        return found

    existing = consistent(rn, booked)
    for row in rows:
        node = network.nodes.get(row.member_id)
        if node is None:
            raise _fail(row.where, NotFound, f"member_id: no member {row.member_id!r} in the graph or the members file")
        text = (f"opening balance carried over from the previous system: available {fmt_money(row.available)}, "
                f"frozen {fmt_money(row.frozen)}, quota used {fmt_money(row.quota_used)}, points {row.points}")
        stored = existing.get(f"opening:{row.member_id}#0")
        if stored is not None:
            if stored["explanation"] != text:  # it names all four values
                raise _fail(row.where, Conflict,
                            f"member_id: {row.member_id!r} already has a different opening balance")
            plan.skipped["balances"] += 1
            continue
        quota_left = node.quota - node.quota_used
        if to_cents(row.quota_used) > quota_left:
            left = fmt_money(from_cents(max(quota_left, 0)))
            raise _fail(row.where, BadInput, f"quota_used: {fmt_money(row.quota_used)} is more than the quota left "
                                             f"{left} (packages bought: {node.packages})")
        node.quota_used += to_cents(row.quota_used)
        entries = [_opening_entry(row.member_id, 0, "PAID", to_cents(row.available), text, now, period, version)]
        entries[0].update({"points": to_units(row.points), "quota_used": to_cents(row.quota_used)})
        if row.frozen > 0:
            entries.append(_opening_entry(row.member_id, 1, "FROZEN", to_cents(row.frozen),
                                          f"opening balance: {fmt_money(row.frozen)} frozen (mutual fund) carried over",
                                          now, period, version))
        plan.balances.append({"id": row.member_id, "paid": to_cents(row.available), "frozen": to_cents(row.frozen),
                              "quota_used": to_cents(row.quota_used), "points": to_units(row.points),
                              "entries": entries})


def _opening_entry(member_id: str, seq: int, status: str, cents: int, text: str, now: int, period: str,
                   version: str | None) -> Row:
    return {"id": f"opening:{member_id}#{seq}", "seq": seq, "rule": "opening_balance", "status": status,
            "amount": cents, "explanation": text, "beneficiary_id": member_id, "pool": None, "order_id": None,
            "period": period, "at": now, "plan_version": version, "points": None, "quota_used": None}


def plan_import(rn: Refnet, members: list[MemberRow], orders: list[OrderRow], balances: list[BalanceRow]
                ) -> tuple[int, ImportPlan]:
    """Reads the graph once and computes everything the files change; raises a DomainError
    naming file, line and field before anything is written."""
    version, snapshot = _snapshot(rn, bool(members))
    network = Network(snapshot)
    now = rn.clock()
    plan = ImportPlan(counts=rn.store.run("import_counts")[0])
    plan_members(network, members, version + 2, now, plan)
    plan_orders(rn, network, orders, now, plan)
    plan_balances(rn, network, balances, now, plan)
    _fold_counters(plan)
    return version, plan


def _fold_counters(plan: ImportPlan) -> None:
    """The order counters go into the rows already written for the member: the creation row of
    a member the import creates, else the member's group of orders (one without orders for a
    member that only sits above buyers)."""
    created = {row["id"]: row for row in plan.members} if plan.members else {}
    for member_id, counters in plan.order_counters.items():
        row = created.get(member_id)
        if row is not None:
            row.update({key: value for key, value in counters.items() if key != "id"})
            continue
        group = plan.order_groups.get(member_id)
        if group is None:
            plan.order_groups[member_id] = {**counters, "orders": []}
        else:
            group.update(counters)
    plan.order_counters = {}


def run_import(rn: Refnet, members: list[MemberRow], orders: list[OrderRow], balances: list[BalanceRow],
               progress: Progress | None = None) -> ImportResult:
    """Computes the import, then writes it in batches; nothing is written when any row is bad."""
    report = progress or (lambda stage, done, total: None)
    version, plan = plan_import(rn, members, orders, balances)
    if plan.empty:
        log.info("import: nothing new (%s)", plan.skipped)
        return ImportResult(0, 0, 0, plan.skipped)
    reserved = version + 1 + len(plan.members)
    if not rn.store.run("import_claim", {"version": version, "reserved": reserved}):
        raise Conflicted()
    _write(rn, "import_members_create", plan.members, "members", report)
    _write(rn, "import_members_link", plan.links, "placements", report)
    _write(rn, "import_members_trees", plan.trees, "counters", report)
    _write_orders(rn, plan, report)
    done = 0
    for batch in iter_batches(plan.balances, BATCH):
        rn.store.run("import_balances_book", {
            "members": [{key: row[key] for key in ("id", "paid", "frozen", "quota_used", "points")} for row in batch],
            "entries": [entry for row in batch for entry in row["entries"]],
        })
        done += len(batch)
        report("balances", done, len(plan.balances))
    rn.store.run("import_finish")
    log.info("imported %d members, %d orders, %d opening balances (skipped %s)",
             len(plan.members), plan.order_count, len(plan.balances), plan.skipped)
    return ImportResult(len(plan.members), plan.order_count, len(plan.balances), plan.skipped)


def _write(rn: Refnet, query: str, rows: list[Row], stage: str, report: Progress, params: Row | None = None
           ) -> None:
    done = 0
    for batch in iter_batches(rows, BATCH):
        rn.store.run(query, {**(params or {}), "rows": batch})
        done += len(batch)
        report(stage, done, len(rows))


def _write_orders(rn: Refnet, plan: ImportPlan, report: Progress) -> None:
    """Orders by buyer (one match of the buyer for all its orders), the groups that carry
    counters of members already in the graph with the statement that also moves them; then
    the orders with a referrer."""
    groups = plan.order_groups.values()
    plain = len(("id", "orders"))
    done = _write_groups(rn, "import_orders_create_counted", [g for g in groups if len(g) > plain], plan, 0, report)
    done = _write_groups(rn, "import_orders_create", [g for g in groups if len(g) == plain], plan, done, report)
    for batch in iter_batches(plan.referred, BATCH):
        rn.store.run("import_orders_create_referred", {**plan.order_flags, "rows": batch})
        done += len(batch)
        report("orders", done, plan.order_count)


def _write_groups(rn: Refnet, query: str, groups: list[Row], plan: ImportPlan, done: int, report: Progress) -> int:
    for batch in _group_batches(groups, BATCH):
        rn.store.run(query, {**plan.order_flags, "rows": batch})
        done += sum(len(group["orders"]) for group in batch)
        report("orders", done, plan.order_count)
    return done


def _group_batches(groups: list[Row], size: int) -> Iterator[list[Row]]:
    """Batches of groups of about `size` rows (a group counts as itself plus its orders)."""
    batch: list[Row] = []
    rows = 0
    for group in groups:
        batch.append(group)
        rows += 1 + len(group["orders"])
        if rows >= size:
            yield batch
            batch, rows = [], 0
    if batch:
        yield batch


def import_files(rn: Refnet, members: list[MemberRow], orders: list[OrderRow], balances: list[BalanceRow],
                 progress: Progress | None = None) -> ImportResult:
    """`run_import` behind the write guard (a concurrent write between the read and the claim
    makes it read and compute again), with the cyclic garbage collector paused."""
    with paused_gc():
        return rn.guard(lambda: run_import(rn, members, orders, balances, progress))
