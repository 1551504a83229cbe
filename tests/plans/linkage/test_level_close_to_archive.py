"""The linkage close's level step written straight to the archive (issue 18): with an archive
configured it books no level Entry node (the pools step's few entries stay in the graph until
the move); every read answers as a twin graph closed without an archive, killed after the
file, its record or a counter batch the re-run ends the same, and the move folds the file in."""

from __future__ import annotations

import itertools
from decimal import Decimal
from pathlib import Path

import pytest

from graph.core.plan import load_plan
from graph.ledger import archive, period_runs, refunds
from graph.plans.linkage import close as linkage_close
from graph.service import Refnet
from tests.support.archive import Killed, all_ids, kill, october, reads
from tests.support.refunds import ms

D = Decimal
PLAN = load_plan("linkage-3plus1")
MONTHS = ["2026-10", "2026-11"]
_graphs = itertools.count()


def engine(falkor, archive_root: Path | None) -> tuple[Refnet, list[str]]:
    rn = Refnet.start(falkor.with_graph(f"level_to_archive_{next(_graphs)}"), PLAN, archive=archive_root)
    order_ids = october(rn)
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    return rn, order_ids


def state(rn: Refnet) -> tuple:
    """Member counters, pools and the orders' level marks."""
    return (rn.store.run_text("MATCH (m:Member) RETURN m.id AS id, coalesce(m.paid, 0) AS paid, "
                              "coalesce(m.frozen, 0) AS frozen, coalesce(m.burned, 0) AS burned ORDER BY id"),
            rn.store.run_text("MATCH (p:Pool) RETURN p.name AS name, p.balance AS balance ORDER BY name"),
            rn.store.run_text("MATCH (o:Order) RETURN o.id AS id, o.level_open AS open, o.level_closed AS closed "
                              "ORDER BY id"),
            period_runs.all_runs(rn))


@pytest.fixture
def twins(falkor, tmp_path):
    (hot, order_ids), (cold, _) = engine(falkor, None), engine(falkor, tmp_path / "archive")
    return hot, cold, order_ids


def level_entries(rn: Refnet) -> int:
    return int(rn.store.run_text("MATCH (e:Entry) WHERE e.id STARTS WITH 'period:2026-10:level:' RETURN count(e) AS n")
               [0]["n"])


def test_the_level_step_books_no_entry_and_every_read_equals_the_twin(twins, tmp_path):
    hot, cold, order_ids = twins
    for rn in (hot, cold):
        linkage_close.close_period(rn, "2026-10", member_batch=2)  # the move is left for later
    assert level_entries(cold) == 0 and level_entries(hot) > 0
    assert (tmp_path / "archive" / "2026-10" / "close-entries.parquet").is_file()
    assert reads(cold, order_ids, MONTHS) == reads(hot, order_ids, MONTHS)
    assert state(cold) == state(hot)
    ids = all_ids(cold)
    assert len(ids) == len(set(ids)) and sorted(ids) == sorted(all_ids(hot))
    for rn in (hot, cold):  # reverses the order's level split read from the close file (cold) or the graph
        rn.clock = lambda: ms("2026-11-05T00:00:00")
        refunds.refund_order(rn, "o4", D("4000.00"), "part returned", "r9")
    assert reads(cold, order_ids, MONTHS) == reads(hot, order_ids, MONTHS) and state(cold) == state(hot)
    archive.archive_period(cold, "2026-10")  # folds the close file into entries.parquet
    assert not (tmp_path / "archive" / "2026-10" / "close-entries.parquet").exists()
    assert reads(cold, order_ids, MONTHS) == reads(hot, order_ids, MONTHS)
    ids = all_ids(cold)
    assert len(ids) == len(set(ids)) and sorted(ids) == sorted(all_ids(hot))


@pytest.mark.parametrize("where", [("file", 0), ("record", 0), ("batch", 0), ("batch", 1)])
def test_a_level_step_killed_at_any_step_is_finished_by_its_rerun(twins, where):
    hot, cold, order_ids = twins
    linkage_close.close_period(hot, "2026-10")
    with pytest.raises(Killed):
        linkage_close.close_period(cold, "2026-10", member_batch=1, **kill(*where))
    assert not linkage_close.runs(cold)[0].done
    run = linkage_close.close_period(cold, "2026-10", member_batch=5)
    assert run.done and state(cold) == state(hot)
    ids = all_ids(cold)
    assert len(ids) == len(set(ids)) and sorted(ids) == sorted(all_ids(hot))
    assert reads(cold, order_ids, MONTHS) == reads(hot, order_ids, MONTHS)
    assert linkage_close.close_period(cold, "2026-10") == run and state(cold) == state(hot)
