"""`refnet archive` on a family data dir, `refnet query --history` over its `activity` view, and
a backup that carries activity.parquet into a restored data dir (issue 19)."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from graph.core.plan import load_plan
from graph.network.members import register
from graph.plans.family import commission, families
from graph.plans.family.activity import ActivityEvent, record_activity
from graph.plans.family.plan import FamilyPlan
from graph.service import Refnet
from graph.store.store import open_store
from tests.support.family import NOW, WEEK, WEEK_START
from tests.support.serve import refnet

pytestmark = pytest.mark.integration  # the command line on data dirs of its own

SQL = "SELECT member_id, count(*) AS events, sum(diamonds) AS diamonds FROM activity GROUP BY ALL ORDER BY member_id"


def closed_week(data: Path) -> None:
    rn = Refnet.start(open_store(data), load_plan("family"))  # no archive: the week stays in the graph
    try:
        rn.clock = lambda: WEEK_START - 86_400_000
        register(rn, "Leader", member_id="L")
        for member_id in ("a", "b"):
            register(rn, member_id, sponsor_id="L", member_id=member_id)
        families.create_family(rn, "F", "Sing Along", "L")
        families.add_member(rn, "F", "a")
        families.add_member(rn, "F", "b")
        rn.clock = lambda: NOW
        plan: FamilyPlan = rn.plan.section("family")
        record_activity(rn, plan, [ActivityEvent("F", "a", "LIVE_GIFT", WEEK_START + 3600_000, 12000),
                                   ActivityEvent("F", "a", "SONG_UPLOAD", WEEK_START + 7200_000),
                                   ActivityEvent("F", "b", "PK_GIFT", WEEK_START + 7200_000, 500)])
        commission.close_period(rn, plan, WEEK)
    finally:
        rn.store.close()


def history_rows(data: Path) -> list:
    done = refnet("query", "--history", SQL, "--format", "json", "--data", str(data))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["rows"]


def test_archive_history_backup_and_restore_carry_the_activity(tmp_path):
    data = tmp_path / "data"
    closed_week(data)
    assert history_rows(data) == []  # nothing archived yet: an empty view
    moved = refnet("archive", "--data", str(data))
    assert moved.returncode == 0, moved.stderr
    hot = refnet("query", "MATCH (a:Activity) RETURN count(a) AS n", "--format", "json", "--data", str(data))
    assert json.loads(hot.stdout)["rows"] == [[0]], hot.stderr
    assert history_rows(data) == [["a", 2, 12000], ["b", 1, 500]]
    backup = refnet("backup", str(tmp_path / "snap.tar"), "--data", str(data))
    assert backup.returncode == 0, backup.stderr
    with tarfile.open(tmp_path / "snap.tar") as bundle:
        assert f"archive/{WEEK}/activity.parquet" in bundle.getnames()
    restored = tmp_path / "restored"
    done = refnet("restore", str(tmp_path / "snap.tar"), "--data", str(restored))
    assert done.returncode == 0, done.stderr
    assert history_rows(restored) == [["a", 2, 12000], ["b", 1, 500]]
