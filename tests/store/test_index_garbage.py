"""FalkorDB's index garbage (issue 19): updates and deletes leave document ids behind in a
label's index; a rebuild gives them back without changing the schema, lookups or unique
constraints, and the close's archive move asks for it by itself."""

from __future__ import annotations

import time

import pytest

from graph.ledger import archive, period_close
from graph.store import index_garbage
from graph.store.index_garbage import LabelIndex, label_indexes, needs_rebuild, rebuild_with_garbage
from graph.store.schema import ensure_schema
from tests.support.archive import october
from tests.support.refunds import ms


def test_a_label_is_rebuilt_once_its_garbage_is_a_quarter_of_it_and_above_the_floor():
    assert needs_rebuild(LabelIndex("Member", 100_000, 150_000, True), floor=50_000)
    assert not needs_rebuild(LabelIndex("Member", 100_000, 149_999, True), floor=50_000)  # the floor
    assert needs_rebuild(LabelIndex("Member", 1_000_000, 1_250_000, True), floor=50_000)
    assert not needs_rebuild(LabelIndex("Member", 1_000_000, 1_249_999, True), floor=50_000)  # a quarter
    assert needs_rebuild(LabelIndex("Meta", 3, 50_003, True), floor=50_000)  # few nodes, many updates
    assert not needs_rebuild(LabelIndex("Meta", 3, 50_002, True), floor=50_000)
    assert not needs_rebuild(LabelIndex("Member", 10, 1_000_000, False), floor=0)  # being rebuilt already


def _settled(store, label: str) -> LabelIndex:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = {index.label: index for index in label_indexes(store)}[label]
        if found.operational:
            return found
        time.sleep(0.05)
    raise AssertionError(f"the index of {label} was not rebuilt in 30 s")


def _indexed(store) -> set[tuple[str, str]]:
    return {(row["label"], prop) for row in store.run_text("CALL db.indexes() YIELD label, properties "
                                                           "RETURN label, properties") for prop in row["properties"]}


def test_a_rebuild_gives_the_ids_back_and_keeps_lookups_constraints_and_schema(store):
    ensure_schema(store)
    store.run_text("UNWIND range(0, 199) AS i CREATE (:Member {id: 'm' + toString(i), seq: i, paid: 0})")
    for _ in range(5):
        store.run_text("MATCH (m:Member) SET m.paid = m.paid + 100")  # counters moved, as orders do
    before = _settled(store, "Member")
    assert before.documents == 200 and before.max_doc_id >= 1_000
    schema = _indexed(store)

    rebuilt = rebuild_with_garbage(store, floor=100)

    assert "Member" in [index.label for index in rebuilt]
    after = _settled(store, "Member")
    assert after.documents == 200 and after.max_doc_id <= 2 * 200
    assert not needs_rebuild(after, floor=100)
    assert _indexed(store) == schema
    assert store.run_text("MATCH (m:Member {id: 'm77'}) RETURN m.seq AS seq, m.paid AS paid") == \
        [{"seq": 77, "paid": 500}]
    with pytest.raises(Exception, match="unique constraint"):
        store.run_text("CREATE (:Member {id: 'm5'})")
    assert "Member" not in [index.label for index in rebuild_with_garbage(store, floor=100)]  # nothing left to give


def test_the_archive_move_rebuilds_what_its_removal_left(rn, tmp_path, monkeypatch):
    monkeypatch.setattr(index_garbage, "GARBAGE_FLOOR", 10)
    october(rn)
    rn.clock = lambda: ms("2026-11-02T00:00:00")
    period_close.close_period(rn, "2026-10")
    entries = _settled(rn.store, "Entry")
    assert entries.max_doc_id >= 20  # October's entries were indexed

    rn.archive = tmp_path / "archive"
    archive.archive_period(rn, "2026-10")

    after = _settled(rn.store, "Entry")
    assert after.documents == 0 and after.max_doc_id == 0  # rebuilt empty: nothing of the removed entries kept
