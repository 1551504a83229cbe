"""The data dir pins its plan: the first start records which plan it runs; later starts and
commands run that plan without being told, and refuse another one unless the operator asks for
the change (`--change-plan`), which is recorded and logged. A new version of the same plan (its
file edited) is not a change of plan: it is recorded as a new plan version (issue 8)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from graph.core.errors import Conflict
from graph.core.plan import DEFAULT_PLAN, Plan, PlanError, load_plan

if TYPE_CHECKING:  # annotations only: the store depends on core, not the other way
    from graph.store.store import Store

log = logging.getLogger("refnet.plan")



class PlanMismatch(Conflict):
    """The plan asked for is not the plan the data dir runs."""


@dataclass(frozen=True)
class PinnedPlan:
    name: str
    ref: str  # what load_plan takes: a shipped plan's name or an absolute file path
    version: str
    at: int


def pinned_plan(store: Store) -> PinnedPlan | None:
    rows = store.run("plan_pin_get")
    return PinnedPlan(**rows[0]) if rows else None


def plan_ref(requested: str) -> str:
    """A shipped plan by its name, a plan file by its absolute path (so any working dir finds it)."""
    path = Path(requested)
    if requested.endswith(".toml") or "/" in requested or path.exists():
        return str(path.resolve())
    return requested


def check_plan(pinned: PinnedPlan | None, plan: Plan, change: bool) -> None:
    """Refuses a plan other than the pinned one unless the change is asked for."""
    if pinned is not None and plan.name != pinned.name and not change:
        raise PlanMismatch(
            f"this data dir runs plan {pinned.name!r}, not {plan.name!r}: leave --plan out (and REFNET_PLAN unset) "
            f"to run {pinned.name!r}, or pass --change-plan to switch the data dir to {plan.name!r}")


def resolve_plan(store: Store, requested: str | None, change: bool, at: int) -> Plan:
    """The plan to run on this store: the requested one (checked against the pinned one) or the
    pinned one; records it when it is the first, a change, or a new version."""
    pinned = pinned_plan(store)
    if requested:
        ref = plan_ref(requested)
    elif pinned is not None:
        ref = pinned.ref
    else:
        ref = DEFAULT_PLAN
    try:
        plan = load_plan(ref)
    except PlanError as error:
        if requested or pinned is None:
            raise
        raise PlanError(f"this data dir runs plan {pinned.name!r} from {pinned.ref}, which cannot be read "
                        f"({error.message}); give the plan file with --plan") from None
    check_plan(pinned, plan, change)
    if pinned is not None and (pinned.name, pinned.ref, pinned.version) == (plan.name, ref, plan.version):
        return plan
    if pinned is None:
        log.info("this data dir runs plan %s (version %s) from now on", plan.name, plan.version)
    elif pinned.name != plan.name:
        log.warning("plan changed by --change-plan: %s (version %s) → %s (version %s)",
                    pinned.name, pinned.version, plan.name, plan.version)
    else:
        log.info("plan %s: version %s → %s (%s)", plan.name, pinned.version, plan.version, ref)
    store.run("plan_pin_set", {"name": plan.name, "ref": ref, "version": plan.version, "at": at})
    return plan
