"""The order a differential close books its batches in (`graph.ledger.close_order`; the linkage close too): every member
before its downline, each whole downline in one run of positions, every member placed once."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graph.ledger.close_order import subtree_order


@st.composite
def forests(draw):
    size = draw(st.integers(min_value=1, max_value=40))
    sponsor_of: dict[str, str | None] = {"m0": None}
    for index in range(1, size):
        sponsor = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=index - 1), st.just(-1)))
        # -1: a sponsor the snapshot does not hold (a root, like None)
        sponsor_of[f"m{index}"] = None if sponsor is None else ("gone" if sponsor == -1 else f"m{sponsor}")
    return sponsor_of


def downline(sponsor_of: dict[str, str | None], top: str) -> set[str]:
    found = {top}
    changed = True
    while changed:
        grown = {member for member, sponsor in sponsor_of.items() if sponsor in found} | found
        changed, found = grown != found, grown
    return found


@given(sponsor_of=forests())
def test_each_downline_is_one_run_after_its_sponsor(sponsor_of):
    position = subtree_order(sponsor_of)
    assert sorted(position.values()) == list(range(len(sponsor_of)))
    for member in sponsor_of:
        places = sorted(position[m] for m in downline(sponsor_of, member))
        assert places[0] == position[member]
        assert places == list(range(places[0], places[0] + len(places)))
