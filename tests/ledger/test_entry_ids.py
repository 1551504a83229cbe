"""Entry ids are built and read in one place (graph.ledger.entry_ids), in the textual form graphs
already hold: every format round-trips, ids with ':' included."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph.core.plugin import discover
from graph.ledger.entries import Booking, entry_rows
from graph.ledger.entry_ids import EntryId, EntrySource, revenue_prefixes
from graph.network.members import ID_PATTERN

IDS = st.from_regex(ID_PATTERN, fullmatch=True)
discover()  # the plans register the layouts of their own kinds (family:<family>:<period>)
STORED = [
    "order:o1#0", "effects:o1#2", "sale:17#0", "withdrawal:18#1", "refund:r-1#3",
    "period:2026-11:dividend#0", "period:2026-11:shareholder#4", "period:2026-11:level:o:1#2",
    "period:2026-11:order:o1#0", "family:f:1:2026-W48#5",
]


@pytest.mark.parametrize("text", STORED)
def test_stored_ids_read_back_unchanged(text: str) -> None:
    assert str(EntryId.parse(text)) == text


def test_parts_are_typed() -> None:
    level = EntryId.parse("period:2026-11:level:o:1#2")
    assert (level.source.kind, level.source.parts, level.source.period, level.seq) == (
        "period", ("2026-11", "level", "o:1"), "2026-11", 2)
    family = EntrySource.parse("family:f:1:2026-W48")
    assert family.parts == ("f:1", "2026-W48") and family.period is None
    assert EntrySource.order("o:1") == EntrySource.parse("order:o:1")
    with pytest.raises(ValueError):
        EntryId.parse("order:o1")


@given(IDS, IDS, st.integers(0, 10_000))
def test_every_source_round_trips(order_id: str, other_id: str, seq: int) -> None:
    for source in (EntrySource.order(order_id), EntrySource.refund(order_id),
                   EntrySource.period_step("2026-11", "level", order_id), EntrySource.period_step("2026-W48", "x"),
                   EntrySource.of("family", order_id, "2026-W48"), EntrySource.of("effects", other_id)):
        entry = source.entry(seq)
        assert EntryId.parse(str(entry)) == entry
        assert str(entry).startswith(source.prefix)


def test_entry_rows_number_a_source_from_start() -> None:
    from decimal import Decimal

    rows = entry_rows([Booking("cost", "COST", Decimal("1.00"), "x")] * 2, EntrySource.refund("r"), at=0, start=3)
    assert [row["id"] for row in rows] == ["refund:r#3", "refund:r#4"]
    assert revenue_prefixes() == ["order:", "refund:"]
