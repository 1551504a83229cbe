"""The id filters of archived orders (issue 19): never a false "not there", few false "may be"."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from graph.ledger.history import connect
from graph.ledger.id_filter import IdFilter, key_hash


def filter_of(ids: list[str]) -> IdFilter:
    return IdFilter.of(np.array([key_hash(i) for i in ids], dtype=np.uint64))


@given(st.lists(st.text(min_size=1, max_size=40), max_size=300))
def test_every_added_id_may_be_held(ids):
    found = filter_of(ids)
    assert all(found.may_hold(i) for i in ids)


def test_few_ids_that_were_not_added_read_the_file():
    found = filter_of([f"o{n}" for n in range(20_000)])
    others = sum(found.may_hold(f"n{n}") for n in range(20_000))
    assert others < 20_000 * 0.02  # ~0.8 % expected at 10 bits and 7 hashes per id
    assert not filter_of([]).may_hold("o1")


def test_the_hash_is_duckdbs():
    con = connect()  # no threads of DuckDB's own: the suite forks database servers
    ids = ["o1", "order-2026-10-123", "ü-id", "x" * 200]
    assert [key_hash(i) for i in ids] == [con.execute("SELECT md5_number_lower(?)", [i]).fetchone()[0] for i in ids]
