"""A month close written straight to the archive (issue 18): with an archive configured the
differential close books no Entry node; its entries go to the period's close file, and every
read answers as a twin graph closed without an archive. Killed after the file, after its
record and after each counter batch, the re-run ends with the same counters and exactly one
copy of every entry; the move of the period folds the close file into its entries.parquet."""

from __future__ import annotations

import itertools
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from graph.core.errors import Unavailable
from graph.core.plan import load_plan
from graph.ledger import archive, history, orders, period_close, period_runs, refunds
from graph.network import members
from graph.plans.differential import close as differential_close
from graph.service import Refnet
from tests.support.archive import Killed, all_ids, hot_entries, kill, reads
from tests.support.refunds import ms

D = Decimal
PLAN = load_plan("differential")
MONTHS = ["2026-10", "2026-11"]
ORDERS = [("d1", "A", "5000.00", "02", None), ("d2", "B", "1000.00", "05", None), ("d3", "C", "800.00", "09", "E"),
          ("d4", "E", "12000.00", "12", None), ("d5", "B", "300.00", "19", None), ("d6", "R", "700.00", "21", "A")]
ORDER_IDS = [order_id for order_id, *_ in ORDERS] + ["late1", "n1", "n2"]
_graphs = itertools.count()


def engine(falkor, archive_root: Path | None) -> Refnet:
    rn = Refnet.start(falkor.with_graph(f"close_to_archive_{next(_graphs)}"), PLAN, archive=archive_root)
    rn.clock = lambda: ms("2026-10-01T00:00:00")
    for member_id, sponsor_id, kind in [("R", None, "PARTNER"), ("A", "R", "PARTNER"), ("B", "A", "CUSTOMER"),
                                        ("C", "A", "PARTNER"), ("E", "C", "PARTNER")]:
        members.register(rn, member_id, sponsor_id=sponsor_id, member_id=member_id, kind=kind)
    rn.clock = lambda: ms("2026-10-25T00:00:00")
    for order_id, buyer, amount, day, referrer in ORDERS:
        orders.record_order(rn, order_id, buyer, D(amount), referrer_id=referrer, at=ms(f"2026-10-{day}T08:00:00"))
    refunds.refund_order(rn, "d5", D("100.00"), "part returned", "r1")  # before the close: a smaller order
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    return rn


def counters(rn: Refnet) -> dict[str, tuple[int, int, int]]:
    return {row["id"]: (row["paid"], row["frozen"], row["burned"]) for row in rn.store.run_text(
        "MATCH (m:Member) RETURN m.id AS id, coalesce(m.paid, 0) AS paid, coalesce(m.frozen, 0) AS frozen, "
        "coalesce(m.burned, 0) AS burned")}


def runs(rn: Refnet) -> list:
    return period_runs.all_runs(rn)


def november(rn: Refnet) -> None:
    """A late order of the closed October, two orders of November, a refund of a closed order."""
    rn.clock = lambda: ms("2026-11-20T00:00:00")
    orders.record_order(rn, "late1", "C", D("400.00"), at=ms("2026-10-30T08:00:00"))
    for order_id, buyer, amount in [("n1", "E", "2500.00"), ("n2", "B", "900.00")]:
        orders.record_order(rn, order_id, buyer, D(amount), at=ms("2026-11-10T08:00:00"))
    refunds.refund_order(rn, "d4", D("2000.00"), "part returned", "r2")  # reverses October's entries
    rn.clock = lambda: ms("2026-12-02T00:00:00")


@pytest.fixture
def twins(falkor, tmp_path):
    """The same history on two graphs: without an archive, and with one."""
    return engine(falkor, None), engine(falkor, tmp_path / "archive")


def test_the_close_books_no_entry_and_every_read_equals_the_twin_closed_without_an_archive(twins, tmp_path):
    hot, cold = twins
    preview = period_close.preview_period(cold, "2026-10")
    assert preview == period_close.preview_period(hot, "2026-10")
    for rn in twins:
        differential_close.close_period(rn, "2026-10", member_batch=2)  # the move is left for later
    assert hot_entries(cold, "2026-10") == 0 and hot_entries(hot, "2026-10") > 0
    assert (tmp_path / "archive" / "2026-10" / "close-entries.parquet").is_file()
    assert reads(cold, ORDER_IDS, MONTHS) == reads(hot, ORDER_IDS, MONTHS)
    assert counters(cold) == counters(hot) and runs(cold) == runs(hot)
    assert sorted(all_ids(cold)) == sorted(all_ids(hot)) == sorted(row["id"] for row in preview)
    assert [row["id"] for row in history.order_entries(history.history(cold), ["d3"])] == \
        sorted(row["id"] for row in preview if row["order_id"] == "d3")
    for rn in twins:
        november(rn)  # the refund reads d4's entries from the close file (cold) or the graph (hot)
    assert reads(cold, ORDER_IDS, MONTHS) == reads(hot, ORDER_IDS, MONTHS)
    assert counters(cold) == counters(hot)
    moved = archive.archive_period(cold, "2026-10")  # folds the close file into entries.parquet
    assert moved.rows == sum(1 for row in preview) and moved.removed == 0  # nothing of October was hot
    assert not (tmp_path / "archive" / "2026-10" / "close-entries.parquet").exists()
    assert reads(cold, ORDER_IDS, MONTHS) == reads(hot, ORDER_IDS, MONTHS)
    for rn in twins:
        period_close.close_period(rn, "2026-11")  # the late order too; the archive moves November by itself
    assert hot_entries(cold, "2026-11") == 0
    assert [row["period"] for row in history.recorded(cold)] == MONTHS
    assert reads(cold, ORDER_IDS, MONTHS) == reads(hot, ORDER_IDS, MONTHS)
    assert counters(cold) == counters(hot) and runs(cold) == runs(hot)
    assert sorted(all_ids(cold)) == sorted(all_ids(hot))
    assert cold.store.run_text("MATCH (e:Entry) WHERE e.id STARTS WITH 'period:' RETURN count(e) AS n")[0]["n"] == 0


@pytest.mark.parametrize("where", [("file", 0), ("record", 0), ("batch", 0), ("batch", 1), ("batch", 2)])
def test_a_close_killed_at_any_step_is_finished_by_its_rerun(twins, tmp_path, where):
    hot, cold = twins
    differential_close.close_period(hot, "2026-10")
    with pytest.raises(Killed):
        differential_close.close_period(cold, "2026-10", member_batch=1, **kill(*where))
    assert differential_close.get_run(cold, "2026-10").state == "RUNNING"
    if where[0] != "file":  # recorded: the orders are closed and the file is read
        assert sorted(all_ids(cold)) == sorted(all_ids(hot))
    run = differential_close.close_period(cold, "2026-10", member_batch=5)  # the recorded batch size holds
    # four partners paid: one batch each, as recorded; killed before its record, the re-run's size
    assert run.state == "DONE" and run.close_batches == (1 if where[0] == "file" else 4)
    assert counters(cold) == counters(hot) and runs(cold) == runs(hot)
    ids = all_ids(cold)
    assert len(ids) == len(set(ids)) and sorted(ids) == sorted(all_ids(hot))
    assert reads(cold, ORDER_IDS, MONTHS) == reads(hot, ORDER_IDS, MONTHS)
    assert differential_close.close_period(cold, "2026-10") == run  # done: unchanged
    assert counters(cold) == counters(hot)


@pytest.mark.parametrize("where", [("files", 1), ("record", 1), ("remove", 1), ("done", 1)])
def test_the_move_after_such_a_close_killed_at_any_step_keeps_one_copy_of_every_entry(twins, tmp_path, where):
    hot, cold = twins
    for rn in twins:
        differential_close.close_period(rn, "2026-10")
    seen: Counter[str] = Counter()

    def step(name: str) -> None:
        seen[name] += 1
        if (name, seen[name]) == where:
            raise Killed(name)

    with pytest.raises(Killed):
        archive.archive_period(cold, "2026-10", step)
    ids = all_ids(cold)
    assert len(ids) == len(set(ids)) and sorted(ids) == sorted(all_ids(hot))
    assert reads(cold, ORDER_IDS, MONTHS) == reads(hot, ORDER_IDS, MONTHS)
    archive.archive_period(cold, "2026-10")
    ids = all_ids(cold)
    assert len(ids) == len(set(ids)) and sorted(ids) == sorted(all_ids(hot))
    assert reads(cold, ORDER_IDS, MONTHS) == reads(hot, ORDER_IDS, MONTHS)
    assert not (tmp_path / "archive" / "2026-10" / "close-entries.parquet").exists()


def test_a_close_file_left_unrecorded_is_never_read_and_is_written_again(twins, tmp_path):
    hot, cold = twins
    differential_close.close_period(hot, "2026-10")
    folder = tmp_path / "archive" / "2026-10"
    folder.mkdir(parents=True)
    (folder / "close-entries.parquet").write_bytes(b"PAR1 not a whole file")
    assert history.history(cold).files == []
    run = differential_close.close_period(cold, "2026-10")
    assert run.state == "DONE" and counters(cold) == counters(hot)
    assert reads(cold, ORDER_IDS, MONTHS) == reads(hot, ORDER_IDS, MONTHS)


def test_a_close_written_to_the_archive_needs_the_archive_to_finish(twins):
    _, cold = twins
    with pytest.raises(Killed):
        differential_close.close_period(cold, "2026-10", **kill("record"))
    cold.archive = None
    with pytest.raises(Unavailable, match="archive"):
        differential_close.close_period(cold, "2026-10")


LEDGER = '{ ledger(first: 1000) { id amount status beneficiaryId period } order(id: "d4") { entries { id amount } } }'


@pytest.mark.integration  # refnet serve and the command line on a data dir of its own
def test_a_backup_carries_the_close_file_into_the_restored_data_dir(tmp_path):
    from graph.store.store import open_store
    from tests.support.serve import Served, refnet

    data = tmp_path / "data"
    rn = Refnet.start(open_store(data), PLAN, archive=data / "archive")
    try:
        rn.clock = lambda: ms("2026-10-01T00:00:00")
        members.register(rn, "R", member_id="R", kind="PARTNER")
        members.register(rn, "A", sponsor_id="R", member_id="A", kind="PARTNER")
        rn.clock = lambda: ms("2026-10-25T00:00:00")
        orders.record_order(rn, "d4", "A", D("12000.00"), at=ms("2026-10-12T08:00:00"))
        rn.clock = lambda: ms("2026-11-02T00:00:00")
        differential_close.close_period(rn, "2026-10")  # not moved: its entries are in the close file only
    finally:
        rn.store.close()
    served = Served(data)
    try:
        served.wait_healthy()
        before = served.ok(LEDGER)
        assert before["order"]["entries"]
        backup = refnet("backup", str(tmp_path / "snap.tar"), "--data", str(data))
        assert backup.returncode == 0, backup.stderr
    finally:
        served.stop()
    restored = tmp_path / "restored"
    done = refnet("restore", str(tmp_path / "snap.tar"), "--data", str(restored))
    assert done.returncode == 0, done.stderr
    assert (restored / "archive" / "2026-10" / "close-entries.parquet").read_bytes() == \
        (data / "archive" / "2026-10" / "close-entries.parquet").read_bytes()
    assert Served.answer(restored, LEDGER) == before


def test_a_refund_between_the_snapshot_and_the_record_makes_the_close_compute_again(twins, monkeypatch):
    """Another write lands after the close file is written (a refund of an order of the month,
    still open): the record is refused, the close reads and computes again and writes the file
    anew; the order is booked at its amount net of the refund, and nothing twice."""
    _, cold = twins
    reads_made = []
    real = differential_close.read_snapshot

    def counted(rn, period):
        reads_made.append(period)
        return real(rn, period)

    def refund_once(name: str) -> None:
        if name == "file" and len(reads_made) == 1:
            refunds.refund_order(cold, "d2", D("400.00"), "returned during the close", "r-mid")

    monkeypatch.setattr(differential_close, "read_snapshot", counted)
    run = differential_close.close_period(cold, "2026-10", step=refund_once)
    assert run.state == "DONE" and len(reads_made) == 2
    entries = history.order_entries(history.history(cold), ["d2"])
    assert sum(row["amount"] for row in entries) == 12000  # 20 % of 600.00: the net amount, no reversal
    assert all(row["reverses"] is None for row in entries)
    ids = all_ids(cold)
    assert len(ids) == len(set(ids))
    paid: Counter[str] = Counter()
    for row in history.connection().execute(
            "SELECT beneficiary_id, amount FROM read_parquet(?) WHERE status = 'PAID'", [history.history(cold).files]
    ).fetchall():
        paid[row[0]] += row[1]
    assert {member_id: counts[0] for member_id, counts in counters(cold).items() if counts[0]} == dict(paid)


def test_a_month_without_orders_closes_to_an_empty_file_and_moves(twins, tmp_path):
    _, cold = twins
    period_close.close_period(cold, "2026-10")
    cold.clock = lambda: ms("2026-12-02T00:00:00")
    run = period_close.close_period(cold, "2026-11")  # nothing to book; the move follows by itself
    assert run.done and run.entries == 0 and run.orders == 0
    assert [row["period"] for row in history.recorded(cold)] == MONTHS
    assert not (tmp_path / "archive" / "2026-11" / "close-entries.parquet").exists()
    assert archive.archive_period(cold, "2026-11").rows == 0
