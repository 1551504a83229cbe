"""The move of a closed period's entries from the graph to the archive (issue 19).

`<root>/<period>/entries.parquet` holds every entry of the period (all the properties the
ledger writer sets), sorted by order and id; `ranks.parquet` the period's rank history
(`RankMonth`); `orders.parquet` the orders of the period or earlier that no open period needs
any more, `refunds.parquet` the refunds booked in it or earlier and `holdings.parquet` the
points holdings with nothing left whose order moved (all sorted by id; `MARKED`),
`activity.parquet` the family plan's events of the families that closed the period (by `key`);
`manifest.json` beside them the row counts, the entries' sum, their sums per rule and per
(rule, member), and the entries file's sha256. The move, step by step, each step safe to be
killed after:

1. **files** — the period's entries are read from the graph in pages, written by DuckDB to
   `entries.parquet.partial`, fsynced, read back and checked against what the graph gave (rows,
   sum, sums per rule and member, distinct ids), then renamed into place; the orders and refunds
   that move are marked (`archive = period`, idempotent) and written and checked likewise (rows,
   distinct ids, sum); the manifest last.
2. **record** — `(:ArchivedPeriod {period})` with rows, sum, sums per rule and the checksum.
   From here on reads take the period from the file (graph.ledger.history).
3. **remove** — the entries (then the rank records, the orders and the refunds) are deleted from
   the graph in batches of the ids read back from the files (never "everything of the period":
   nothing that is not in a file is removed).
4. **done** — the record is marked `removed`.

A re-run finishes: recorded → (check the file's checksum) remove what is left; not recorded →
the graph still holds every entry, so the files are written again (replacing any left by a
killed run) and checked. Only periods whose close is DONE move: a closed period never changes.

A month close that wrote its entries straight to a close file (issue 18, fourth round,
`graph.ledger.close_file`; recorded on its run) has them in no Entry node: step 1 checks the
file against its recorded checksum and writes `entries.parquet` as the union of the graph's
entries of the period and the close file's (DuckDB), checked against both; once step 2 has
recorded the period the close file is deleted (reads take the period from entries.parquet from
the record on, so the close file is never read twice; a kill before the delete leaves it for
the re-run to delete).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from graph.core.errors import BadInput, Conflict, Unavailable
from graph.core.periods import parse_period
from graph.ledger.history import (
    ACTIVITY_COLUMNS,
    ACTIVITY_FILE,
    ENTRIES_FILE,
    ENTRY_COLUMNS,
    HOLDING_COLUMNS,
    HOLDINGS_FILE,
    MANIFEST_FILE,
    ORDER_COLUMNS,
    ORDERS_FILE,
    RANK_COLUMNS,
    RANKS_FILE,
    REFUND_COLUMNS,
    REFUNDS_FILE,
    close_file,
    connection,
    period_file,
)
from graph.store.index_garbage import rebuild_with_garbage

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet

log = logging.getLogger("refnet.archive")

PAGE = 20_000  # entries read from the graph per query
REMOVE_BATCH = 5_000  # entries deleted from the graph per statement
STEPS = ("files", "record", "remove", "done")

Step = Callable[[str], None]


@dataclass(frozen=True)
class Manifest:
    """What a period's archive holds, computed from entry rows (pure): the check of a written file."""

    period: str
    rows: int
    cents: int
    rules: dict[str, int]  # rule → cents
    members: dict[tuple[str, str], int]  # (rule, beneficiary or '') → cents
    ids: int  # distinct entry ids
    ranks: int = 0  # rank history records (ranks.parquet)
    orders: int = 0  # orders.parquet rows
    refunds: int = 0  # refunds.parquet rows
    holdings: int = 0  # holdings.parquet rows
    activity: int = 0  # activity.parquet rows (the family plan's events)

    @classmethod
    def of(cls, period: str, rows: Iterable[dict[str, Any]]) -> "Manifest":
        count = cents = 0
        rules: dict[str, int] = defaultdict(int)
        members: dict[tuple[str, str], int] = defaultdict(int)
        for row in rows:
            count += 1
            cents += int(row["amount"])
            rules[row["rule"]] += int(row["amount"])
            members[(row["rule"], row["beneficiary_id"] or "")] += int(row["amount"])
        return cls(period, count, cents, dict(rules), dict(members), count)  # the graph's ids are unique

    def __add__(self, other: "Manifest") -> "Manifest":
        """The entries of two sources of one period (the graph's and a close file's)."""
        rules = dict(self.rules)
        for rule, cents in other.rules.items():
            rules[rule] = rules.get(rule, 0) + cents
        members = dict(self.members)
        for key, cents in other.members.items():
            members[key] = members.get(key, 0) + cents
        return replace(self, rows=self.rows + other.rows, cents=self.cents + other.cents, rules=rules,
                       members=members, ids=self.ids + other.ids)

    def json(self, sha256: str) -> dict[str, Any]:
        return {"period": self.period, "rows": self.rows, "ranks": self.ranks, "orders": self.orders,
                "refunds": self.refunds, "holdings": self.holdings, "activity": self.activity, "cents": self.cents,
                "sha256": sha256,
                "rules": dict(sorted(self.rules.items())),
                "members": [[rule, member, cents] for (rule, member), cents in sorted(self.members.items())]}


@dataclass(frozen=True)
class ArchiveResult:
    period: str
    rows: int  # entries in the archive file
    cents: int
    removed: int  # entries this run removed from the graph
    written: bool  # this run wrote the files
    orders: int = 0  # orders in the archive's orders.parquet (0 for a period moved before orders moved too)
    refunds: int = 0  # refunds in refunds.parquet


def archive_period(rn: "Refnet", period: str, step: Step = lambda name: None) -> ArchiveResult:
    """Moves (or finishes moving) closed period `period` to the archive; idempotent. `step` is
    called after each step with its name (tests kill the move there)."""
    root = _root(rn)
    parse_period(period)
    state = rn.store.run("archive_state", {"period": period})[0]
    if state["archived"] is None and (not state["done"] or state["running"]):
        raise BadInput(f"period: {period} is not closed (its close has not finished): only closed periods move to "
                       "the archive")
    with move_lock(root):
        state = rn.store.run("archive_state", {"period": period})[0]
        written = False
        if state["archived"] is None:
            manifest, sha256 = write_files(rn, root, period)
            written = True
            step("files")
            rn.store.run("archive_record", {
                "period": period, "rows": manifest.rows, "ranks": manifest.ranks, "cents": manifest.cents,
                "rules": sorted(manifest.rules),
                "rule_cents": [manifest.rules[rule] for rule in sorted(manifest.rules)], "sha256": sha256,
                "orders": manifest.orders, "refunds": manifest.refunds, "holdings": manifest.holdings,
                "activity": manifest.activity, "at": rn.clock()})
            state = rn.store.run("archive_state", {"period": period})[0]
            step("record")
        _drop_close_file(root, period)  # recorded: entries.parquet holds its entries, history reads that
        archived = state["archived"]
        if archived["removed"]:
            return ArchiveResult(period, archived["rows"], archived["cents"], 0, written, archived["orders"] or 0,
                                 archived["refunds"] or 0)
        path = period_file(root, period)
        moved = [marked for marked in MARKED if archived[marked.kind] is not None]  # what its version moved
        if not written:  # files of an earlier run: still the ones recorded?
            check_file(path, archived["sha256"])
            check_ranks(path.with_name(RANKS_FILE), archived["ranks"])
            for marked in moved:
                check_rows(path.with_name(marked.file), archived[marked.kind], key=marked.key)
        removed = 0
        for ids in _id_batches(path):
            removed += int(rn.store.run("archive_remove", {"ids": ids})[0]["removed"])
            step("remove")
        for keys in _id_batches(path.with_name(RANKS_FILE), "key"):
            rn.store.run("archive_remove_ranks", {"keys": keys})
            step("remove")
        for marked in moved:
            for ids in _id_batches(path.with_name(marked.file), marked.key):
                rn.store.run(f"archive_remove_{marked.kind}", {"ids": ids})
                step("remove")
        hot = int(rn.store.run("archive_removed", {"period": period})[0]["hot"])
        if hot:
            log.warning("archive %s: %d entries of the period are still in the graph (booked after its close?)",
                        period, hot)
        step("done")
    log.info("archived %s: %d entries, %d removed from the graph", period, archived["rows"], removed)
    rebuild_with_garbage(rn.store)  # what the removal (and the month's counter updates) left in the indexes
    return ArchiveResult(period, archived["rows"], archived["cents"], removed, written, archived["orders"] or 0,
                         archived["refunds"] or 0)


def archive_closed(rn: "Refnet", step: Step = lambda name: None) -> list[ArchiveResult]:
    """Moves every closed period not archived yet, oldest first (after a close; `refnet archive`)."""
    return [archive_period(rn, row["period"], step) for row in rn.store.run("archive_pending")]


def after_close(rn: "Refnet", period: str) -> None:
    """The move that runs by itself after a close finished; a failed move is logged and left
    for `refnet archive` to finish (the close itself is done and stays done)."""
    try:
        if rn.archive is None:
            rebuild_with_garbage(rn.store)  # a month's counter updates leave index garbage all the same
        else:
            archive_period(rn, period)
    except Exception:  # noqa: BLE001 -- the close succeeded; the move is finished by a re-run
        log.exception("archive of %s did not finish; `refnet archive %s` finishes it", period, period)


# --- the files ----------------------------------------------------------------------------


def pages(rn: "Refnet", query: str, period: str, key: str) -> Iterator[list[dict[str, Any]]]:
    """The rows of `query` for `period`, a page of PAGE at a time, ordered and resumed by `key`."""
    after = ""
    while True:
        rows = rn.store.run(query, {"period": period, "after": after, "limit": PAGE})
        if rows:
            yield rows
        if len(rows) < PAGE:
            return
        after = rows[-1][key]


def entry_pages(rn: "Refnet", period: str) -> Iterator[list[dict[str, Any]]]:
    return pages(rn, "archive_entries_page", period, "id")


def write_files(rn: "Refnet", root: Path, period: str) -> tuple[Manifest, str]:
    """Writes and checks `<root>/<period>/entries.parquet` and its manifest from the graph's
    entries of the period; returns the manifest and the file's sha256."""
    folder = root / period
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / ENTRIES_FILE
    partial = folder / (ENTRIES_FILE + ".partial")
    closes = []
    for row in rn.store.run("close_files_of", {"period": period}):
        check_file(close_file(root, period), row["sha256"])
        closes.append(close_file(root, period))
    with parquet_file(partial, ENTRY_COLUMNS, "order_id, id", also=closes) as write:
        expected = Manifest.of(period, (write(row) for page in entry_pages(rn, period) for row in page))
    for path in closes:  # the close's entries, written by the close straight to the archive (issue 18)
        expected = expected + read_manifest(path, period)
    found = read_manifest(partial, period)
    if found != expected:
        partial.unlink()
        raise Unavailable(f"archive {period}: the written file does not read back as the graph's entries "
                          f"({found.rows} rows, {found.cents} cents; expected {expected.rows}, {expected.cents})")
    sha256 = file_sha256(partial)
    os.replace(partial, target)
    ranks = write_ranks(rn, folder, period)
    rows = {marked.kind: write_marked(rn, folder, period, marked) for marked in MARKED}
    expected = replace(expected, ranks=ranks, orders=rows["orders"], refunds=rows["refunds"], holdings=rows["holdings"],
                       activity=rows["activity"])
    manifest_partial = folder / (MANIFEST_FILE + ".partial")
    manifest_partial.write_text(json.dumps(expected.json(sha256), indent=1) + "\n", encoding="utf-8")
    fsync_file(manifest_partial)
    os.replace(manifest_partial, folder / MANIFEST_FILE)
    fsync_dir(folder)
    fsync_dir(root)
    return expected, sha256


MARK_BATCH = 5_000  # orders or refunds marked for the move per statement


@dataclass(frozen=True)
class Marked:
    """A kind of node the move marks (`archive = period`), writes to its own file, checks and
    removes by the ids read back: `archive_mark_<kind>`, `archive_<kind>_page`,
    `archive_remove_<kind>`; `ArchivedPeriod.<kind>` records its rows (null for a period moved
    before this kind moved too)."""

    kind: str
    file: str
    columns: dict[str, str]
    key: str = "id"  # the unique column the file is sorted, checked and removed by
    sums: tuple[str, ...] = ("amount",)  # the columns whose total the written file is checked against
    params: Callable[[str], dict[str, Any]] = lambda period: {}  # more parameters of its mark statement


def activity_params(period: str) -> dict[str, Any]:
    """The mark of the family plan's activity: the period's bounds and a prefix of the keys it
    gives events (fresh per statement: an event's key is set once, when it is first marked)."""
    bounds = parse_period(period)
    return {"start": bounds.start_ms, "end": bounds.end_ms, "prefix": f"{period}:{uuid.uuid4().hex}:"}


# In this order: a holding moves with its order, once the order is marked.
MARKED = (Marked("orders", ORDERS_FILE, ORDER_COLUMNS),  # no open period needs them (archive_mark_orders)
          Marked("refunds", REFUNDS_FILE, REFUND_COLUMNS),  # booked in the period or earlier
          Marked("holdings", HOLDINGS_FILE, HOLDING_COLUMNS),  # nothing left in them, their order moved
          Marked("activity", ACTIVITY_FILE, ACTIVITY_COLUMNS, "key", ("diamonds", "amount"),
                 activity_params))  # the family plan's events of the period's closed families


def write_marked(rn: "Refnet", folder: Path, period: str, marked: Marked) -> int:
    """Marks the nodes of `marked.kind` that move with `period` and writes and checks their
    file; returns its rows."""
    mark = f"archive_mark_{marked.kind}"
    while rn.store.run(mark, {"period": period, "limit": MARK_BATCH, **marked.params(period)})[0]["marked"] \
            == MARK_BATCH:
        pass
    rows = (row for page in pages(rn, f"archive_{marked.kind}_page", period, marked.key) for row in page)
    return write_table(folder, marked.file, marked.columns, rows, marked.key, marked.sums)


def write_table(folder: Path, name: str, columns: dict[str, str], rows: Iterable[dict[str, Any]], key: str = "id",
                sums: tuple[str, ...] = ("amount",)) -> int:
    """Writes `rows` (each with a unique `key`) to `<folder>/<name>` sorted by it, fsynced, read
    back and checked (rows, distinct keys, the total of the `sums` columns); returns how many."""
    partial = folder / (name + ".partial")
    count = cents = 0
    with parquet_file(partial, columns, key) as write:
        for row in rows:
            count += 1
            kept = write(row)
            cents += sum(int(kept[column] or 0) for column in sums)
    check_rows(partial, count, cents, key, sums)
    os.replace(partial, folder / name)
    return count


def check_rows(path: Path, rows: int, cents: int | None = None, key: str = "id",
               sums: tuple[str, ...] = ("amount",)) -> None:
    """A marked table's file holds `rows` rows, each `key` once (and its `sums` columns totalling `cents`)."""
    total = " + ".join(f"coalesce(sum({column}), 0)" for column in sums)
    cursor = connection()
    try:
        found = cursor.execute(f"SELECT count(*), count(DISTINCT {key}), ({total})::BIGINT "
                               "FROM read_parquet(?)", [str(path)]).fetchone()
    except duckdb.Error as error:
        raise Unavailable(f"archive: {path} cannot be read: {error}") from error
    finally:
        cursor.close()
    if found is None or (int(found[0]), int(found[1])) != (rows, rows) or (cents is not None and found[2] != cents):
        raise Unavailable(f"archive: {path} does not hold the {rows} rows of its period")


def rank_pages(rn: "Refnet", period: str) -> Iterator[list[dict[str, Any]]]:
    return pages(rn, "archive_ranks_page", period, "key")


def write_ranks(rn: "Refnet", folder: Path, period: str) -> int:
    """Writes and checks `ranks.parquet`, the period's rank history; returns its rows."""
    partial = folder / (RANKS_FILE + ".partial")
    rows = 0
    with parquet_file(partial, RANK_COLUMNS, "member_id, key") as write:
        for page in rank_pages(rn, period):
            for row in page:
                write(row)
                rows += 1
    check_ranks(partial, rows)
    os.replace(partial, folder / RANKS_FILE)
    return rows


@contextmanager
def parquet_file(partial: Path, columns: dict[str, str], order_by: str,
                 also: Sequence[Path] = ()) -> Iterator[Callable[[dict[str, Any]], dict[str, Any]]]:
    """Gives a `write(row)` that keeps the row's `columns` (and returns them); on leaving, the
    rows (and those of the Parquet files `also`, same columns) become `partial`, Parquet sorted
    by `order_by`, fsynced. DuckDB reads them from a temporary JSON-lines file with the column
    types spelled out (no pyarrow needed)."""
    lines = tempfile.NamedTemporaryFile("w", suffix=".jsonl", dir=partial.parent, delete=False, encoding="utf-8")  # noqa: SIM115 -- removed below

    def write(row: dict[str, Any]) -> dict[str, Any]:
        kept = {name: row.get(name) for name in columns}
        lines.write(json.dumps(kept, separators=(",", ":")) + "\n")
        return kept

    try:
        with lines:
            yield write
        spelled = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items()) + "}"
        source = f"SELECT * FROM read_json(?, format = 'newline_delimited', columns = {spelled})"
        if also:
            source += " UNION ALL BY NAME SELECT * FROM read_parquet([" + ", ".join(
                f"'{sql_path(path)}'" for path in also) + "])"
        cursor = connection()
        try:
            cursor.execute(
                f"COPY (SELECT * FROM ({source}) ORDER BY {order_by}) TO '{sql_path(partial)}' "
                "(FORMAT parquet, COMPRESSION zstd)", [lines.name])
        finally:
            cursor.close()
    finally:
        os.unlink(lines.name)
    fsync_file(partial)


def check_ranks(path: Path, rows: int) -> None:
    """A rank history file holds `rows` records, each key once."""
    cursor = connection()
    try:
        found = cursor.execute("SELECT count(*), count(DISTINCT key) FROM read_parquet(?)", [str(path)]).fetchone()
    except duckdb.Error as error:
        raise Unavailable(f"archive: {path} cannot be read: {error}") from error
    finally:
        cursor.close()
    if found is None or (int(found[0]), int(found[1])) != (rows, rows):
        raise Unavailable(f"archive: {path} does not hold the {rows} rank records of its period")


def read_manifest(path: Path, period: str) -> Manifest:
    """The manifest of a written file, recounted by DuckDB (rows, sums per rule and member)."""
    cursor = connection()
    try:
        groups = cursor.execute(
            "SELECT rule, coalesce(beneficiary_id, '') AS member, sum(amount)::BIGINT, count(*)::BIGINT "
            "FROM read_parquet(?) GROUP BY ALL", [str(path)]).fetchall()
        ids = cursor.execute("SELECT count(DISTINCT id)::BIGINT FROM read_parquet(?)", [str(path)]).fetchone()
    except duckdb.Error as error:
        raise Unavailable(f"archive {period}: {path} cannot be read: {error}") from error
    finally:
        cursor.close()
    rules: dict[str, int] = defaultdict(int)
    members: dict[tuple[str, str], int] = {}
    for rule, member, cents, _count in groups:
        rules[rule] += int(cents)
        members[(rule, member)] = int(cents)
    return Manifest(period, sum(int(count) for *_, count in groups), sum(rules.values()), dict(rules), members,
                    int(ids[0]) if ids else 0)


def check_file(path: Path, sha256: str) -> None:
    if not path.is_file():
        raise Unavailable(f"archive: {path} is missing; restore it from a backup before the move can finish")
    if file_sha256(path) != sha256:
        raise Conflict(f"archive: {path} does not match the checksum recorded in the graph")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _id_batches(path: Path, column: str = "id") -> Iterator[list[str]]:
    cursor = connection()
    try:
        result = cursor.execute(f"SELECT {column} FROM read_parquet(?) ORDER BY {column}", [str(path)])
        while batch := result.fetchmany(REMOVE_BATCH):
            yield [row[0] for row in batch]
    finally:
        cursor.close()


def _drop_close_file(root: Path, period: str) -> None:
    """The close file of a period recorded as archived: its entries are in entries.parquet."""
    path = close_file(root, period)
    if path.exists():
        path.unlink()
        fsync_dir(path.parent)


def _root(rn: "Refnet") -> Path:
    if rn.archive is None:
        raise Unavailable("archive: no archive location is configured for this engine")
    rn.archive.mkdir(parents=True, exist_ok=True)
    return rn.archive


@contextmanager
def move_lock(root: Path) -> Iterator[None]:
    """One move at a time on this machine (two refnet processes on one data dir): the orders a
    move takes are those of its period or earlier, so two periods' moves must not overlap."""
    with open(root / ".move.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def fsync_file(path: Path) -> None:
    with open(path, "rb") as written:
        os.fsync(written.fileno())


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
