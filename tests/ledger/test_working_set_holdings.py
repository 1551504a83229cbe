"""The working set's holdings index (issue 18, HTTP third round): `capped(key)` answers what a
walk over every active holding answers, whatever the order of sets, replacements and pops."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graph.working_set import Holdings

IDS = st.sampled_from([f"h{index}" for index in range(12)])
KEYS = st.integers(min_value=0, max_value=20)
STEPS = st.lists(st.one_of(st.tuples(st.just("set"), IDS, KEYS), st.tuples(st.just("pop"), IDS, KEYS),
                           st.tuples(st.just("del"), IDS, KEYS)), max_size=60)


def row(holding_id: str, cap_key: int) -> dict:
    return {"id": holding_id, "cap_key": cap_key, "units": 100}


@given(first=st.lists(st.tuples(IDS, KEYS), max_size=12), steps=STEPS, asked=KEYS)
def test_capped_answers_what_a_walk_over_every_holding_answers(first, steps, asked):
    holdings = Holdings(row(holding_id, key) for holding_id, key in dict(first).items())
    plain = {holding_id: row(holding_id, key) for holding_id, key in dict(first).items()}
    for action, holding_id, key in steps:
        if action == "set":
            holdings[holding_id] = row(holding_id, key)
            plain[holding_id] = row(holding_id, key)
        elif action == "pop":
            assert holdings.pop(holding_id, None) == plain.pop(holding_id, None)
        elif holding_id in plain:
            del holdings[holding_id]
            del plain[holding_id]
    walked = sorted((r["id"], r["cap_key"]) for r in plain.values() if r["cap_key"] <= asked)
    assert sorted((r["id"], r["cap_key"]) for r in holdings.capped(asked)) == walked
    assert dict(holdings) == plain and len(holdings.by_cap) == len(plain)


def test_capped_rows_are_copies():
    holdings = Holdings([row("h1", 5)])
    holdings.capped(5)[0]["units"] = 0
    assert holdings["h1"]["units"] == 100
