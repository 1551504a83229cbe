"""The pure parts of rules §9 without the database: ranks, the plan section, group volumes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.core.plan import PlanError, load_plan, parse_plan
from graph.plans.differential.rules import DEFAULT_RANKS, group_volumes, qualify

D = Decimal


@pytest.mark.parametrize("volume, rank", [
    ("0.00", "Berater"), ("1999.99", "Berater"), ("2000.00", "Teamleiter"), ("9999.99", "Teamleiter"),
    ("10000.00", "Manager"), ("49999.99", "Manager"), ("50000.00", "Direktor"), ("1000000.00", "Direktor"),
])
def test_qualify_takes_the_highest_rank_whose_threshold_is_reached(volume, rank):
    assert qualify(D(volume), DEFAULT_RANKS).name == rank


def test_shipped_plans_carry_the_rank_table_of_rules_section_9():
    for name, funding in (("differential", "company"), ("differential-sponsor-funded", "sponsor")):
        plan = load_plan(name)
        config = plan.section("differential")
        assert config.ranks == DEFAULT_RANKS
        assert config.recommender_rate == D("0.05") and config.funding == funding
        assert plan.packages == () and plan.allocation == ()


def test_group_volume_is_own_plus_whole_sponsor_downline():
    sponsor = {"a": None, "b": "a", "c": "b", "d": "a"}
    volumes = group_volumes([("c", D("10.00")), ("d", D("1.00")), ("b", D("0.50"))], sponsor)
    assert volumes == {"c": D("10.00"), "b": D("10.50"), "d": D("1.00"), "a": D("11.50")}


PLAN = """
[plan]
name = "x"
modules = ["differential"]
[differential]
funding = {funding}
recommender_rate = {recommender}
ranks = {ranks}
"""
GOOD_RANKS = '[{name = "A", rate = "0.05", group_volume = "0"}, {name = "B", rate = "0.10", group_volume = "100.00"}]'


@pytest.mark.parametrize("funding, recommender, ranks, message", [
    ('"both"', '"0.05"', GOOD_RANKS, "funding"),
    ('"company"', '0.05', GOOD_RANKS, "recommender_rate"),
    ('"company"', '"0.05"', '[]', "ranks"),
    ('"company"', '"0.05"', '[{name = "A", rate = "0.10", group_volume = "0"}, '
                            '{name = "B", rate = "0.05", group_volume = "100.00"}]', "rise"),
    ('"company"', '"0.05"', '[{name = "A", rate = "0.10", group_volume = "1.005"}]', "decimal places"),
    ('"sponsor"', '"0.20"', GOOD_RANKS, "top rank"),
    ('"company"', '"0.05"', '[{name = "A", rate = "0.10", group_volume = "0", bonus = "1"}]', "unknown key"),
])
def test_a_bad_differential_section_is_refused_naming_the_key(funding, recommender, ranks, message):
    with pytest.raises(PlanError) as error:
        parse_plan(PLAN.format(funding=funding, recommender=recommender, ranks=ranks).encode())
    assert message in error.value.message and "differential" in error.value.message


def test_a_good_custom_section_loads():
    plan = parse_plan(PLAN.format(funding='"sponsor"', recommender='"0.05"', ranks=GOOD_RANKS).encode())
    assert [r.name for r in plan.section("differential").ranks] == ["A", "B"]


def test_a_partner_below_every_threshold_is_passed_over_like_a_customer():
    from graph.plans.differential.rules import DifferentialConfig, OrderView, Person, Rank, order_bookings

    config = DifferentialConfig((Rank("Junior", D("0.05"), D("100.00")), Rank("Senior", D("0.10"), D("500.00"))),
                                D("0.05"), "company")
    view = OrderView("o", D("99.99"), Person("b", "PARTNER", None),
                     (Person("s", "PARTNER", None), Person("t", "PARTNER", config.ranks[1])))
    assert [(b.rule, b.status, b.amount, b.beneficiary_id) for b in order_bookings(view, config, "2026-11")] == [
        ("differential", "PAID", D("9.99"), "t"),  # 10 % of 99.99 rounded down
    ]
