"""`refnet import-activity FILE`: the CSV format, line-numbered errors, and all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.core.errors import BadInput, NotFound
from graph.core.plan import Plan, load_plan
from graph.network.members import register
from graph.plans.family import activity, families

GOOD = """family_id,member_id,type,at,diamonds,category,amount
F,a,LIVE_GIFT,2024-01-10T10:00:00Z,12000,,
F,b,song_upload,2024-01-10T11:00:00+02:00,,,
F,L,EXPENSE,2024-01-10T12:00:00,,props,373.00

"""


@pytest.fixture
def plan() -> Plan:
    return load_plan("family")


def make_family(rn) -> None:
    register(rn, "Leader", member_id="L")
    for member_id in ("a", "b"):
        register(rn, f"Singer {member_id}", sponsor_id="L", member_id=member_id)
    families.create_family(rn, "F", "Sing Along", "L")
    families.add_member(rn, "F", "a")
    families.add_member(rn, "F", "b")


def count(rn) -> int:
    return rn.store.run_text("MATCH (a:Activity) RETURN count(a) AS n")[0]["n"]


def test_parse_a_good_file(plan):
    events, labels = activity.parse_csv(GOOD)
    assert labels == ["line 2", "line 3", "line 4"]
    a, b, expense = events
    assert (a.member_id, a.type, a.diamonds, a.at) == ("a", "LIVE_GIFT", 12000, 1704880800000)
    assert (b.type, b.diamonds, b.at) == ("SONG_UPLOAD", 0, 1704880800000 + 3600_000 - 7200_000)
    assert (expense.category, str(expense.amount), expense.at) == ("props", "373.00", 1704880800000 + 7200_000)


@pytest.mark.parametrize("row, message", [
    ("F,a,LIVE_GIFT,yesterday,5,,", "line 3, at: 'yesterday' is not an ISO 8601 time"),
    ("F,a,LIVE_GIFT,2024-01-10T10:00:00Z,-5,,", "line 3, diamonds: '-5' is not a whole number"),
    ("F,a,DANCING,2024-01-10T10:00:00Z,5,,", "line 3, type: 'DANCING' is not one of"),
    ("F,a,EXPENSE,2024-01-10T10:00:00Z,,props,1.234", "line 3, amount: '1.234' has more than 2 decimal places"),
    (",a,LIVE_GIFT,2024-01-10T10:00:00Z,5,,", "line 3, family_id: empty"),
    ("F,a,LIVE_GIFT,2024-01-10T10:00:00Z,5,,,extra", "line 3, row: more fields"),
])
def test_a_bad_row_names_its_line_and_field(plan, row, message):
    text = "family_id,member_id,type,at,diamonds,category,amount\nF,a,LIVE_GIFT,2024-01-10T10:00:00Z,5,,\n" + row + "\n"
    with pytest.raises(BadInput) as caught:
        activity.parse_csv(text)
    assert caught.value.message.startswith(message)


def test_header_errors():
    with pytest.raises(BadInput, match="line 1, header: unknown column 'gifts'"):
        activity.parse_csv("member_id,type,at,gifts\n")
    with pytest.raises(BadInput, match="line 1, header: missing column 'family_id'"):
        activity.parse_csv("member_id,type,at\n")
    events, _ = activity.parse_csv("member_id,type,at\na,PK_JOIN,2024-01-10T10:00:00Z\n", family_id="F")
    assert events[0].family_id == "F"


def test_a_file_with_one_bad_row_imports_nothing(rn, plan):
    make_family(rn)
    text = GOOD + "F,x,LIVE_GIFT,2024-01-10T10:00:00Z,5,,\n"  # line 6: x is no member
    events, labels = activity.parse_csv(text)
    with pytest.raises(NotFound) as caught:
        activity.record_activity(rn, plan.section("family"), events, labels)
    assert caught.value.message == "line 6, memberId: 'x' is not a member of family 'F'"
    assert count(rn) == 0
    events, labels = activity.parse_csv(GOOD)
    assert activity.record_activity(rn, plan.section("family"), events, labels) == 3
    assert count(rn) == 3


@pytest.mark.integration
def test_the_command_line(tmp_path: Path, capsys):
    from cli.main import main
    from graph.service import Refnet
    from graph.store.store import open_store

    data = tmp_path / "data"
    rn = Refnet.start(open_store(data), load_plan("family"))
    try:
        make_family(rn)
    finally:
        rn.store.close()
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "F,a,LIVE_GIFT,2024-01-10T10:00:00Z,lots,,\n", encoding="utf-8")
    assert main(["import-activity", str(bad), "--data", str(data), "--plan", "family"]) == 2
    assert "BAD_INPUT: line 6, diamonds: 'lots' is not a whole number" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text(GOOD.replace("family_id,", "").replace("\nF,", "\n"), encoding="utf-8")
    assert main(["import-activity", str(good), "--family", "F", "--data", str(data), "--plan", "family"]) == 0
    assert "imported 3 activity events" in capsys.readouterr().out
    with_ids = tmp_path / "with_ids.csv"
    with_ids.write_text("id,member_id,type,at,diamonds\nw1,a,BATTLE,2024-01-11T10:00:00Z,300\n"
                        "w2,b,RANKING,2024-01-11T10:00:00Z,200\n", encoding="utf-8")
    for expected in ("imported 2 activity events", f"imported 0 activity events from {with_ids} (2 already recorded)"):
        assert main(["import-activity", str(with_ids), "--family", "F", "--data", str(data), "--plan", "family"]) == 0
        assert expected in capsys.readouterr().out
    rn = Refnet.start(open_store(data), load_plan("family"))
    try:
        assert count(rn) == 5
    finally:
        rn.store.close()


def test_the_command_line_refuses_unreadable_files_before_starting(tmp_path: Path, capsys):
    from cli.main import main

    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert main(["import-activity", str(binary), "--data", str(tmp_path / "d"), "--plan", "family"]) == 2
    assert "is not UTF-8 text" in capsys.readouterr().err
    assert main(["import-activity", str(tmp_path / "missing.csv"), "--data", str(tmp_path / "d")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()  # the engine never started
