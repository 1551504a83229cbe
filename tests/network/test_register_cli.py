"""`refnet register FILE` (issue 18): CSV or JSON Lines, in order, a bad record fails alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.main import main, open_engine
from graph.network import members

pytestmark = pytest.mark.integration  # every test here starts its own database


def registered(data: Path) -> dict[str, tuple[str | None, str | None, int | None]]:
    rn = open_engine(type("Args", (), {"data": str(data), "plan": None})())
    try:
        rows = rn.store.run_text("MATCH (m:Member) RETURN m.id AS id")
        found = {row["id"]: members.get_member(rn, row["id"]) for row in rows}
        return {m: (r.sponsor_id, r.parent_id, r.slot) for m, r in found.items() if r is not None}
    finally:
        rn.store.close()


def test_csv_then_json_lines(tmp_path, capsys):
    data = tmp_path / "data"
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("id,name,sponsorId,kind\nroot,Company,,\na,Ann,root,PARTNER\nb,Bob,nobody,\n"
                        "c,Cid,root,CUSTOMER\n", encoding="utf-8")
    assert main(["register", str(csv_file), "--data", str(data), "--batch-size", "2"]) == 1
    out = capsys.readouterr().out
    assert "3: NOT_FOUND: sponsorId: no member with id 'nobody'" in out
    assert "3 registered, 1 refused" in out
    lines = tmp_path / "more.jsonl"
    lines.write_text("\n".join(json.dumps(row) for row in [
        {"id": "d", "name": "Dee", "sponsorId": "root"}, {"id": "e", "name": "Eve", "sponsorId": "root"},
    ]) + "\n", encoding="utf-8")
    assert main(["register", str(lines), "--data", str(data)]) == 0
    assert "2: e placed under d slot 1" in capsys.readouterr().out  # the 4th referral slides into the wealth line, slot 3
    assert registered(data) == {"root": (None, None, None), "a": ("root", "root", 1), "c": ("root", "root", 2),
                                "d": ("root", "root", 3), "e": ("root", "d", 1)}


def test_an_unknown_column_is_refused_before_anything_is_booked(tmp_path, capsys):
    data = tmp_path / "data"
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,sponsor\nroot,Company,\n", encoding="utf-8")
    assert main(["register", str(bad), "--data", str(data)]) == 2
    assert "unknown column(s) sponsor" in capsys.readouterr().err


def test_the_import_files_snake_case_names_work_too(tmp_path, capsys):
    data = tmp_path / "data"
    csv_file = tmp_path / "people.csv"
    csv_file.write_text("id,name,sponsor_id,kind\nroot,Company,,\na,Ann,root,PARTNER\n", encoding="utf-8")
    assert main(["register", str(csv_file), "--data", str(data)]) == 0
    lines = tmp_path / "more.jsonl"
    lines.write_text("\n".join(json.dumps(row) for row in [
        {"id": "b", "name": "Bob", "sponsor_id": "a", "landing_slug": "bob"},
        {"id": "c", "name": "Cid", "sponsorId": "a"},
        {"id": "d", "name": "Dee", "sponsorId": "a", "sponsor_id": "root"},
    ]) + "\n", encoding="utf-8")
    assert main(["register", str(lines), "--data", str(data)]) == 2
    assert "record 3: sponsor_id is given twice" in capsys.readouterr().err
    assert registered(data) == {"root": (None, None, None), "a": ("root", "root", 1)}  # a bad record: nothing booked
    lines.write_text("\n".join(json.dumps(row) for row in [
        {"id": "b", "name": "Bob", "sponsor_id": "a", "landing_slug": "bob"},
        {"id": "c", "name": "Cid", "sponsorId": "a"},
    ]) + "\n", encoding="utf-8")
    assert main(["register", str(lines), "--data", str(data)]) == 0
    assert registered(data) == {"root": (None, None, None), "a": ("root", "root", 1), "b": ("a", "a", 1),
                                "c": ("a", "a", 2)}
    rn = open_engine(type("Args", (), {"data": str(data), "plan": None})())
    try:
        assert rn.store.run_text("MATCH (m:Member {id: 'b'}) RETURN m.landing_slug AS slug")[0]["slug"] == "bob"
    finally:
        rn.store.close()
