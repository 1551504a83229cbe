"""Rules §6–§8 month close in the graph: dividend by identity, shareholder by shares, level
differential; idempotent and finished after a crash."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from graph.core.errors import BadInput
from graph.ledger import orders
from graph.ledger.entries import balance, ledger
from graph.network import members
from graph.plans.linkage import close as linkage_close
from graph.plans.linkage.withdrawals_store import set_identity
from graph.service import Refnet

D = Decimal
NOV = int(datetime(2026, 11, 10, tzinfo=timezone.utc).timestamp() * 1000)
DEC = int(datetime(2026, 12, 10, tzinfo=timezone.utc).timestamp() * 1000)


@pytest.fixture
def rn(store, plan) -> Refnet:
    """An engine whose clock stands after the months these tests book in."""
    engine = Refnet.start(store, plan)
    engine.clock = lambda: int(datetime(2027, 1, 1, 0, 10, tzinfo=timezone.utc).timestamp() * 1000)
    return engine


def pool(rn: Refnet, name: str) -> int:
    rows = rn.store.run("pool_state", {"name": name})
    return rows[0]["balance"]


def setup(rn: Refnet) -> None:
    members.register(rn, "Root", member_id="root")
    members.register(rn, "A", sponsor_id="root", member_id="a")
    members.register(rn, "B", sponsor_id="a", member_id="b")
    members.register(rn, "C", sponsor_id="b", member_id="c")
    orders.record_order(rn, "oa", "a", D("10000.00"), at=NOV)  # a: 1 share, partner by package
    orders.record_order(rn, "ob", "b", D("5000.00"), at=NOV)  # b: 0.5 share
    orders.record_order(rn, "oc", "c", D("1000.00"), at=NOV)  # c: 0 shares
    set_identity(rn, "root", "DIRECTOR")


def closing(rn: Refnet, period: str):
    """The entries the close of `period` booked."""
    return [e for e in ledger(rn, period=period, first=1000) if e.id.startswith(f"period:{period}:")]


def rows(entries):
    return sorted((e.rule, e.status, e.beneficiary_id, e.amount) for e in entries)


def test_month_close(rn: Refnet) -> None:
    setup(rn)
    # pools: dividend 4 % of 16000 = 640.00, shareholder 3 % = 480.00, level 3 % = 480.00
    assert (pool(rn, "dividend"), pool(rn, "shareholder"), pool(rn, "level")) == (64000, 48000, 48000)
    run = linkage_close.close_period(rn, "2026-11")
    assert run.period == "2026-11"
    dividend = ledger(rn, period="2026-11", rule="dividend", first=100)
    # director root 30 % = 192.00, partner a 40 % = 256.00, co-founder: nobody → carried
    assert rows(dividend) == [("dividend", "PAID", "a", D("256.00")), ("dividend", "PAID", "root", D("192.00"))]
    state = rn.store.run("pool_state", {"name": "dividend"})[0]
    assert (state["balance"], state["carry_names"], state["carry_amounts"]) == (19200, ["COFOUNDER"], [19200])
    shareholder = ledger(rn, period="2026-11", rule="shareholder", first=100)
    # 480.00 by 1 : 0.5 → 320.00 and 160.00
    assert rows(shareholder) == [("shareholder", "PAID", "a", D("320.00")), ("shareholder", "PAID", "b", D("160.00"))]
    assert pool(rn, "shareholder") == 0 and pool(rn, "level") == 0
    # levels: a's downline (b, c) sold 6000.00, root's 16000.00 → root v1 (0.5 %) on every order
    level = ledger(rn, period="2026-11", rule="level", first=100)
    paid = [(e.beneficiary_id, e.amount) for e in level if e.status == "PAID"]
    assert sorted(paid) == [("root", D("5.00")), ("root", D("25.00")), ("root", D("50.00"))]
    assert sum(e.amount for e in level) == D("480.00")
    assert run.total == D("640.00") - D("192.00") + D("480.00") + D("480.00")

    again = linkage_close.close_period(rn, "2026-11")
    assert again == run
    assert len(closing(rn, "2026-11")) == run.entries

    # next month a co-founder appears: it receives its 30 % plus the 192.00 carried over
    set_identity(rn, "b", "COFOUNDER")
    orders.record_order(rn, "oc2", "c", D("1000.00"), at=DEC)
    linkage_close.close_period(rn, "2026-12")
    december = ledger(rn, period="2026-12", rule="dividend", first=100)
    assert ("dividend", "PAID", "b", D("204.00")) in rows(december)  # 30 % of 40.00 + 192.00


def test_killed_close_finishes_on_rerun(rn: Refnet, monkeypatch: pytest.MonkeyPatch) -> None:
    setup(rn)
    monkeypatch.setattr(linkage_close, "LEVEL_BATCH", 1)
    real = linkage_close._close_level_batch
    calls = {"n": 0}

    def dies_on_second(*args):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("killed")
        return real(*args)

    monkeypatch.setattr(linkage_close, "_close_level_batch", dies_on_second)
    with pytest.raises(KeyboardInterrupt):
        linkage_close.close_period(rn, "2026-11")
    monkeypatch.setattr(linkage_close, "_close_level_batch", real)
    run = linkage_close.close_period(rn, "2026-11")
    level = ledger(rn, period="2026-11", rule="level", first=100)
    assert sum(e.amount for e in level) == D("480.00")
    assert run.entries == len(closing(rn, "2026-11"))
    assert pool(rn, "level") == 0
    assert balance(rn, "root").available >= D("80.00")


def test_bad_period(rn: Refnet) -> None:
    with pytest.raises(BadInput):
        linkage_close.close_period(rn, "2026-13")


def test_level_walk_with_a_same_level_peer_in_the_graph(rn: Refnet) -> None:
    """root → p → q → buyer; the buyer's 10000.00 makes q, p and root v1 (downline sales
    10000.00): q earns 0.5 % = 50.00, p (same level) the peer bonus 10 % = 5.00, root nothing
    (v1 again, the peer bonus is taken); 245.00 of the 300.00 level pool is retained."""
    members.register(rn, "Root", member_id="root")
    members.register(rn, "P", sponsor_id="root", member_id="p")
    members.register(rn, "Q", sponsor_id="p", member_id="q")
    members.register(rn, "Buyer", sponsor_id="q", member_id="buyer")
    orders.record_order(rn, "o1", "buyer", D("10000.00"), at=NOV)
    linkage_close.close_period(rn, "2026-11")
    level = [e for e in closing(rn, "2026-11") if e.rule in ("level", "level_peer")]
    assert rows(level) == [("level", "PAID", "q", D("50.00")), ("level", "RETAINED", None, D("245.00")),
                           ("level_peer", "PAID", "p", D("5.00"))]


def test_a_write_between_level_batches_makes_the_close_read_again(rn: Refnet, store, plan,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process moves the graph's version between two level batches: the next batch is
    refused, the close reads a new snapshot (the orders booked so far no longer open in it) and
    books the rest: the same entries as a close nobody disturbed."""
    setup(rn)
    quiet = Refnet.start(store.with_graph(f"{store.graph_name}_quiet"), plan)
    quiet.clock = rn.clock
    setup(quiet)
    linkage_close.close_period(quiet, "2026-11")
    monkeypatch.setattr(linkage_close, "LEVEL_BATCH", 1)
    real = linkage_close._close_level_batch
    calls = {"n": 0, "reads": 0}
    read = linkage_close.read_level_snapshot

    def counted_read(*args):
        calls["reads"] += 1
        return read(*args)

    def another_process_writes(*args):
        calls["n"] += 1
        if calls["n"] == 2:
            rn.store.run_text("MATCH (v:Meta {key: 'version'}) SET v.value = v.value + 1")
        return real(*args)

    monkeypatch.setattr(linkage_close, "_close_level_batch", another_process_writes)
    monkeypatch.setattr(linkage_close, "read_level_snapshot", counted_read)
    run = linkage_close.close_period(rn, "2026-11")
    assert calls["reads"] == 2
    assert rows(closing(rn, "2026-11")) == rows(closing(quiet, "2026-11"))
    assert (run.entries, run.total) == (linkage_close.runs(quiet)[0].entries, linkage_close.runs(quiet)[0].total)
    assert pool(rn, "level") == 0
