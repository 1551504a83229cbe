"""The plan a data dir runs: which requests are refused (pure; the CLI test runs them for real)."""

from __future__ import annotations

import pytest

from graph.core.plan import load_plan
from graph.core.plan_pin import PinnedPlan, PlanMismatch, check_plan, plan_ref


def test_another_plan_is_refused_naming_both_unless_asked_for():
    pinned = PinnedPlan(name="differential", ref="differential", version="abc", at=0)
    linkage = load_plan("linkage-3plus1")
    with pytest.raises(PlanMismatch) as refused:
        check_plan(pinned, linkage, change=False)
    assert refused.value.code == "CONFLICT"
    assert "'differential'" in refused.value.message and "'linkage-3plus1'" in refused.value.message
    check_plan(pinned, linkage, change=True)
    check_plan(pinned, load_plan("differential"), change=False)
    check_plan(None, linkage, change=False)


def test_a_plan_file_is_recorded_by_its_absolute_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert plan_ref("linkage-3plus1") == "linkage-3plus1"
    assert plan_ref("my-plan.toml") == str(tmp_path / "my-plan.toml")
    assert plan_ref("plans/x.toml") == str(tmp_path / "plans" / "x.toml")
