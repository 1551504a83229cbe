"""Period-close runs in one shape for every plan: a `(:PeriodRun)` node per plan module and
period (`<module>:<period>`), RUNNING until its close finished, then DONE, with the same named
totals on every plan — `booked`, `paid`, `retained` (cents of all, PAID and RETAINED entries) —
beside `total`, the money each plan reports as its headline (`PeriodRunRecord.total`).

Each plan's close opens its run with `start` (or its own guarded statement that creates the
same shape), adds to it in the statements that book (`totals` gives the amounts) and ends it
with `finish`. Runs booked before this shape are upgraded at start (`upgrade`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from graph.core.money import from_cents
from graph.ledger.period_close import PeriodRunRecord

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


RUNNING, DONE = "RUNNING", "DONE"


def totals(entries: Iterable[dict[str, Any]]) -> dict[str, int]:
    """The named totals of entry rows (cents): booked (all), paid (PAID), retained (RETAINED)."""
    rows = list(entries)
    return {"booked": sum(row["amount"] for row in rows),
            "paid": sum(row["amount"] for row in rows if row["status"] == "PAID"),
            "retained": sum(row["amount"] for row in rows if row["status"] == "RETAINED")}


def record(row: dict[str, Any]) -> PeriodRunRecord:
    """A run row (`cypher/ledger/period_run.fragment`) as the record `closePeriod` answers."""
    def money(name: str) -> Any:
        return from_cents(row[name]) if row.get(name) is not None else None

    return PeriodRunRecord(row["period"], row["entries"], from_cents(row["total"]), row["state"] == DONE,
                           row.get("plan"), row.get("orders"), row.get("plan_version"),
                           money("booked"), money("paid"), money("retained"))


def start(rn: Refnet, run_id: str, period: str) -> dict[str, Any]:
    plan = rn.plan
    return rn.store.run("period_run_start", {"id": run_id, "period": period, "plan": plan.name if plan else None,
                                             "plan_version": plan.version if plan else None,
                                             "now": rn.clock()})[0]


def finish(rn: Refnet, run_id: str) -> dict[str, Any]:
    return rn.store.run("period_run_finish", {"id": run_id, "now": rn.clock()})[0]


def get(rn: Refnet, run_id: str) -> dict[str, Any] | None:
    found = rn.store.run("period_run_get", {"id": run_id})
    return found[0] if found else None


def runs(rn: Refnet, module: str) -> list[PeriodRunRecord]:
    """The runs of one plan module, newest period first."""
    return [record(row) for row in rn.store.run("period_runs", {"prefix": f"{module}:"})]


def all_runs(rn: Refnet) -> list[PeriodRunRecord]:
    """The runs of every plan module, newest period first (`periodRuns`)."""
    return [record(row) for row in rn.store.run("period_runs_all")]


def upgrade(rn: Refnet) -> int:
    return int(rn.store.run("period_runs_upgrade")[0]["upgraded"])
