"""A close pauses Python's cyclic garbage collector (`graph.ledger.prepared.collector_paused`):
off inside, overlapping closes counted, the state before the first restored after the last,
also when a close fails."""

from __future__ import annotations

import gc

import pytest

from graph.ledger.prepared import collector_paused


def test_paused_inside_and_restored_after_overlapping_closes():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the first close still runs
    assert gc.isenabled()


def test_restored_after_a_failed_close():
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("killed")
    assert gc.isenabled()


def test_a_collector_already_off_stays_off():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
