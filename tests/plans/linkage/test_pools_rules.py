"""Rules §6–§8 without the database: the 20 % fund, the dividend split by identity, the
shareholder split and the level differential walk."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.core.errors import BadInput
from graph.network.upline import DifferentialStep, differential_walk
from graph.plans.linkage.pools import (
    COFOUNDER,
    DIRECTOR,
    PARTNER,
    DividendConfig,
    LevelConfig,
    earned_identity,
    level_bookings,
    level_of,
    split_dividend,
    split_shareholder,
)
from graph.plans.linkage.withdrawals import FirstLine, WithdrawalConfig, release_due, withdrawal_bookings

D = Decimal
W = WithdrawalConfig()
LEVELS = LevelConfig()


def amounts(bookings):
    return [(b.rule, b.status, b.beneficiary_id, b.amount) for b in bookings]


def test_withdrawal_pays_80_and_freezes_20() -> None:
    bookings = withdrawal_bookings("m", D("100.00"), D("250.00"), False, W)
    assert amounts(bookings) == [("withdrawal", "PAID", "m", D("80.00")), ("withdrawal", "FROZEN", "m", D("20.00"))]
    odd = withdrawal_bookings("m", D("0.07"), D("1.00"), False, W)  # 20 % of 0.07 = 0.014 → 0.01
    assert amounts(odd) == [("withdrawal", "PAID", "m", D("0.06")), ("withdrawal", "FROZEN", "m", D("0.01"))]


def test_withdrawal_after_release_is_paid_in_full() -> None:
    assert amounts(withdrawal_bookings("m", D("100.00"), D("100.00"), True, W)) == [
        ("withdrawal", "PAID", "m", D("100.00"))]


@pytest.mark.parametrize("amount", [D("100.01"), D("0.00"), D("-1.00")])
def test_withdrawal_beyond_available_or_not_positive_is_bad_input(amount) -> None:
    with pytest.raises(BadInput):
        withdrawal_bookings("m", amount, D("100.00"), False, W)


def test_release_condition() -> None:
    agents = [FirstLine("b1", "AGENT", 10), FirstLine("b2", "BOSS", 11)]
    assert release_due(agents, W)  # 21 > 20
    assert not release_due([FirstLine("b1", "AGENT", 10), FirstLine("b2", "BOSS", 10)], W)  # 20 is not more
    assert not release_due([FirstLine("b1", "CUSTOMER", 30), FirstLine("b2", "AGENT", 1)], W)
    assert not release_due([FirstLine("b1", "AGENT", 30)], W)  # no B2


def test_dividend_split_with_an_empty_identity_carries_over() -> None:
    config = DividendConfig()
    first = split_dividend(D("400.00"), {}, {PARTNER: ["p1", "p2", "p3"], COFOUNDER: ["c1"]}, config, "2026-11")
    assert amounts(first.bookings) == [
        ("dividend", "PAID", "c1", D("120.00")),
        ("dividend", "PAID", "p1", D("53.33")),
        ("dividend", "PAID", "p2", D("53.33")),
        ("dividend", "PAID", "p3", D("53.33")),
        ("dividend", "RETAINED", None, D("0.01")),
    ]
    assert first.carry_out == {DIRECTOR: D("120.00")}
    # next month a director appears: its 30 % plus the carried 120.00
    second = split_dividend(D("100.00"), first.carry_out, {DIRECTOR: ["d1"]}, config, "2026-12")
    assert amounts(second.bookings)[0] == ("dividend", "PAID", "d1", D("150.00"))
    assert second.carry_out == {COFOUNDER: D("30.00"), PARTNER: D("40.00")}


def test_identity_rule() -> None:
    config = DividendConfig()
    assert earned_identity(9, [D("1000.00")], config) is None
    assert earned_identity(10, [], config) == PARTNER
    assert earned_identity(0, [D("10000.00")], config) == PARTNER
    assert earned_identity(30, [], config) == COFOUNDER
    assert earned_identity(100, [D("10000.00")], config) == DIRECTOR


def test_shareholder_split_by_shares() -> None:
    bookings = split_shareholder(D("100.00"), {"none": D("0"), "half": D("0.5"), "one": D("1")}, "2026-11")
    assert amounts(bookings) == [
        ("shareholder", "PAID", "half", D("33.33")),
        ("shareholder", "PAID", "one", D("66.66")),
        ("shareholder", "RETAINED", None, D("0.01")),
    ]
    nobody = split_shareholder(D("30.00"), {"none": D("0")}, "2026-11")
    assert amounts(nobody) == [("shareholder", "RETAINED", None, D("30.00"))]


def test_levels_by_downline_sales() -> None:
    assert level_of(D("9999.99"), LEVELS) is None
    assert level_of(D("10000.00"), LEVELS).name == "v1"
    assert level_of(D("5000000.00"), LEVELS).name == "v7"


def test_level_walk_with_a_same_level_peer() -> None:
    v = {level.name: level for level in LEVELS.levels}
    # order of 10000.00, level pool 3 % = 300.00; upline nearest first:
    # a (no level), b v1, c v1 (same level as b: peer), d v1 (no second peer), e v3, f v2, g v7
    upline = [("a", None), ("b", v["v1"]), ("c", v["v1"]), ("d", v["v1"]), ("e", v["v3"]),
              ("f", v["v2"]), ("g", v["v7"])]
    bookings = level_bookings("o1", D("10000.00"), D("300.00"), upline, LEVELS)
    assert amounts(bookings) == [
        ("level", "PAID", "b", D("50.00")),  # 0.5 %
        ("level_peer", "PAID", "c", D("5.00")),  # 10 % of b's 50.00
        ("level", "PAID", "e", D("100.00")),  # 1.5 % - 0.5 %
        ("level", "PAID", "g", D("145.00")),  # 3 % - 1.5 % = 150.00, but only 145.00 left
    ]
    assert sum(b.amount for b in bookings) == D("300.00")
    assert "1.5% - 0.5% already paid below = 1% of 10000.00" in bookings[2].explanation


def test_level_walk_rest_retained() -> None:
    v = {level.name: level for level in LEVELS.levels}
    bookings = level_bookings("o1", D("1000.00"), D("30.00"), [("b", v["v2"]), ("c", v["v2"])], LEVELS)
    assert amounts(bookings) == [
        ("level", "PAID", "b", D("10.00")),
        ("level_peer", "PAID", "c", D("1.00")),
        ("level", "RETAINED", None, D("19.00")),
    ]


def test_differential_walk_shared_form() -> None:
    # the §9 shape: no budget, no peer, a recommender's 5 % counted as already paid below
    steps = [DifferentialStep("p", D("0.20"), "Direktor")]
    paid = list(differential_walk(D("1000.00"), None, steps, paid_below=D("0.05")))
    assert [(p.member_id, p.amount) for p in paid] == [("p", D("150.00"))]


@pytest.mark.parametrize("old, new", [
    ('rate = "0.01" }', 'rate = "0.004" }'),  # v2 pays less than v1
    ('name = "v2"', 'name = "v1"'),  # a name twice
])
def test_a_level_table_must_rise_with_unique_names(old, new):
    from importlib import resources

    from graph.core.plan import PlanError, parse_plan

    text = resources.files("plans").joinpath("linkage-3plus1.toml").read_text(encoding="utf-8")
    bad = text.replace(old, new, 1)
    assert bad != text
    with pytest.raises(PlanError) as error:
        parse_plan(bad.encode())
    assert "level.levels[1]" in error.value.message
