"""The archive of closed periods (issue 19): a closed month moves to Parquet and every read of
the ledger answers as before; a refund of an archived order reverses its archived entries in
the open month; `refnet query --history` reads only."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal

import pytest

from graph.core.errors import BadInput, Conflict
from graph.ledger import archive, history, orders, period_close, period_runs, refunds
from graph.ledger import entries as ledger
from tests.support.archive import hot_entries, hot_orders, hot_ranks, hot_refunds, october, reads
from tests.support.refunds import ms

D = Decimal


def test_archiving_a_closed_month_changes_no_read_and_empties_the_graph_of_it(rn, tmp_path):
    order_ids = october(rn)
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    run = period_close.close_period(rn, "2026-10")  # no archive configured: nothing moves
    orders.record_order(rn, "o6", "C", D("1000.00"), at=ms("2026-11-01T09:00:00"))
    refunds.refund_order(rn, "o4", D("1000.00"), "one returned", "r2")  # reverses October's entries in November
    order_ids.append("o6")
    before = reads(rn, order_ids, ["2026-10", "2026-11"])
    october_entries = hot_entries(rn, "2026-10")
    assert october_entries > 20 and hot_entries(rn, "2026-11") > 0

    rn.archive = tmp_path / "archive"
    moved = archive.archive_period(rn, "2026-10")

    october_ranks = sum(len(months) for months in before["ranks"].values())
    assert october_ranks > 0  # the close recorded the rank history of October
    assert (moved.rows, moved.removed, moved.written) == (october_entries, october_entries, True)
    assert hot_entries(rn, "2026-10") == 0 and hot_ranks(rn, "2026-10") == 0
    # October's orders and refund moved too; November's order and refund (of an October order) stay
    assert hot_orders(rn, order_ids) == ["o6"] and hot_refunds(rn) == ["r2"]
    after = reads(rn, order_ids, ["2026-10", "2026-11"])
    for name in before:
        assert after[name] == before[name], name
    # the archive's sums are the run's totals and the manifest's
    _, rows = history.query(rn, "SELECT sum(amount)::BIGINT, count(*) FROM entries "
                                "WHERE starts_with(id, 'period:2026-10:')")
    assert (D(rows[0][0]) / 100, rows[0][1]) == (run.booked, run.entries)
    manifest = json.loads((tmp_path / "archive" / "2026-10" / "manifest.json").read_text())
    assert manifest["rows"] == october_entries and manifest["ranks"] == october_ranks
    assert (manifest["orders"], manifest["refunds"]) == (5, 1)
    assert history.query(rn, "SELECT id, amount FROM orders ORDER BY id")[1] == \
        [("o1", 500000), ("o2", 100000), ("o3", 100000), ("o4", 1000000), ("o5", 100000)]
    assert history.query(rn, "SELECT id, order_id, amount FROM refunds")[1] == [("r1", "o3", 25000)]
    assert history.query(rn, "SELECT count(*) FROM ranks WHERE period = '2026-10'")[1] == [(october_ranks,)]
    assert manifest["cents"] == sum(cents for *_, cents in manifest["members"]) == sum(manifest["rules"].values())
    assert manifest["sha256"] == archive.file_sha256(tmp_path / "archive" / "2026-10" / "entries.parquet")
    again = archive.archive_period(rn, "2026-10")  # idempotent
    assert (again.rows, again.removed, again.written) == (october_entries, 0, False)
    assert reads(rn, order_ids, ["2026-10", "2026-11"]) == before


def test_a_close_moves_its_month_by_itself_and_runs_agree(rn, tmp_path):
    rn.archive = tmp_path
    october(rn)
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    run = period_close.close_period(rn, "2026-10")
    assert hot_entries(rn, "2026-10") == 0
    assert [row["period"] for row in history.recorded(rn)] == ["2026-10"]
    stored = period_runs.all_runs(rn)[0]
    assert (stored.entries, stored.booked, stored.paid, stored.retained, stored.done) == \
        (run.entries, run.booked, run.paid, run.retained, True)
    assert archive.archive_closed(rn) == []  # nothing left to move


def test_an_open_month_is_refused(rn, tmp_path):
    rn.archive = tmp_path
    october(rn)
    with pytest.raises(BadInput, match="not closed"):
        archive.archive_period(rn, "2026-10")
    assert hot_entries(rn, "2026-10") > 0 and history.recorded(rn) == []


def test_a_refund_of_an_archived_order_mirrors_its_archived_entries_in_the_open_month(rn, tmp_path):
    october(rn)
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    period_close.close_period(rn, "2026-10")
    rn.archive = tmp_path
    archive.archive_period(rn, "2026-10")
    booked = [e for e in ledger.entries_of_orders(rn, ["o4"])["o4"] if e.reverses is None]
    assert booked and hot_entries(rn, "2026-10") == 0

    refund = refunds.refund_order(rn, "o4", D("2500.00"), "a quarter returned", "r9")

    assert refund.period == "2026-11"
    reversals = [e for e in ledger.ledger(rn, period="2026-11", first=1000) if e.refund_id == "r9"]
    assert all(e.period == "2026-11" and e.amount < 0 for e in reversals)
    of_order = {e.reverses: e.amount for e in reversals if e.order_id == "o4"}
    assert set(of_order) == {e.id for e in booked}  # every archived entry of the order, pro rata
    for entry in booked:
        assert abs(of_order[entry.id] + entry.amount / 4) < D("0.01")
    assert sum(of_order.values()) == D("-2500.00")
    closed = [e for e in reversals if e.order_id is None]  # the closed month's pool splits, archived too
    assert closed and all(e.reverses.startswith("period:2026-10:") for e in closed)
    refunds.refund_order(rn, "o4", D("7500.00"), "the rest", "r10")  # the rest reverses every entry to zero
    net: dict[str, Decimal] = {}
    for e in ledger.entries_of_orders(rn, ["o4"])["o4"]:
        key = e.reverses or e.id
        net[key] = net.get(key, D(0)) + e.amount
    assert set(net.values()) == {D("0.00")}


def test_history_queries_read_and_refuse_anything_else(rn, tmp_path):
    rn.archive = tmp_path
    october(rn)
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    period_close.close_period(rn, "2026-10")
    columns, rows = history.query(rn, "SELECT period, count(*) AS n FROM entries GROUP BY period")
    assert columns == ["period", "n"] and rows[0][0] == "2026-10" and rows[0][1] > 0
    assert history.query(rn, "SELECT period FROM periods")[1] == [("2026-10",)]
    path = tmp_path / "2026-10" / "entries.parquet"
    size = path.stat().st_size
    for sql in ("DELETE FROM entries", "CREATE TABLE t AS SELECT 1", f"COPY (SELECT 1) TO '{tmp_path}/x.csv'",
                "INSERT INTO entries VALUES (1)", "SET threads = 1", "ATTACH 'x.db'", "SELECT 1; DROP VIEW entries",
                "INSTALL httpfs", "PRAGMA enable_profiling", "", "DROP VIEW entries"):
        with pytest.raises(BadInput):
            history.query(rn, sql)
    assert path.stat().st_size == size and not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("plan_name", ["differential", "differential-sponsor-funded"])
def test_the_differential_plans_read_the_same_after_their_month_moves(store, tmp_path, plan_name):
    from graph.core.plan import load_plan
    from graph.ledger import payout, payouts, statements
    from graph.network import members
    from graph.service import Refnet

    rn = Refnet.start(store, load_plan(plan_name))
    rn.clock = lambda: ms("2026-10-01T00:00:00")
    members.register(rn, "R", member_id="R", kind="PARTNER")
    members.register(rn, "A", sponsor_id="R", member_id="A", kind="PARTNER")
    members.register(rn, "B", sponsor_id="A", member_id="B")
    rn.clock = lambda: ms("2026-10-25T00:00:00")
    for order_id, buyer, amount, day in [("d1", "A", "5000.00", "02"), ("d2", "B", "1000.00", "05"),
                                         ("d3", "B", "800.00", "19")]:
        orders.record_order(rn, order_id, buyer, D(amount), at=ms(f"2026-10-{day}T08:00:00"))
    refunds.refund_order(rn, "d3", D("300.00"), "part returned", "dr1")
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    period_close.close_period(rn, "2026-10")

    def everything() -> tuple:
        return (ledger.ledger(rn, first=1000), ledger.entries_of_orders(rn, ["d1", "d2", "d3"]),
                [statements.statement(rn, m, "2026-10") for m in ("R", "A", "B")], payouts.payouts(rn, "2026-10"),
                payout.payout_report(rn, ms("2026-10-01T00:00:00"), ms("2026-12-01T00:00:00")))

    before = everything()
    assert any(e.rule == "differential" for e in before[0])
    rn.archive = tmp_path
    assert archive.archive_period(rn, "2026-10").removed > 0
    assert everything() == before
    rn.clock = lambda: ms("2026-11-03T00:00:00")
    refunds.refund_order(rn, "d2", D("1000.00"), "all returned", "dr2")  # its differential entries, archived
    net: dict[str, Decimal] = {}
    for e in ledger.entries_of_orders(rn, ["d2"])["d2"]:
        net[e.reverses or e.id] = net.get(e.reverses or e.id, D(0)) + e.amount
    assert net and set(net.values()) == {D("0.00")}


def test_a_closed_month_without_entries_moves_as_an_empty_file(rn, tmp_path):
    rn.archive = tmp_path
    october(rn)
    rn.clock = lambda: ms("2026-12-02T00:00:00")
    period_close.close_period(rn, "2026-10")
    before = ledger.ledger(rn, first=1000)
    period_close.close_period(rn, "2026-11")  # nothing happened in November
    assert [(row["period"], row["rows"], row["removed"]) for row in history.recorded(rn)][1] == ("2026-11", 0, True)
    assert ledger.ledger(rn, first=1000) == before
    assert history.query(rn, "SELECT count(*) FROM entries WHERE period = '2026-11'")[1] == [(0,)]


def archived_october(rn, tmp_path) -> list[str]:
    order_ids = october(rn)
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    rn.archive = tmp_path
    period_close.close_period(rn, "2026-10")  # moves October by itself
    assert hot_orders(rn, order_ids) == [] and hot_refunds(rn) == []
    return order_ids


def test_an_archived_order_id_is_answered_or_refused_as_before(rn, tmp_path):
    archived_october(rn, tmp_path)
    stored = orders.record_order(rn, "o2", "B", D("1000.00"), at=ms("2026-10-05T08:00:00"))
    assert (stored.id, stored.buyer_id, stored.amount, stored.period) == ("o2", "B", D("1000.00"), "2026-10")
    assert orders.record_order(rn, "o2", "B", D("1000.00")) == stored  # `at` omitted matches any time
    for different in ({"buyer_id": "C"}, {"amount": D("5000.00")}, {"at": ms("2026-11-01T08:00:00")}):
        args = {"buyer_id": "B", "amount": D("1000.00"), "at": ms("2026-10-05T08:00:00")} | different
        with pytest.raises(Conflict, match="already recorded"):
            orders.record_order(rn, "o2", args["buyer_id"], args["amount"], at=args["at"])
    assert hot_orders(rn, ["o2"]) == []  # nothing was written
    assert ledger.ledger(rn, order_id="o2", period="2026-11", first=10) == []


@pytest.mark.parametrize("remembered", [False, True], ids=["graph", "working-set"])
def test_a_batch_with_archived_order_ids_books_only_the_new_ones(rn, tmp_path, remembered):
    from graph import working_set
    from graph.ledger import order_batch

    archived_october(rn, tmp_path)
    if remembered:  # computed from the working set, which holds no orders: the archive is still asked
        assert working_set.enable(rn).ready
    items = [order_batch.OrderItem("o1", "A", D("5000.00"), None, ms("2026-10-02T08:00:00")),
             order_batch.OrderItem("n1", "C", D("1000.00"), None, ms("2026-11-01T10:00:00")),
             order_batch.OrderItem("o4", "E", D("1000.00"), None, None)]
    outcomes = order_batch.record_many(rn, items)
    assert outcomes[0].order is not None and outcomes[0].order.amount == D("5000.00")
    assert outcomes[1].order is not None and hot_orders(rn, ["n1", "o1", "o4"]) == ["n1"]
    assert outcomes[2].order is None and outcomes[2].error is not None and outcomes[2].error.code == "CONFLICT"


def test_a_lone_order_from_the_working_set_reads_the_archived_periods_once(rn, tmp_path):
    from graph import working_set
    from graph.ledger import order_batch
    from tests.support.db import counting

    archived_october(rn, tmp_path)
    rn.clock = lambda: ms("2026-11-03T00:00:00")
    assert working_set.enable(rn).ready
    names = counting(rn)
    for order_id in ("n1", "n2"):
        [outcome] = order_batch.record_many(rn, [order_batch.OrderItem(order_id, "C", D("1000.00"))])
        assert outcome.order is not None and outcome.order.id == order_id
    assert names == ["archived_periods", "orders_record_batch", "orders_record_batch"]
    assert hot_orders(rn, ["n1", "n2"]) == ["n1", "n2"]


def test_a_working_set_that_missed_an_archived_period_books_nothing_from_it(rn, tmp_path):
    """The set read the archived periods before October moved: the statement sees their number
    changed, and the graph's path answers (an archived id as the archived order, not a new one)."""
    from graph import working_set
    from graph.ledger import order_batch

    archived_october(rn, tmp_path)
    rn.clock = lambda: ms("2026-11-03T00:00:00")
    ws = working_set.enable(rn)
    ws.archived = []  # as read before the move
    [again] = order_batch.record_many(rn, [order_batch.OrderItem("o2", "B", D("1000.00"))])
    assert again.order is not None and (again.order.period, again.order.amount) == ("2026-10", D("1000.00"))
    assert hot_orders(rn, ["o2"]) == []  # answered from the archive, not booked again
    [new] = order_batch.record_many(rn, [order_batch.OrderItem("n1", "C", D("1000.00"))])
    assert new.order is not None and hot_orders(rn, ["n1"]) == ["n1"]
    assert ws.archived is not None and [row["period"] for row in ws.archived] == ["2026-10"]  # read again


def test_refunds_of_an_archived_order_add_up_over_the_archive_and_the_graph(rn, tmp_path):
    archived_october(rn, tmp_path)
    assert orders.get_order(rn, "o3").refunded == D("250.00")  # r1, archived
    again = refunds.refund_order(rn, "o3", D("250.00"), "part returned", "r1")  # the archived refund, repeated
    assert (again.order_id, again.amount, again.period) == ("o3", D("250.00"), "2026-10")
    with pytest.raises(Conflict):
        refunds.refund_order(rn, "o3", D("100.00"), "part returned", "r1")
    refunds.refund_order(rn, "o3", D("500.00"), "more returned", "r3")
    assert orders.get_order(rn, "o3").refunded == D("750.00")
    with pytest.raises(BadInput, match="more than what is left"):
        refunds.refund_order(rn, "o3", D("250.01"), "too much", "r4")
    refunds.refund_order(rn, "o3", D("250.00"), "the rest", "r4")
    assert [r.id for r in refunds.refunds_of_orders(rn, ["o3"])["o3"]] == ["r1", "r3", "r4"]
    assert hot_orders(rn, ["o3"]) == []  # a refund brings no order back into the graph
    # November closes and moves: its refunds of the October order join the archive
    rn.clock = lambda: ms("2026-12-02T00:00:00")
    period_close.close_period(rn, "2026-11")
    assert hot_refunds(rn) == []
    assert orders.get_order(rn, "o3").refunded == D("1000.00")
    assert [r.id for r in refunds.refunds_of_orders(rn, ["o3"])["o3"]] == ["r1", "r3", "r4"]
    with pytest.raises(BadInput, match="more than what is left"):
        refunds.refund_order(rn, "o3", D("0.01"), "nothing left", "r5")


def test_the_payout_report_counts_archived_sales_and_refunds(rn, tmp_path):
    from graph.ledger import payout

    order_ids = october(rn)
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    period_close.close_period(rn, "2026-10")
    rng = (ms("2026-10-01T00:00:00"), ms("2026-12-01T00:00:00"))
    before = payout.payout_report(rn, *rng)
    assert before.revenue == D("17750.00")  # 18,000 sold, 250 refunded
    rn.archive = tmp_path
    archive.archive_period(rn, "2026-10")
    assert hot_orders(rn, order_ids) == []
    assert payout.payout_report(rn, *rng) == before


def test_an_import_rerun_skips_archived_orders_and_refuses_other_content(rn, tmp_path):
    from graph.admin import importer
    from graph.admin.import_files import OrderRow

    archived_october(rn, tmp_path)
    same = OrderRow(where="orders.csv:2", id="o1", buyer_id="A", amount=D("5000.00"), at=ms("2026-10-02T08:00:00"),
                    referrer_id=None, cents=500000)
    importer.import_files(rn, [], [same], [])
    assert hot_orders(rn, ["o1"]) == []  # a repeat: skipped
    other = replace(same, amount=D("1000.00"), cents=100000)
    with pytest.raises(Conflict, match="other content"):
        importer.import_files(rn, [], [other], [])
    assert hot_orders(rn, ["o1"]) == []


def test_moving_a_member_carries_its_archived_sales(rn, tmp_path):
    from graph.admin import member_admin

    def team_sales() -> dict[str, int]:
        return {row["id"]: row["cents"] for row in rn.store.run_text(
            "MATCH (m:Member) RETURN m.id AS id, coalesce(m.team_sales, 0) AS cents")}

    archived_october(rn, tmp_path)
    before = team_sales()
    # B bought o2 and o5 (2,000.00) and E under B o4 (10,000.00): moving B from A to C carries 12,000.00
    member_admin.move_member(rn, "B", new_sponsor_id="C", reason="asked to", by="admin")
    after = team_sales()
    assert after["C"] - before["C"] == 1_200_000
    assert (after["A"], after["R"]) == (before["A"], before["R"])  # C is under A: A and R keep it


ORDERS_READ = """{ o1: order(id: "o1") { ...o } o3: order(id: "o3") { ...o } o4: order(id: "o4") { ...o } }
fragment o on Order { id buyerId amount referrerId at period planVersion refunded
                      entries { id rule status amount beneficiaryId period reverses } }"""
RECORD = """mutation($id: ID!, $buyer: ID!, $amount: Money!, $at: DateTime) {
  recordOrder(input: {id: $id, buyerId: $buyer, amount: $amount, at: $at}) { id amount period refunded } }"""


def test_the_api_reads_and_answers_archived_orders_as_before(rn, gql, tmp_path):
    october(rn)
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    period_close.close_period(rn, "2026-10")
    before = gql.ok(ORDERS_READ)
    repeated = gql.ok(RECORD, id="o3", buyer="C", amount="1000.00", at="2026-10-09T08:00:00Z")
    assert {key: repeated["recordOrder"][key] for key in ("id", "amount", "period")} == \
        {"id": "o3", "amount": "1000.00", "period": "2026-10"}
    rn.archive = tmp_path
    archive.archive_period(rn, "2026-10")
    assert hot_orders(rn, ["o1", "o3", "o4"]) == []
    assert gql.ok(ORDERS_READ) == before
    assert gql.ok(RECORD, id="o3", buyer="C", amount="1000.00", at="2026-10-09T08:00:00Z") == repeated
    error = gql.error(RECORD, id="o3", buyer="C", amount="5000.00", at=None)
    assert error["extensions"]["code"] == "CONFLICT" and "already recorded" in error["message"]
    refund = gql.ok('mutation { refundOrder(orderId: "o3", amount: "750.00", reason: "the rest", id: "r7") '
                    "{ id orderId amount period } }")
    assert refund["refundOrder"] == {"id": "r7", "orderId": "o3", "amount": "750.00", "period": "2026-11"}
    after = gql.ok(ORDERS_READ)["o3"]
    assert after["refunded"] == "1000.00" and sum(D(e["amount"]) for e in after["entries"]) == D("0.00")
    error = gql.error('mutation { refundOrder(orderId: "o3", amount: "0.01", reason: "again", id: "r8") { id } }')
    assert error["extensions"]["code"] == "BAD_INPUT"


def test_an_order_an_open_close_still_needs_stays_until_a_later_move(store, tmp_path):
    from graph.core.plan import load_plan
    from graph.network import members
    from graph.service import Refnet

    rn = Refnet.start(store, load_plan("differential"))
    rn.clock = lambda: ms("2026-10-01T00:00:00")
    members.register(rn, "R", member_id="R", kind="PARTNER")
    members.register(rn, "A", sponsor_id="R", member_id="A", kind="PARTNER")
    rn.clock = lambda: ms("2026-10-25T00:00:00")
    orders.record_order(rn, "d1", "A", D("5000.00"), at=ms("2026-10-02T08:00:00"))
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    period_close.close_period(rn, "2026-10")  # no archive yet
    late = orders.record_order(rn, "d2", "A", D("1000.00"), at=ms("2026-10-20T08:00:00"))  # booked at November's close
    assert late.period == "2026-10"
    rn.archive = tmp_path
    moved = archive.archive_period(rn, "2026-10")
    assert hot_orders(rn, ["d1", "d2"]) == ["d2"]  # November's close has still to book it
    assert json.loads((tmp_path / "2026-10" / "manifest.json").read_text())["orders"] == 1 and moved.removed > 0
    rn.clock = lambda: ms("2026-12-02T00:00:00")
    rn.archive = None
    period_close.close_period(rn, "2026-11")  # books d2 (and does not move November by itself)
    rn.archive = tmp_path
    before = ledger.entries_of_orders(rn, ["d1", "d2"])
    assert before["d1"] and any(e.period == "2026-11" for e in before["d2"])
    assert [result.period for result in archive.archive_closed(rn)] == ["2026-11"]  # with d2, of October
    assert hot_orders(rn, ["d1", "d2"]) == []
    assert history.query(rn, "SELECT id, period, closed_in FROM orders ORDER BY id")[1] == \
        [("d1", "2026-10", "2026-10"), ("d2", "2026-10", "2026-11")]
    assert ledger.entries_of_orders(rn, ["d1", "d2"]) == before
    assert orders.get_order(rn, "d2") == late
