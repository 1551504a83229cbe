"""A bulk job (a month close) keeps the embedded server's append-only file compaction for its
end (issue 18): the automatic rewrite is off while it writes, back on after it, also when it
fails and when two jobs overlap; a store without an embedded server changes nothing."""

from __future__ import annotations

import pytest

from graph.store.embedded import AOF_REWRITE_PERCENTAGE
from graph.store.store import bulk_job


def rewrite_percentage(falkor) -> str:
    return falkor.command("CONFIG", "GET", "auto-aof-rewrite-percentage")[1]


def test_the_compaction_waits_for_the_end_of_the_job(falkor) -> None:
    assert rewrite_percentage(falkor) == AOF_REWRITE_PERCENTAGE
    with bulk_job(falkor):
        assert rewrite_percentage(falkor) == "0"
        with bulk_job(falkor):  # an overlapping job
            assert rewrite_percentage(falkor) == "0"
        assert rewrite_percentage(falkor) == "0"
    assert rewrite_percentage(falkor) == AOF_REWRITE_PERCENTAGE
    with pytest.raises(RuntimeError), bulk_job(falkor):
        raise RuntimeError("the job failed")
    assert rewrite_percentage(falkor) == AOF_REWRITE_PERCENTAGE


def test_a_store_without_its_own_server_changes_nothing(store, falkor) -> None:
    assert store.server is None
    with bulk_job(store):
        assert rewrite_percentage(falkor) == AOF_REWRITE_PERCENTAGE
