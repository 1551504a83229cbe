"""Shared by the benches: a throw-away embedded database and a skewed random network, grown
through registration (`grow_network`) or loaded in bulk (`bulk_network`, same stored result)."""

from __future__ import annotations

import contextlib
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.network import members
from graph.network.placement import ChainLink, FreePosition, Line, SponsorView, choose_target, propagate
from graph.service import Refnet
from graph.store.store import open_store


@contextlib.contextmanager
def engine(plan: Any = None, archive: bool = False) -> Iterator[Refnet]:
    """A Refnet on a fresh embedded FalkorDB in a temporary data dir (with `archive`, the
    closed periods' archive in it, as `refnet serve` has by default)."""
    with tempfile.TemporaryDirectory(prefix="refnet-bench-") as directory:
        store = open_store(Path(directory), url="")
        try:
            yield Refnet.start(store, plan, archive=Path(directory) / "archive" if archive else None)
        finally:
            store.close()


def skewed_sponsor(ids: list[str], rng: random.Random) -> str:
    """A sponsor drawn with a realistic skew: early members recruit very many (u³ favours the front)."""
    return ids[int(len(ids) * rng.random() ** 3)]


def grow_network(
    rn: Refnet,
    n: int,
    seed: int = 7,
    on_member: Callable[[int, float], None] | None = None,
) -> list[str]:
    """Registers a root and n members through `members.register`, the API's own path."""
    rng = random.Random(seed)
    ids = ["root"]
    members.register(rn, "Company", member_id="root")
    for index in range(n):
        member_id = f"m{index}"
        started = time.perf_counter()
        members.register(rn, "Member", sponsor_id=skewed_sponsor(ids, rng), member_id=member_id)
        ids.append(member_id)
        if on_member is not None:
            on_member(index, time.perf_counter() - started)
    return ids


@dataclass
class _Placed:
    """A member of the in-memory network that `bulk_network` computes."""

    id: str
    seq: int
    depth: int
    sponsor_depth: int
    sponsor_id: str | None
    parent_id: str | None
    slot: int | None
    referrals: int = 0
    size: int = 1
    children: dict[int, str] = field(default_factory=dict)
    free: FreePosition | None = None


def plan_network(n: int, seed: int = 7, first_seq: int = 1) -> list[_Placed]:
    """The network `grow_network(rn, n, seed)` registers, computed in memory with the same pure
    placement functions (rules §2), in registration order; the root first."""
    rng = random.Random(seed)
    root = _Placed("root", first_seq, 0, 0, None, None, None)
    root.free = FreePosition(0, first_seq, "root")
    network = {"root": root}
    ids = ["root"]
    for index in range(n):
        member_id = f"m{index}"
        sponsor = network[skewed_sponsor(ids, rng)]
        seq = first_seq + 1 + index
        lines = tuple(
            Line(slot, child_id, network[child_id].size, network[child_id].free)  # type: ignore[arg-type]
            for slot, child_id in sorted(sponsor.children.items())
        )
        decision = choose_target(SponsorView(sponsor.id, sponsor.referrals, 0, sponsor.depth, sponsor.seq, lines))
        parent = network[decision.target_id]
        chain: list[ChainLink] = []
        link: _Placed | None = parent
        while link is not None:
            chain.append(ChainLink(link.id, link.depth, link.seq, link.slot, len(link.children), link.free))  # type: ignore[arg-type]
            link = network[link.parent_id] if link.parent_id is not None else None
        slot = len(parent.children) + 1
        member = _Placed(member_id, seq, parent.depth + 1, sponsor.sponsor_depth + 1, sponsor.id, parent.id, slot)
        member.free = FreePosition(member.depth, seq, member_id)

        def children_of(member_id: str) -> dict[int, FreePosition]:
            return {s: network[c].free for s, c in network[member_id].children.items()}  # type: ignore[misc]

        changes = propagate(chain, member.free, slot, children_of)
        parent.children[slot] = member_id
        for chain_link in chain:
            network[chain_link.member_id].size += 1
        for ancestor_id, free in changes:
            network[ancestor_id].free = free
        sponsor.referrals += 1
        network[member_id] = member
        ids.append(member_id)
    return [network[member_id] for member_id in ids]


def bulk_network(rn: Refnet, n: int, seed: int = 7, batch: int = 5000) -> list[str]:
    """The same network as `grow_network(rn, n, seed)` — every stored property registration
    writes, except `created_at` — built with a few bulk statements into an empty graph.
    Returns the member ids in registration order."""
    version = rn.store.run("meta_version")[0]["version"]
    placed = plan_network(n, seed, first_seq=version + 1)
    now = rn.clock()
    runs = rn.store.run("rotation_counter")[0]["runs"]
    for start in range(0, len(placed), batch):
        chunk = placed[start:start + batch]
        rn.store.run("bulk_members_create", {"rows": [
            {"id": m.id, "name": "Company" if m.sponsor_id is None else "Member", "kind": "PARTNER",
             "seq": m.seq, "created_at": now, "depth": m.depth, "sponsor_depth": m.sponsor_depth,
             "referrals": m.referrals, "size": m.size, "children": len(m.children), "free_id": m.free.member_id,  # type: ignore[union-attr]
             "free_depth": m.free.depth, "free_seq": m.free.seq,  # type: ignore[union-attr]
             "full_at": runs if len(m.children) == 3 else None}
            for m in chunk
        ]})
    for start in range(0, len(placed), batch):
        rn.store.run("bulk_members_link", {"rows": [
            {"id": m.id, "sponsor_id": m.sponsor_id, "parent_id": m.parent_id, "slot": m.slot}
            for m in placed[start:start + batch] if m.sponsor_id is not None
        ]})
    rn.store.run("bulk_version_set", {"version": placed[-1].seq,
                                      "full_members": sum(1 for m in placed if len(m.children) == 3)})
    return [m.id for m in placed]
