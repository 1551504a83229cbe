"""A randomized crash trial in the suite (longer runs: `python -m bench.crash_trial`)."""

from __future__ import annotations

import os
import time

import pytest

from bench.crash_trial import trial

pytestmark = pytest.mark.integration  # refnet serve in subprocesses, data dirs of their own


def test_sigkills_of_serve_lose_no_acknowledged_write(tmp_path):
    seed = int(os.environ.get("REFNET_CRASH_SEED") or time.time())
    tally = trial(tmp_path / "data", kills=5, seed=seed, log=tmp_path / "serve.log")
    note = f"seed {seed} (REFNET_CRASH_SEED reruns it); see {tmp_path / 'serve.log'}"
    assert tally.kills == 5
    assert len(tally.members) > 5 and tally.orders, note
    assert tally.lost_members == 0, note
    assert tally.lost_orders == 0, note
    assert tally.duplicates == 0, note
    assert tally.checked_orders >= len(tally.orders), note
