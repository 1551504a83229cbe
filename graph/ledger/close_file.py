"""A month close's entries written straight to the archive (issue 18): a close's entries belong
to a period that is closed the moment they are booked, and closed periods move to the archive
(issue 19), so with an archive configured the close creates no Entry node at all.

`<root>/<period>/close-entries.parquet` has the columns of entries.parquet
(`graph.ledger.history.ENTRY_COLUMNS`), sorted by order and id. It is written as a partial
file, fsynced, read back and checked against what the close computed (rows, distinct ids, sum,
sums per rule, and the counters each member's entries move: `Check`) and renamed into place; the close then
records it on its run in one guarded statement (sha256, rows, sum). Only a recorded file is read
(`graph.ledger.history`); a file left by a killed close before its record is simply written again.

The graph side of the close is derived from the recorded file, so that a re-run after a kill
books exactly what is left: the member counters the entries move (`member_batches`), grouped per
member in id order and cut into batches of a size recorded with the file; batch k is the same
in every run and is booked once (guarded by the run's count of booked batches).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np

from graph.core.errors import Conflict, Unavailable
from graph.ledger.archive import file_sha256, fsync_dir, fsync_file, move_lock, sql_path
from graph.ledger.bulk_entries import ALWAYS, COUNTERS, SOMETIMES, CloseColumns, CloseEntries
from graph.ledger.history import CLOSE_FILE, ENTRY_COLUMNS, close_file, connection, select_rows
from graph.store.store import Conflicted

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet

log = logging.getLogger("refnet.close_file")


@dataclass(frozen=True)
class Written:
    """A checked close file: what its run records."""

    sha256: str
    rows: int
    cents: int


def locked(root: Path) -> Any:
    """The archive's move lock: one writer of a period's files at a time on this machine."""
    root.mkdir(parents=True, exist_ok=True)
    return move_lock(root)


def write(root: Path, period: str, entries: CloseEntries) -> Written:
    """Writes the close's entries to the period's close file, checked (module docstring),
    replacing any file a killed close left unrecorded."""
    folder = root / period
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / (CLOSE_FILE + ".partial")
    columns = _arrays(entries.columns) if isinstance(entries, CloseColumns) else _columns(entries.rows)
    select = ", ".join(f'CAST("{name}" AS {kind}) AS "{name}"' if name in columns else f'NULL::{kind} AS "{name}"'
                       for name, kind in ENTRY_COLUMNS.items())
    cursor = connection()
    try:
        cursor.register("close_rows", columns)
        cursor.execute(f"COPY (SELECT {select} FROM close_rows ORDER BY order_id, id) TO '{sql_path(partial)}' "
                       "(FORMAT parquet, COMPRESSION zstd)")
    except duckdb.Error as error:
        raise Unavailable(f"close {period}: the close file cannot be written: {error}") from error
    finally:
        cursor.close()
    fsync_file(partial)
    expected = Check(entries.count, entries.count, entries.booked, dict(entries.rules),
                     {member["id"]: member for member in entries.members.values()})
    found = read_check(partial)
    if found != expected:
        partial.unlink()
        raise Unavailable(f"close {period}: the written close file does not read back as the computed entries "
                          f"({found.rows} rows, {found.cents} cents; expected {expected.rows}, {expected.cents})")
    sha256 = file_sha256(partial)
    os.replace(partial, close_file(root, period))
    fsync_dir(folder)
    fsync_dir(root)
    return Written(sha256, entries.count, entries.booked)


def _columns(rows: Sequence[dict[str, Any]]) -> dict[str, np.ndarray]:
    """The rows as one array per column a close's rows may have (`bulk_entries.ALWAYS` and
    `SOMETIMES`): DuckDB reads NumPy arrays ~7x faster than JSON lines."""
    return _arrays({name: list(map(itemgetter(name), rows)) if name in ALWAYS else [row.get(name) for row in rows]
                    for name in (*ALWAYS, *SOMETIMES)})


def _arrays(columns: dict[str, list[Any]]) -> dict[str, np.ndarray]:
    """Each column as a NumPy array (whole numbers as int64: a column of ALWAYS has no null)."""
    return {name: np.array(values, dtype=np.int64 if ENTRY_COLUMNS[name] == "BIGINT" and name in ALWAYS else object)
            for name, values in columns.items()}


@dataclass(frozen=True)
class Check:
    """What a close file must read back as: its rows, distinct ids, sum, sums per rule, and the
    member counters its entries move (what the graph side books from it)."""

    rows: int
    ids: int
    cents: int
    rules: dict[str, int]
    members: dict[str, dict[str, Any]]  # id → {id, paid, frozen, burned}


def read_check(path: Path) -> Check:
    cursor = connection()
    try:
        rows, ids, cents = cursor.execute("SELECT count(*), count(DISTINCT id), coalesce(sum(amount), 0)::BIGINT "
                                          "FROM read_parquet(?)", [str(path)]).fetchone() or (0, 0, 0)
        rules = dict(cursor.execute("SELECT rule, sum(amount)::BIGINT FROM read_parquet(?) GROUP BY rule",
                                    [str(path)]).fetchall())
    except duckdb.Error as error:
        raise Unavailable(f"close: {path} cannot be read: {error}") from error
    finally:
        cursor.close()
    members = {member["id"]: member for member in _member_deltas(path)}
    return Check(int(rows), int(ids), int(cents), {rule: int(value) for rule, value in rules.items()}, members)


def check(root: Path, period: str, sha256: str) -> Path:
    """The recorded close file of `period`, still the one recorded."""
    path = close_file(root, period)
    if not path.is_file():
        raise Unavailable(f"close {period}: {path} is missing; restore it from a backup before the close can finish")
    if file_sha256(path) != sha256:
        raise Conflict(f"close {period}: {path} does not match the checksum recorded on its run")
    return path


# Each member's counter deltas of a close file (graph.ledger.bulk_entries.COUNTERS), in id order.
MEMBER_DELTAS = f"""
SELECT beneficiary_id AS id,
       {", ".join(f"coalesce(sum(amount) FILTER (WHERE status = '{status}'), 0)::BIGINT AS {counter}"
                  for status, counter in COUNTERS.items())}
FROM read_parquet(?) WHERE beneficiary_id IS NOT NULL AND status IN ({", ".join(f"'{s}'" for s in COUNTERS)})
GROUP BY beneficiary_id ORDER BY beneficiary_id"""


def member_batches(path: Path, size: int) -> list[list[dict[str, Any]]]:
    """The member counters the file's entries move ({id, paid, frozen, burned}, cents), in
    batches of `size` members in id order: the same batches from the same file."""
    deltas = _member_deltas(path)
    return [deltas[start:start + size] for start in range(0, len(deltas), size)]


def _member_deltas(path: Path) -> list[dict[str, Any]]:
    return select_rows(MEMBER_DELTAS, [str(path)])


@dataclass(frozen=True)
class Recorded:
    """A close file as its run records it."""

    sha256: str
    batch: int  # members per counter batch
    batches: int  # counter batches booked


def record_file(rn: Refnet, statement: str, params: dict[str, Any], written: Written, entries: CloseEntries,
           period: str, orders: int) -> None:
    """Records a written close file on its run with the plan's guarded `statement` (`params` plus
    the file's facts and the close's totals), which also marks the orders it closes: as many as
    the snapshot had (`marked`); Conflicted when the graph moved since the snapshot."""
    rows = rn.store.run(statement, {**params, "sha256": written.sha256, "rows": written.rows, "cents": written.cents,
                                    "booked": entries.booked, "paid": entries.paid, "retained": entries.retained})
    if not rows:
        raise Conflicted()
    if rows[0]["marked"] != orders:  # the version guard makes them the snapshot's open orders
        raise RuntimeError(f"close {period}: {rows[0]['marked']} orders marked, the snapshot had {orders}")


def recorded(rn: Refnet, run_id: str) -> Recorded | None:
    rows = rn.store.run("close_file_state", {"id": run_id})
    return Recorded(rows[0]["sha256"], int(rows[0]["batch"]), int(rows[0]["batches"])) if rows else None


def book_counters(rn: Refnet, root: Path, period: str, run_id: str, after_batch: Callable[[int], None]) -> None:
    """The member counters of the close file recorded on run `run_id`, batch after batch from
    the first not booked yet (module docstring); `after_batch(k)` after each."""
    found = recorded(rn, run_id)
    if found is None:
        raise Unavailable(f"close {period}: run {run_id} has no close file recorded")
    batches = member_batches(check(root, period, found.sha256), found.batch)
    for number in range(found.batches, len(batches)):
        if rn.store.run("close_members_batch", {"run_id": run_id, "number": number, "members": batches[number]}):
            log.info("closing %s: counters of %d members booked in batch %d of %d", period, len(batches[number]),
                     number + 1, len(batches))
            after_batch(number)

