"""The working set beside an import (issue 18): `refnet import` into the graph a serving engine
writes moves the graph's version with every batch it writes, so the engine's next write finds its
set stale, is computed again from the graph and the set is read again — nothing computed from
member state the import changed under it."""

from __future__ import annotations

from typing import Any

from graph import working_set
from graph.admin import import_files, importer
from graph.ledger.order_batch import OrderItem
from graph.network import members
from graph.network.batch import RegisterItem
from graph.service import Refnet
from tests.ledger.test_working_set import PRICES, assert_same_as_loaded, engine, in_batches, one_by_one
from tests.support.db import graph_numbers

IMPORT_WRITES = {"import_members_create", "import_members_link", "import_members_trees", "import_orders_create",
                 "import_orders_create_counted", "import_orders_create_referred", "import_balances_book"}
MEMBER_FIELDS = ("kind", "status", "identity", "packages", "quota", "quota_used", "agent_referrals", "team_orders",
                 "team_sales", "shares_milli", "frozen", "paid", "points", "referrals", "size", "children", "free_id",
                 "depth", "sponsor_depth", "full_at", "landing_slug")


def csv_text(rows: list[dict]) -> str:
    header = list(rows[0])
    return "\n".join([",".join(header)] + [",".join(str(row[c]) for c in header) for row in rows]) + "\n"


def seed(rn: Refnet) -> None:
    """Two trees: the live one the service writes into (root), the one the import grows (legacy)."""
    members.register(rn, "Root", member_id="root")
    for i in range(9):
        members.register(rn, f"A{i}", sponsor_id="root" if i < 3 else f"a{i // 3 - 1}", member_id=f"a{i}")
    members.register(rn, "Legacy", member_id="legacy")
    for i in range(6):
        members.register(rn, f"L{i}", sponsor_id="legacy" if i < 2 else f"l{i // 2 - 1}", member_id=f"l{i}")


def files() -> tuple[list[Any], list[Any], list[Any]]:
    """Members under the legacy tree (some with their old placement), their historical orders and
    those of legacy members already in the graph, opening balances of legacy members."""
    rows = [{"id": f"imp{i}", "name": f"Imported {i}", "sponsor_id": "legacy" if i < 2 else f"imp{i // 3}",
             "placement_parent_id": "", "slot": ""} for i in range(12)]
    buyers = [f"imp{i}" for i in range(12)] + [f"l{i}" for i in range(6)]
    history = [{"id": f"h{i}", "buyer_id": buyers[(i * 7) % len(buyers)], "amount": PRICES[i % 3],
                "at": f"2025-0{1 + i % 9}-1{i % 10}T10:00:00Z", "referrer_id": "l1" if i % 5 == 0 else ""}
               for i in range(20)]
    balances = [{"member_id": f"l{i}", "available": f"{i * 31}.25", "frozen": f"{i}.10", "quota_used": "0.00",
                 "points": f"{i}.5"} for i in range(4)]
    return (import_files.members_of(csv_text(rows)), import_files.orders_of(csv_text(history)),
            import_files.balances_of(csv_text(balances)))


def live_writes(round_: int) -> list[tuple[str, Any]]:
    """What the service books between two of the import's batches: registrations and orders in
    the live tree."""
    return [("register", RegisterItem(f"N{round_}", f"n{round_}", f"a{round_ % 9}")),
            ("order", OrderItem(f"live{round_}a", f"a{(round_ * 2) % 9}", PRICES[round_ % 3])),
            ("order", OrderItem(f"live{round_}b", f"n{round_}", PRICES[(round_ + 1) % 3], "root"))]


def snapshot(rn: Refnet) -> dict[str, Any]:
    """Members (links and counters, not their registration numbers: those follow the version each
    registration was booked at), orders and entries."""
    props = ", ".join(f"m.{name} AS {name}" for name in MEMBER_FIELDS)
    queries = {
        "members": f"MATCH (m:Member) OPTIONAL MATCH (m)-[:SPONSORED_BY]->(s:Member) "
                   f"OPTIONAL MATCH (m)-[l:PLACED_UNDER]->(p:Member) "
                   f"RETURN m.id AS id, s.id AS sponsor, p.id AS parent, l.slot AS slot, {props}",
        "orders": "MATCH (o:Order)-[:BOUGHT_BY]->(b:Member) RETURN o.id AS id, b.id AS buyer, o.amount AS amount",
        "entries": "MATCH (e:Entry) OPTIONAL MATCH (e)-[:TO]->(m:Member) RETURN e.id AS id, e.rule AS rule, "
                   "e.status AS status, e.amount AS amount, m.id AS beneficiary",
    }
    return {kind: sorted((tuple(sorted(row.items())) for row in rn.store.run_text(query)), key=repr)
            for kind, query in queries.items()}


def test_a_serving_set_beside_an_import_recomputes_and_books_what_sequential_booking_books(falkor, monkeypatch):
    """A serving engine with a loaded set books live registrations and orders after every batch the
    import writes into the same graph (its own engine and guard, as a second process has), and
    after the import's members exist, a registration under an imported member and one reusing an
    imported member's id. Each of those finds the version moved and is computed again from the
    graph; afterwards the graph holds what importing first and then booking the same writes one by
    one holds, and the set equals one read afresh."""
    monkeypatch.setattr(importer, "BATCH", 4)
    monkeypatch.setattr(working_set, "RELOAD_PAUSE", 0.0)
    name = f"test_{next(graph_numbers)}"
    serve, importing, sequential = engine(falkor, name), engine(falkor, name), engine(falkor)
    seed(serve)
    seed(sequential)
    working_set.enable(serve)
    assert serve.working_set.ready
    booked: list[tuple[str, Any]] = []
    codes: list[str | None] = []
    run = importing.store.run
    statements: list[str] = []
    written: set[str] = set()

    def serve_writes(writes: list[tuple[str, Any]]) -> None:
        booked.extend(writes)
        codes.extend(in_batches(serve, writes, []))

    def run_beside_serve(query: str, params: Any = None) -> Any:
        result = run(query, params)
        if query in IMPORT_WRITES:
            statements.append(query)
            serve_writes(live_writes(len(statements)))
            if query.startswith("import_orders") and "late" not in written:
                written.add("late")  # the import's members exist: write where the import wrote
                serve_writes([("register", RegisterItem("Late", "late", "imp2")),
                              ("register", RegisterItem("Clash", "imp1", "a0")),
                              ("order", OrderItem("at-imported", "imp5", PRICES[0], "l2"))])
        return result

    importing.store.run = run_beside_serve
    result = importer.import_files(importing, *files())
    importing.store.run = run
    assert (result.members, result.orders, result.balances) == (12, 20, 4)
    assert len(statements) >= 10 and serve.working_set.drops > 0
    serve_writes([("order", OrderItem("after", "imp3", PRICES[1], "l0")),
                  ("register", RegisterItem("After", "after", "imp4"))])

    importer.import_files(sequential, *files())
    assert codes == one_by_one(sequential, booked)
    assert "CONFLICT" in codes and codes.count(None) == len(codes) - 1
    assert snapshot(serve) == snapshot(sequential)
    for _ in range(working_set.BESIDE_TRIES + 2):  # the set is read again beside the writer
        serve.working_set.settle()
        if serve.guard(lambda: working_set.warm(serve)) is not None:
            break
    assert serve.working_set.ready and serve.working_set.loads > 1
    assert_same_as_loaded(serve)
    serve_writes([("order", OrderItem("last", "late", PRICES[2], "imp1"))])
    sequential_codes = one_by_one(sequential, booked[-1:])
    assert codes[-1:] == sequential_codes == [None]
    assert snapshot(serve) == snapshot(sequential)
    assert_same_as_loaded(serve)
