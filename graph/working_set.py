"""The in-process working set (issue 18): the member state that placement and allocation read,
held in memory for the engine's life so that the writer computes a batch — or a lone write
through group commit — with no read round trip.

It is valid for exactly one graph `version`: the one it was loaded at, then the one each of our
own writes produced (the writer folds what that write booked: `fold_orders` lays the batch's
`PendingOrders` over the rows with the overlays the batch itself computed with,
`fold_registrations` sets what the registration statement set). Every write computed from it is
guarded by that version, so a write of anyone else — another process, or a write of this one that
did not go through the batch paths or fold — makes ours match nothing (`Conflicted`): the writer
then recomputes from the graph and drops the set, which is reloaded a little later beside the
writer (`warm`; `Refnet.working_set`, `graph.ledger.order_batch`, `graph.network.batch`).

What it holds: per member the placement fields, the tree links, the rule-holder counters,
status, identity, team orders and fund state; the landing slugs; the rotation run counter; the
periods whose close has started; the points market and its active holdings. An order id it does
not know: the order batch's statement refuses ids that exist (`unseen`), and the batch is then
read again from the graph. The reads it answers are the engine's (`order_context`) and those the
plan modules declare (`PlanModule.working_reads`); any other read goes to the graph.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from graph.store.store import Row

if TYPE_CHECKING:
    from graph.ledger.order_batch import PendingOrders
    from graph.service import Refnet

log = logging.getLogger("refnet.working_set")

PAGE_SEQS = 50_000  # registration numbers per load page
RELOAD_PAUSE = 10.0  # seconds between two loads after the graph moved under us (a busy second writer)
LOAD_TRIES = 5
BESIDE_TRIES = 3  # reloads tried beside the writer (the graph moved under each) before one holds the writer
ORDER_FIELDS = ("packages", "quota", "quota_used", "agent_referrals", "frozen", "team_orders",
                "status", "identity", "fund_released")
COUNTERS = ("packages", "quota", "quota_used", "agent_referrals", "frozen", "team_orders")


class Unfoldable(Exception):
    """A write's changes do not say enough to move the set exactly: it is dropped instead."""


class Member:
    """One member as the working set holds it (slots: a million of them stay small)."""

    __slots__ = ("id", "kind", "seq", "depth", "sponsor_depth", "referrals", "full_at", "children", "size",
                 "free_depth", "free_seq", "free_id", "parent_id", "own_slot", "sponsor_id", "status", "identity",
                 "fund_released", "packages", "quota", "quota_used", "agent_referrals", "frozen", "team_orders",
                 "kids", "sponsored")

    id: str
    kind: str | None
    seq: int
    depth: int
    sponsor_depth: int
    referrals: int
    full_at: int | None
    children: int
    size: int
    free_depth: int | None
    free_seq: int | None
    free_id: str | None
    parent_id: str | None
    own_slot: int | None
    sponsor_id: str | None
    status: str | None
    identity: str | None
    fund_released: bool | None
    packages: int
    quota: int
    quota_used: int
    agent_referrals: int
    frozen: int
    team_orders: int
    kids: dict[int, str] | None
    sponsored: list[str] | None

    @classmethod
    def unpack(cls, packed: str) -> tuple["Member", str | None]:
        """A member from a row of `working_set_members`, and its landing slug."""
        (member_id, kind, seq, depth, sponsor_depth, referrals, full_at, children, size, free_depth, free_seq, free_id,
         parent_id, own_slot, sponsor_id, status, identity, released, packages, quota, quota_used, agent_referrals,
         frozen, team_orders, slug) = packed.split("|", 24)
        m = cls()
        m.id, m.kind, m.seq, m.depth, m.sponsor_depth = member_id, kind or None, int(seq), int(depth), int(sponsor_depth)
        m.referrals, m.full_at = int(referrals), int(full_at) if full_at else None
        m.children, m.size = int(children), int(size)
        m.free_depth = int(free_depth) if free_depth else None
        m.free_seq = int(free_seq) if free_seq else None
        m.free_id = free_id or None
        m.parent_id, m.own_slot, m.sponsor_id = parent_id or None, int(own_slot) if own_slot else None, sponsor_id or None
        m.status, m.identity = status or None, identity or None
        m.fund_released = {"t": True, "f": False}.get(released)
        m.packages, m.quota, m.quota_used = int(packages), int(quota), int(quota_used)
        m.agent_referrals, m.frozen, m.team_orders = int(agent_referrals), int(frozen), int(team_orders)
        m.kids = m.sponsored = None
        return m, slug or None

    @classmethod
    def registered(cls, row: Mapping[str, Any], link: Mapping[str, Any] | None) -> "Member":
        """A member a registration batch created (`members_register_batch`'s $new and $links rows)."""
        m = cls()
        m.id, m.kind, m.seq, m.depth, m.sponsor_depth = row["id"], row["kind"], row["seq"], row["depth"], \
            row["sponsor_depth"]
        m.referrals, m.full_at, m.children, m.size = 0, None, 0, 1
        m.free_depth, m.free_seq, m.free_id = row["depth"], row["seq"], row["id"]
        m.parent_id = link["parent_id"] if link else None
        m.own_slot = link["slot"] if link else None
        m.sponsor_id = link["sponsor_id"] if link else None
        m.status, m.identity, m.fund_released = "CUSTOMER", None, None
        m.packages = m.quota = m.quota_used = m.agent_referrals = m.frozen = m.team_orders = 0
        m.kids = m.sponsored = None
        return m

    def holder(self, identity: bool = False) -> Row:
        """The member as a rule holder, as the order queries return it (money in cents)."""
        row: Row = {"id": self.id, "packages": self.packages, "agent_referrals": self.agent_referrals,
                    "quota": self.quota, "quota_used": self.quota_used}
        if identity:
            row["identity"] = self.identity
        return row

    def order_row(self) -> Row:
        return {"id": self.id, **{name: getattr(self, name) for name in ORDER_FIELDS}}


class Holdings(dict[str, Row]):
    """The active points holdings by id, with (cap_key, id) kept in order beside them: a price
    rise asks for the few holdings whose cap it reached (`capped`), not for a walk over all of
    them — a lone order would otherwise pay for every holding the network still has. Rows are
    replaced, never changed in place."""

    def __init__(self, rows: Iterable[Row] = ()) -> None:
        super().__init__((row["id"], row) for row in rows)
        self.by_cap = sorted((row["cap_key"], holding_id) for holding_id, row in self.items())

    def __setitem__(self, holding_id: str, row: Row) -> None:
        self._unindex(holding_id)
        super().__setitem__(holding_id, row)
        insort(self.by_cap, (row["cap_key"], holding_id))

    def __delitem__(self, holding_id: str) -> None:
        self._unindex(holding_id)
        super().__delitem__(holding_id)

    def pop(self, holding_id: str, *default: Any) -> Any:
        self._unindex(holding_id)
        return super().pop(holding_id, *default)

    def _unindex(self, holding_id: str) -> None:
        old = self.get(holding_id)
        if old is not None:
            entry = (old["cap_key"], holding_id)
            at = bisect_left(self.by_cap, entry)
            del self.by_cap[at if self.by_cap[at:at + 1] == [entry] else self.by_cap.index(entry)]

    def capped(self, key: int) -> list[Row]:
        """Copies of the holdings whose cap_key is at most `key`."""
        end = bisect_right(self.by_cap, key, key=lambda entry: entry[0])
        return [dict(self[holding_id]) for _, holding_id in self.by_cap[:end]]


WorkingRead = Callable[["WorkingSet", Mapping[str, Any]], "list[Row] | None"]


class WorkingSet:
    """The member state of one graph at one version (module docstring). Only the engine's guarded
    writer reads or changes it (under `rn.guard`); `load` takes the guard itself."""

    def __init__(self, reads: Mapping[str, WorkingRead] | None = None) -> None:
        self.version: int | None = None
        self.runs = 0
        self.members: dict[str, Member] = {}
        self.slugs: set[str] = set()
        self.started: set[str] = set()
        self.market: Row | None = None
        self.holdings = Holdings()
        # the archived periods as last read (`archived_periods`); not tied to the version: an
        # order batch computed with them is guarded by their number (`order_batch`)
        self.archived: list[Row] | None = None
        self.reads: dict[str, WorkingRead] = {**ENGINE_READS, **(reads or {})}
        self.load_seconds = 0.0
        self.loaded_at = 0.0
        self.loads = 0
        self.drops = 0
        self.served = 0  # writes computed from it
        self.loader: threading.Thread | None = None  # a reload beside the writer
        self.misses = 0  # reloads beside the writer that the graph moved under, in a row
        # while a copy loads beside the writer: the writes booked meanwhile (version before,
        # after, the members each touched), read again into the copy when it is installed
        # (`install`); None when no copy loads
        self.journal: list[tuple[int, int, list[str]]] | None = None

    @property
    def ready(self) -> bool:
        return self.version is not None

    def drop(self) -> None:
        """Forgets everything: the graph moved under us (it is loaded again, `due`)."""
        if self.version is not None:
            log.info("working set dropped at version %s (the graph moved under it)", self.version)
            self.drops += 1
        self.version = None
        self.members, self.slugs, self.holdings = {}, set(), Holdings()

    def due(self) -> bool:
        """Whether a dropped set should be loaded now: not more often than every `RELOAD_PAUSE`
        seconds, so that a graph two processes write in turn is not reloaded at every write."""
        return not self.ready and time.monotonic() - self.loaded_at >= RELOAD_PAUSE

    # loading

    def load(self, store: Any, tries: int = LOAD_TRIES, beside: bool = False) -> None:
        """Reads the whole working set at one version (pages by registration number; a page read
        at another version starts the load again — unless `beside` the writer: then the copy
        holds the version its first read saw, and the members our writer's writes touched since
        are read again when it is installed, `install`)."""
        started = time.perf_counter()
        self.loaded_at = time.monotonic()
        for _ in range(tries):
            self.drop()
            collecting = gc.isenabled()
            gc.disable()  # a million new objects would start full collections over and over
            try:
                loaded = self._load_at_one_version(store, strict=not beside)
            finally:
                if collecting:
                    gc.enable()
            if loaded:
                # out of the collector's sight: every full collection would walk the whole set
                # (seconds per batch at 100,000 members); freed by reference counting as before
                gc.freeze()
                self.load_seconds = time.perf_counter() - started
                self.loads += 1
                log.info("working set loaded: %d members at version %s in %.2f s", len(self.members), self.version,
                         self.load_seconds)
                return
        self.drop()
        log.info("working set not loaded: the graph moved while it was read")

    def install(self, fresh: "WorkingSet", store: Any) -> bool:
        """Takes over `fresh` (loaded beside the writer, holding the version its first read saw)
        if every write since that version is one of our writer's (`journal`, with no gap up to
        the graph's version): the members they touched, the state, the market and holdings are
        read again at the graph's version. Under the guard."""
        journal, self.journal = self.journal, None
        if not fresh.ready:
            return False
        now = store.run("meta_version")[0]["version"]
        if now != fresh.version:
            touched = fresh.touched_since(journal or [], now)
            if touched is None or not fresh.refresh(store, touched, now):
                return False
        self.version, self.runs, self.members, self.slugs = fresh.version, fresh.runs, fresh.members, fresh.slugs
        self.started, self.market, self.holdings = fresh.started, fresh.market, fresh.holdings
        self.load_seconds = fresh.load_seconds
        self.loads += 1
        self.misses = 0
        log.info("working set installed at version %s", self.version)
        return True

    def reload_beside(self, rn: "Refnet") -> None:
        """Loads a fresh copy without holding the writer, then installs it under the guard if
        only our writer moved the graph meanwhile (else counts a miss; the next is tried after
        the pause)."""
        try:
            fresh = WorkingSet(self.reads)
            fresh.load(rn.store, tries=1, beside=True)
            if not rn.guard(lambda: self.install(fresh, rn.store)):
                self.misses += 1
                self.loaded_at = time.monotonic()
                log.info("working set not installed: the graph moved while it was read (tried again later)")
        except Exception as error:  # the engine closed under it, the database went away: try later
            log.info("working set not reloaded: %r", error)
            self.loaded_at = time.monotonic()
            self.journal = None

    def settle(self, seconds: float = 120.0) -> None:
        """Waits for a reload beside the writer to end (tests, benches)."""
        if self.loader is not None:
            self.loader.join(seconds)

    def touched_since(self, journal: list[tuple[int, int, list[str]]], now: int) -> set[str] | None:
        """The members the journal's writes after this copy's version touched, if they lead from
        it to `now` with no gap (a write that is not our writer's: None)."""
        at = self.version
        touched: set[str] = set()
        for before, after, ids in journal:
            if at is not None and after <= at:
                continue  # booked before the copy's first read: the copy holds it
            if before != at:
                return None
            touched.update(ids)
            at = after
        return touched if at == now else None

    def refresh(self, store: Any, ids: set[str], version: int) -> bool:
        """Reads `ids` (new members among them), the state, the market and holdings again at
        `version`; False when the graph is not at `version` (another writer)."""
        state = store.run("working_set_state")[0]
        rows = store.run("working_set_members_by_ids", {"ids": sorted(ids)}) if ids else []
        market = store.run("points_market")[0]
        holdings = store.run("working_set_holdings")
        if state["version"] != version or market["version"] != version or \
                any(row["version"] != version for row in [*rows, *holdings]):
            return False
        members, new = self.members, []
        for row in rows:
            member, slug = Member.unpack(row["member"])
            old = members.get(member.id)
            if old is None:
                new.append(member)
            else:
                member.kids, member.sponsored = old.kids, old.sponsored
            members[member.id] = member
            if slug is not None:
                self.slugs.add(slug)
        for member in sorted(new, key=lambda m: m.seq):
            if member.parent_id is not None and member.own_slot is not None:
                parent = members[member.parent_id]
                parent.kids = {**(parent.kids or {}), member.own_slot: member.id}
            if member.sponsor_id is not None:
                sponsor = members[member.sponsor_id]
                sponsor.sponsored = sorted([*(sponsor.sponsored or []), member.id], key=lambda i: members[i].seq)
        for row in holdings:
            del row["version"]
        del market["version"]
        self.runs = state["runs"]
        self.started = {*(state["months"] or []), *(state["weeks"] or [])}
        self.market, self.holdings = market, Holdings(holdings)
        self.version = version
        return True

    def _load_at_one_version(self, store: Any, strict: bool = True) -> bool:
        state = store.run("working_set_state")[0]
        version = state["version"]
        bounds = store.run("working_set_bounds")[0]
        members: dict[str, Member] = {}
        slugs: set[str] = set()
        if bounds["lo"] is not None:
            for lo in range(bounds["lo"], bounds["hi"] + 1, PAGE_SEQS):
                for row in store.run("working_set_members", {"lo": lo, "hi": lo + PAGE_SEQS}):
                    if strict and row["version"] != version:
                        return False
                    member, slug = Member.unpack(row["member"])
                    members[member.id] = member
                    if slug is not None:
                        slugs.add(slug)
        market = store.run("points_market")[0]
        holdings = store.run("working_set_holdings")
        if strict and (market["version"] != version or any(row["version"] != version for row in holdings)):
            return False
        for row in holdings:
            del row["version"]
        for member in members.values():  # one string per id (a million members stay smaller)
            if member.free_id is not None and member.free_id in members:
                member.free_id = members[member.free_id].id
            if member.sponsor_id is not None:
                member.sponsor_id = members[member.sponsor_id].id
            if member.parent_id is not None and member.own_slot is not None:
                parent = members[member.parent_id]
                member.parent_id = parent.id
                if parent.kids is None:
                    parent.kids = {}
                parent.kids[member.own_slot] = member.id
            if member.sponsor_id is not None:
                sponsor = members[member.sponsor_id]
                if sponsor.sponsored is None:
                    sponsor.sponsored = []
                sponsor.sponsored.append(member.id)
        for member in members.values():
            if member.sponsored is not None:  # registration order, as folds append
                member.sponsored.sort(key=lambda line_id: members[line_id].seq)
        del market["version"]
        self.members, self.slugs, self.runs = members, slugs, state["runs"]
        self.started = {*(state["months"] or []), *(state["weeks"] or [])}
        self.market, self.holdings = market, Holdings(holdings)
        self.version = version
        return True

    # reads

    def answer(self, name: str, params: Mapping[str, Any] | None) -> list[Row] | None:
        """The rows query `name` would return at this version, or None when it cannot say."""
        read = self.reads.get(name)
        return None if read is None or not self.ready else read(self, params or {})

    def archived_periods(self, store: Any) -> list[Row]:
        """The archived periods, read once and then kept: periods are only ever added, so the
        order statement's check of their number says whether what is kept still holds."""
        if self.archived is None:
            self.archived = store.run("archived_periods")
        return self.archived

    def r(self, member: Member) -> int:
        """The member's rotation offset (runs since it filled its third slot; 0 while not full)."""
        return self.runs - member.full_at if member.full_at is not None else 0

    def chain(self, member_id: str) -> Iterator[Member]:
        """`member_id` and its placement ancestors, nearest first (nothing for an unknown id)."""
        current = self.members.get(member_id)
        while current is not None:
            yield current
            current = self.members.get(current.parent_id) if current.parent_id is not None else None

    def sponsors(self, member_id: str) -> Iterator[Member]:
        """`member_id`'s sponsor upline, nearest first (not the member itself)."""
        current = self.members.get(member_id)
        while current is not None and current.sponsor_id is not None:
            current = self.members[current.sponsor_id]
            yield current

    def sponsor_of(self, member: Member) -> Member | None:
        return self.members[member.sponsor_id] if member.sponsor_id is not None else None

    def path_ids(self, ids: list[str]) -> list[str]:
        """`batch_paths_ids`: `ids` and all their placement ancestors, each once."""
        seen: dict[str, None] = {}
        for member_id in ids:
            for member in self.chain(member_id):
                if member.id in seen:
                    break
                seen[member.id] = None
        return list(seen)

    # folds: what our own write booked, laid over the set; the version our write produced

    def fold_orders(self, pending: "PendingOrders", before: int, after: int) -> None:
        """Lays an order batch booked at `before` over the set with the overlays the batch
        computed with (`PendingOrders.moved`, the plan's pool and holdings overlays)."""
        self._folding(list(pending.members), self._fold_orders, pending, before, after)

    def _folding(self, touched: list[str], fold: Callable[..., None], *args: Any) -> None:
        """A fold runs after its write succeeded: whatever goes wrong in it drops the set (it
        is read again later) rather than failing a booked write. While a copy loads beside
        the writer, the members the write `touched` are noted for that copy instead (`install`)."""
        journal = self.journal
        if not self.ready and journal is not None:
            journal.append((args[-2], args[-1], touched))
            return
        try:
            fold(*args)
        except Exception as error:  # the write is booked; only the copy is lost
            log.warning("working set dropped: a fold failed (%r)", error)
            self.drop()

    def _fold_orders(self, pending: "PendingOrders", before: int, after: int) -> None:
        if self.version != before:
            self.drop()
            return
        for member_id in pending.members:
            member = self.members.get(member_id)
            if member is None:
                raise Unfoldable(f"member {member_id}: not in the set")
            moved = pending.moved(member.order_row())
            for name in ORDER_FIELDS:
                setattr(member, name, moved[name])
        for fold in FOLDS:
            fold(self, pending)
        self.version = after
        self.served += 1

    def fold_orders_ahead(self, pending: "PendingOrders", before: int, after: int) -> tuple[Callable[[], None], Callable[[], None]]:
        """`fold_orders` before the batch's statement has run (graph.store.store.Sending): returns
        what undoes the fold if the statement books nothing, and what forgets the set if its
        outcome is unknown. Either also forgets the archived periods (the statement may have
        failed on their number). FOLDS change only `market` and `holdings` (rows replaced)."""
        members = {member_id: [getattr(member, name) for name in ORDER_FIELDS]
                   for member_id in pending.members if (member := self.members.get(member_id)) is not None}
        holdings = {holding_id: self.holdings.get(holding_id) for holding_id in pending.holdings}
        market, version, served = self.market, self.version, self.served
        self.fold_orders(pending, before, after)

        def undo() -> None:
            self.archived = None
            if self.version != after:
                self.drop()  # the fold itself failed and dropped the set
                return
            for member_id, values in members.items():
                member = self.members[member_id]
                for name, value in zip(ORDER_FIELDS, values, strict=True):
                    setattr(member, name, value)
            for holding_id, row in holdings.items():
                if row is None:
                    self.holdings.pop(holding_id, None)
                else:
                    self.holdings[holding_id] = row
            self.market, self.version, self.served = market, version, served

        def forget() -> None:
            self.archived = None
            self.drop()

        return undo, forget

    def fold_changes(self, changes: Any, before: int, after: int) -> None:
        """Lays another write's `graph.ledger.drafts.Changes` (member counters and fields, pools,
        holdings), booked at `before` and moving the version to `after`, over the set — for the
        writes outside the batch paths (a refund, …) that would otherwise make it drop itself."""
        from graph.ledger.order_batch import PendingOrders

        pending = PendingOrders()
        pending.add_changes(changes)
        self.fold_orders(pending, before, after)

    def fold_rotation(self, before: int, after: int) -> None:
        """A rotation run booked at `before` (one statement moving the version by one): one more
        run, so every full member's offset r grows by one (`r`)."""
        self._folding([], self._fold_rotation, before, after)

    def _fold_rotation(self, before: int, after: int) -> None:
        if self.version != before:
            self.drop()
            return
        self.runs += 1
        self.version = after

    def fold_registrations(self, new: list[Row], links: list[Row], changed: list[Row], before: int,
                           after: int) -> None:
        """Sets what a registration batch booked at `before` set (`members_register_batch`)."""
        touched = [row["id"] for row in new] + [row["id"] for row in changed]
        self._folding(touched, self._fold_registrations, new, links, changed, before, after)

    def _fold_registrations(self, new: list[Row], links: list[Row], changed: list[Row], before: int,
                            after: int) -> None:
        if self.version != before:
            self.drop()
            return
        by_id = {link["id"]: link for link in links}
        for row in new:
            member = Member.registered(row, by_id.get(row["id"]))
            self.members[member.id] = member
            if row.get("landing_slug") is not None:
                self.slugs.add(row["landing_slug"])
            if member.parent_id is not None and member.own_slot is not None:
                parent = self.members[member.parent_id]
                parent.kids = {**(parent.kids or {}), member.own_slot: member.id}
            if member.sponsor_id is not None:
                sponsor = self.members[member.sponsor_id]
                sponsor.sponsored = [*(sponsor.sponsored or []), member.id]
        for row in changed:
            member = self.members[row["id"]]
            for name in ("referrals", "children", "size", "free_id", "free_depth", "free_seq", "full_at"):
                setattr(member, name, row[name])
        self.version = after
        self.served += 1


def _order_context(ws: WorkingSet, params: Mapping[str, Any]) -> list[Row] | None:
    """`order_context` at the set's version; the order is taken as new (the batch's statement
    refuses an id that exists: `unseen`; the batch asked the archive for all its ids at once)."""
    buyer = ws.members.get(params["buyer_id"])
    sponsor = ws.sponsor_of(buyer) if buyer is not None else None
    return [{"version": ws.version, "period_started": params["period"] in ws.started, "existing": None,
             "archive_checked": True, "buyer": buyer.holder(identity=True) if buyer is not None else None,
             "sponsor": sponsor.holder(identity=True) if sponsor is not None else None,
             "referrer_found": params["referrer_key"] in ws.members}]


def _archived_periods(ws: WorkingSet, params: Mapping[str, Any]) -> list[Row] | None:
    """`archived_periods` as last read (`WorkingSet.archived_periods`), copied for the caller."""
    return [dict(row) for row in ws.archived] if ws.archived is not None else None


ENGINE_READS: dict[str, WorkingRead] = {"order_context": _order_context, "archived_periods": _archived_periods}

# How an order batch's pending changes move what the set holds besides members (pools,
# holdings): plan modules register theirs (`graph.plans.linkage.batch_reads`).
FOLDS: list[Callable[[WorkingSet, "PendingOrders"], None]] = []


def wanted(default: bool = False) -> bool:
    """Whether REFNET_WORKING_SET asks for a working set ('1'/'0'; unset: `default`)."""
    value = os.environ.get("REFNET_WORKING_SET", "").strip().lower()
    if not value:
        return default
    return value not in ("0", "false", "no", "off")


def enable(rn: "Refnet", load: bool = True) -> WorkingSet:
    """Gives the engine a working set (loaded now unless `load` is false: then at its first write)."""
    from graph.core.plugin import plugins
    from graph.ledger.orders import plan_of

    reads: dict[str, WorkingRead] = {}
    for module in plugins(plan_of(rn)):
        reads.update(module.working_reads)
    ws = WorkingSet(reads)
    ws.loaded_at = -RELOAD_PAUSE
    rn.working_set = ws
    if load:
        rn.guard(lambda: ws.load(rn.store))
    return ws


def warm(rn: "Refnet") -> WorkingSet | None:
    """The engine's working set if it is loaded, else None (the caller reads the graph). A
    dropped set that is due is reloaded beside the writer (the writer goes on reading the
    graph); after `BESIDE_TRIES` of those in a row that the graph moved under, the writer loads
    it itself, holding the writes for the load. Call inside the guard."""
    ws: WorkingSet | None = getattr(rn, "working_set", None)
    if ws is None:
        return None
    if ws.due() and (ws.loader is None or not ws.loader.is_alive()):
        if ws.misses >= BESIDE_TRIES:
            ws.load(rn.store)
            ws.misses = 0
        else:
            _load_beside(rn, ws)
    return ws if ws.ready else None


def loading(rn: "Refnet") -> bool:
    """Whether a copy of the set is being loaded beside the writer: the writes booked meanwhile
    should fold (take the batch paths), so that the copy catches up with them when installed."""
    ws: WorkingSet | None = getattr(rn, "working_set", None)
    return ws is not None and ws.journal is not None


def start(rn: "Refnet") -> WorkingSet:
    """Gives the engine a working set that a thread loads beside the writer from now on (`serve`):
    the engine answers reads and writes at once, its writes reading the graph until the set is
    installed — which happens only if the graph is still at the version the set was read at,
    else it is tried again as after a drop (`warm`)."""
    ws = enable(rn, load=False)
    _load_beside(rn, ws)
    return ws


def _load_beside(rn: "Refnet", ws: WorkingSet) -> None:
    ws.loaded_at = time.monotonic()
    ws.journal = []
    ws.loader = threading.Thread(target=ws.reload_beside, args=(rn,), name="refnet-working-set", daemon=True)
    ws.loader.start()
