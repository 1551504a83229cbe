"""Plan files: the shipped linkage plan, and bad files refused with a message naming the key."""

from __future__ import annotations

from decimal import Decimal

import pytest

from graph.core.plan import PlanError, load_plan, parse_plan, register_module, shipped_plans

GOOD = b'''
[plan]
name = "t"
modules = ["linkage", "dividend_pool"]

[allocation]
direct = "0.10"
see_point = "0.20"
peer = "0.03"
dividend_pool = "0.04"
cost = "0.63"

[[packages]]
price = "1000.00"
quota = "1000.00"

[linkage]
boss_threshold = 2
'''


def test_the_shipped_linkage_plan_has_the_shares_and_packages_of_rules_section_1():
    plan = load_plan("linkage-3plus1")
    assert "linkage-3plus1" in shipped_plans()
    assert plan.name == "linkage-3plus1"
    assert dict(plan.allocation) == {
        "direct": Decimal("0.10"), "see_point": Decimal("0.20"), "peer": Decimal("0.03"),
        "dividend_pool": Decimal("0.04"), "points_pool": Decimal("0.30"), "cost": Decimal("0.20"),
        "platform": Decimal("0.07"), "level_pool": Decimal("0.03"), "shareholder_pool": Decimal("0.03"),
    }
    assert [(p.price, p.quota, p.dividend_shares) for p in plan.packages] == [
        (Decimal("1000.00"), Decimal("1000.00"), Decimal("0")),
        (Decimal("5000.00"), Decimal("10000.00"), Decimal("0.5")),
        (Decimal("10000.00"), Decimal("30000.00"), Decimal("1")),
    ]
    assert plan.section("linkage").boss_threshold == 3
    assert len(plan.content_hash) == 64 and plan.version == plan.content_hash[:12]
    assert {"linkage", "points", "withdrawal", "dividend_pool", "level", "shareholder"} <= plan.modules


def test_a_plan_file_by_path(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_bytes(GOOD)
    plan = load_plan(str(path))
    assert plan.name == "t" and plan.section("linkage").boss_threshold == 2
    assert plan.version == parse_plan(GOOD).version
    assert parse_plan(GOOD + b"\n# a comment\n").version != plan.version


@pytest.mark.parametrize("change, key", [
    (('cost = "0.63"', 'cost = "0.62"'), "allocation: shares add up to 0.99"),
    (('cost = "0.63"', "cost = 0.63"), "allocation.cost"),
    (('direct = "0.10"', 'direct = "1.5"'), "allocation.direct"),
    (('direct = "0.10"', 'direct = "-0.1"'), "allocation.direct"),
    (('direct = "0.10"', 'direct = "ten"'), "allocation.direct"),
    (('cost = "0.63"', 'cost = "0.33"\nbonus = "0.30"'), "allocation.bonus: unknown share"),
    (('cost = "0.63"', 'cost = "0.33"\npoints_pool = "0.30"'), "allocation.points_pool: needs module 'points'"),
    (('"dividend_pool"]', '"dividend_pool", "lottery"]'), "plan.modules: unknown module 'lottery'"),
    (("boss_threshold = 2", "boss_threshold = 0"), "linkage.boss_threshold"),
    (("boss_threshold = 2", 'boss_threshold = "3"'), "linkage.boss_threshold"),
    (("boss_threshold = 2", "boss_treshold = 3"), "linkage.boss_treshold: unknown key"),
    (('quota = "1000.00"', 'quota = "1000.001"'), "packages[0].quota"),
    (('price = "1000.00"', 'price = "0"'), "packages[0].price"),
    (('name = "t"', ""), "plan.name"),
    (('[linkage]', '[points]\ngift_ratio = "0.7"\n[linkage]'), "points: unknown section"),
    (('[linkage]', '[bonus]\nx = 1\n[linkage]'), "bonus: unknown section"),
    (('[plan]', '[plan'), "not valid TOML"),
])
def test_bad_plan_files_are_refused_naming_the_key(change, key):
    old, new = change
    assert old.encode() in GOOD
    with pytest.raises(PlanError) as caught:
        parse_plan(GOOD.replace(old.encode(), new.encode(), 1), "bad.toml")
    assert key in caught.value.message and caught.value.message.startswith("bad.toml: ")
    assert caught.value.code == "BAD_INPUT"


def test_unknown_plan_names_list_the_shipped_ones(tmp_path):
    with pytest.raises(PlanError, match="linkage-3plus1"):
        load_plan("no-such-plan")
    with pytest.raises(PlanError, match="no plan file"):
        load_plan(str(tmp_path / "missing.toml"))


def test_a_module_registers_its_section():
    """How issues 5-7 add a module: a name, a section and a parser; the file may then use it."""
    from graph.core.plan import MODULES, check_keys, int_value

    register_module("example_test", "example_test",
                    lambda table, where: (check_keys(table, ("n",), where), int_value(table, "n", where))[1])
    try:
        text = GOOD.replace(b'"dividend_pool"]', b'"dividend_pool", "example_test"]') + b"\n[example_test]\nn = 4\n"
        assert parse_plan(text).section("example_test") == 4
        with pytest.raises(PlanError, match="example_test.n: must be a whole number"):
            parse_plan(text.replace(b"n = 4", b'n = "x"'))
        with pytest.raises(PlanError, match=r"example_test: unknown section \(module 'example_test' is not in plan"):
            parse_plan(GOOD + b"\n[example_test]\nn = 4\n")
    finally:
        del MODULES["example_test"]


def test_the_cli_refuses_a_bad_plan(tmp_path, capsys):
    from cli.main import main

    path = tmp_path / "bad.toml"
    path.write_bytes(GOOD.replace(b'cost = "0.63"', b'cost = "0.5"'))
    assert main(["serve", "--plan", str(path), "--data", str(tmp_path / "data")]) == 2
    assert "allocation: shares add up to 0.87" in capsys.readouterr().err


def test_refnet_plan_names_the_plan(tmp_path, monkeypatch, capsys):
    from cli.main import main

    path = tmp_path / "bad.toml"
    path.write_bytes(GOOD.replace(b'direct = "0.10"', b"direct = 0.1"))
    monkeypatch.setenv("REFNET_PLAN", str(path))
    assert main(["serve", "--data", str(tmp_path / "data")]) == 2
    assert 'allocation.direct: write it as a string like "0.10", not a float (0.1)' in capsys.readouterr().err
