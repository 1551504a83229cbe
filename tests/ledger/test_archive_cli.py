"""`refnet archive` while `refnet serve` runs, `refnet query --history`, and a backup that
carries the archive into a restored data dir (issue 19)."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from graph.core.plan import load_plan
from graph.ledger import period_close
from graph.service import Refnet
from graph.store.store import open_store
from tests.support.archive import october
from tests.support.refunds import ms
from tests.support.serve import Served, refnet

pytestmark = pytest.mark.integration  # refnet serve and the command line on data dirs of their own

LEDGER = '{ ledger(first: 1000) { id amount status beneficiaryId period } ' \
         'order(id: "o4") { entries { id amount } } }'


def closed_october(data: Path) -> None:
    rn = Refnet.start(open_store(data), load_plan("linkage-3plus1"))  # no archive: the month stays in the graph
    try:
        october(rn)
        rn.clock = lambda: ms("2026-11-02T00:00:00")
        period_close.close_period(rn, "2026-10")
    finally:
        rn.store.close()


def history_count(data: Path) -> int:
    done = refnet("query", "--history", "SELECT count(*) AS n FROM entries WHERE period = '2026-10'",
                  "--format", "json", "--data", str(data))
    assert done.returncode == 0, done.stderr
    return int(json.loads(done.stdout)["rows"][0][0])


def test_archive_while_serving_then_history_queries_backup_and_restore(tmp_path):
    data = tmp_path / "data"
    closed_october(data)
    served = Served(data)
    try:
        served.wait_healthy()
        before = served.ok(LEDGER)
        october_entries = sum(1 for entry in before["ledger"] if entry["period"] == "2026-10")
        moved = refnet("archive", "--data", str(data))
        assert moved.returncode == 0, moved.stderr
        assert f"2026-10: {october_entries} entries in the archive, {october_entries} removed" in moved.stdout
        assert "5 orders, 1 refunds in the archive" in moved.stdout
        assert served.ok(LEDGER) == before  # the running service reads the archive at once
        again = refnet("archive", "2026-10", "--data", str(data))
        assert again.returncode == 0 and f"{october_entries} entries in the archive, 0 removed" in again.stdout
        hot = refnet("query", "MATCH (e:Entry {period: '2026-10'}) RETURN count(e) AS n", "--format", "json",
                     "--data", str(data))
        assert json.loads(hot.stdout)["rows"] == [[0]], hot.stderr
        assert history_count(data) == october_entries
        refused = refnet("query", "--history", "DELETE FROM entries", "--data", str(data))
        assert refused.returncode == 2 and "BAD_INPUT" in refused.stderr and "only one read" in refused.stderr
        backup = refnet("backup", str(tmp_path / "snap.tar"), "--data", str(data))
        assert backup.returncode == 0, backup.stderr
    finally:
        served.stop()
    with tarfile.open(tmp_path / "snap.tar") as bundle:
        assert {"graph.rdb", "archive/2026-10/entries.parquet", "archive/2026-10/ranks.parquet",
                "archive/2026-10/manifest.json", "archive/2026-10/orders.parquet",
                "archive/2026-10/refunds.parquet"} <= \
            set(bundle.getnames())
    restored = tmp_path / "restored"
    done = refnet("restore", str(tmp_path / "snap.tar"), "--data", str(restored))
    assert done.returncode == 0, done.stderr
    assert f"(and {october_entries:,} in 1 archived period)" in done.stdout  # the summary counts them too
    assert "; 5 orders archived" in done.stdout
    assert (restored / "archive" / "2026-10" / "entries.parquet").read_bytes() == \
        (data / "archive" / "2026-10" / "entries.parquet").read_bytes()
    assert history_count(restored) == october_entries
    assert Served.answer(restored, LEDGER) == before
