"""Registering a batch (issue 18): one outcome per item, a bad item fails alone, and the batch
books exactly what registering the items one by one in order books."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from graph.core.errors import DomainError
from graph.network import batch, members
from graph.network.batch import RegisterItem
from graph.service import Refnet
from tests.support.placement_model import PlacementModel

STORED = ("id", "name", "kind", "status", "seq", "depth", "sponsor_depth", "referrals", "size", "children",
          "free_id", "free_depth", "free_seq", "full_at", "landing_slug", "registered_via")


def stored(rn: Refnet) -> dict:
    """Every member's stored placement state and links, and the graph's counters."""
    props = ", ".join(f"m.{name} AS {name}" for name in STORED)
    rows = rn.store.run_text(
        f"MATCH (m:Member) OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member) "
        f"OPTIONAL MATCH (m)-[l:PLACED_UNDER]->(p:Member) RETURN {props}, s.id AS sponsor, p.id AS parent, l.slot AS slot"
    )
    meta = rn.store.run_text("MATCH (v:Meta {key: 'version'}) RETURN v.value AS version, "
                             "v.full_members AS full_members, v.rotation_runs AS runs")
    return {"members": {row["id"]: row for row in rows}, "meta": meta}


def one_by_one(rn: Refnet, items: list[RegisterItem]) -> list[str | None]:
    """The error code of each item registered alone, in order (None when booked)."""
    codes: list[str | None] = []
    for item in items:
        try:
            members.register(rn, item.name, sponsor_id=item.sponsor_id, member_id=item.member_id, kind=item.kind,
                             landing_slug=item.landing_slug, acting_partner_id=item.acting_partner_id)
            codes.append(None)
        except DomainError as error:
            codes.append(error.code)
    return codes


def seed(rn: Refnet, n: int) -> None:
    members.register(rn, "Root", member_id="root")
    for index in range(n):
        members.register(rn, "M", sponsor_id=["root", "m0", "m1"][index % 3] if index > 1 else "root",
                         member_id=f"m{index}")


def test_a_bad_item_fails_alone_with_its_code(rn):
    seed(rn, 5)
    outcomes = batch.register_many(rn, [
        RegisterItem("A", "a", "root"),
        RegisterItem("B", "b", "nobody"),          # unknown sponsor
        RegisterItem("C", "a", "root"),            # id taken earlier in the batch
        RegisterItem("", "d", "root"),             # no name
        RegisterItem("E", "e", "a", landing_slug="shop-e"),
        RegisterItem("F", "f", "root", landing_slug="shop-e"),  # slug taken earlier in the batch
        RegisterItem("G", "m1", "root"),           # id taken in the graph
        RegisterItem("H", "h", "e", kind="NOBODY"),
    ])
    assert [o.error.code if o.error else None for o in outcomes] == [
        None, "NOT_FOUND", "CONFLICT", "BAD_INPUT", None, "CONFLICT", "CONFLICT", "BAD_INPUT"]
    assert [o.member.id for o in outcomes if o.member] == ["a", "e"]
    assert members.get_member(rn, "e").sponsor_id == "a"  # a sponsor booked earlier in the same batch
    assert members.get_member(rn, "b") is None and members.get_member(rn, "d") is None


def test_a_batch_with_a_root_and_only_bad_items(rn):
    outcomes = batch.register_many(rn, [RegisterItem("Root", "root"), RegisterItem("X", "x", "root")])
    assert [o.member.parent_id for o in outcomes if o.member] == [None, "root"]
    version = rn.store.run("meta_version")[0]["version"]
    assert [o.error.code for o in batch.register_many(rn, [RegisterItem("Y", "x", "root")])] == ["CONFLICT"]
    assert rn.store.run("meta_version")[0]["version"] == version


items_strategy = st.lists(
    st.tuples(st.integers(min_value=0, max_value=60), st.sampled_from(["ok", "ok", "ok", "ok", "unknown", "dup", "name"])),
    min_size=1, max_size=40,
)


@settings(max_examples=15, deadline=None)
@given(seeded=st.integers(min_value=0, max_value=25), plan=items_strategy, rotate=st.booleans())
def test_a_batch_books_what_registering_one_by_one_books(falkor, seeded, plan, rotate):
    """Random batches with some bad items: the graph after the batch equals the graph after the
    same items registered one by one (placements, counters, seqs, version); the outcomes' codes
    equal the one-by-one codes; placements equal the independent model's."""
    from graph.network import rotation
    from tests.support.db import graph_numbers
    from tests.support.rotation import set_week

    engines = [Refnet.start(falkor.with_graph(f"test_{next(graph_numbers)}")) for _ in range(2)]
    for rn in engines:
        rn.clock = lambda: 1_795_000_000_000
        seed(rn, seeded)
        if rotate:
            set_week(rn, "2026-W48")
            rotation.rotate(rn, "2026-W48")
            rn.clock = lambda: 1_795_000_000_000
    existing = ["root", *(f"m{i}" for i in range(seeded))]
    items: list[RegisterItem] = []
    for index, (pick, kind) in enumerate(plan):
        pool = existing + [item.member_id for item in items if item.member_id]
        sponsor = pool[pick % len(pool)]
        if kind == "unknown":
            items.append(RegisterItem("X", f"n{index}", "ghost"))
        elif kind == "dup":
            items.append(RegisterItem("X", pool[pick % len(pool)], sponsor))
        elif kind == "name":
            items.append(RegisterItem("  ", f"n{index}", sponsor))
        else:
            items.append(RegisterItem(f"N{index}", f"n{index}", sponsor))
    batched, sequential = engines
    outcomes = batch.register_many(batched, items)
    codes = one_by_one(sequential, items)
    assert [o.error.code if o.error else None for o in outcomes] == codes
    assert stored(batched) == stored(sequential)
    model = PlacementModel()
    for row in sorted(stored(batched)["members"].values(), key=lambda row: row["seq"]):
        model.register(row["id"], row["sponsor"])
        if rotate and row["id"] == existing[-1]:
            model.rotate()
        assert (model.parent[row["id"]], model.slot[row["id"]]) == (row["parent"], row["slot"])
