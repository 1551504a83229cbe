"""The read side of the archive (issue 19): closed periods' entries in Parquet files, read with DuckDB.

Which periods are archived is recorded in the graph (`(:ArchivedPeriod)`, written by
`graph.ledger.archive` only once its files are written and checked): a file that is not recorded
is never read. A recorded period whose entries are still being removed from the graph is read
from its file only; every hot ledger query leaves out the entries of those periods
(`$archived`), so a read sees each entry exactly once at every step of a move.

A month close with an archive writes its entries straight to `<period>/close-entries.parquet`
(issue 18, `graph.ledger.close_file`) and records it on its run: until the period is recorded
as archived, that file is read beside the graph's entries of the period (which never hold the
close's); once it is, `entries.parquet` holds them and the close file is no longer read.

Aggregates (payouts, payoutReport, a close's totals) are grouped by DuckDB over the files; only
row reads (a ledger page, an order's entries, a member's statement) return rows. SQL lives here,
one constant per read with what it returns, as the Cypher does in `cypher/`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb

from graph.core.errors import BadInput, Unavailable
from graph.ledger.id_filter import filter_of, key_hash

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.network.rank_history import RankMonth
    from graph.service import Refnet

T = TypeVar("T")

# The columns of entries.parquet: every property the ledger writer sets (cypher/ledger/entries.fragment).
ENTRY_COLUMNS: dict[str, str] = {
    "id": "VARCHAR", "seq": "BIGINT", "rule": "VARCHAR", "status": "VARCHAR", "amount": "BIGINT",
    "explanation": "VARCHAR", "beneficiary_id": "VARCHAR", "pool": "VARCHAR", "order_id": "VARCHAR",
    "period": "VARCHAR", "at": "BIGINT", "plan_version": "VARCHAR", "points": "BIGINT", "reverses": "VARCHAR",
    "refund_id": "VARCHAR", "quota_used": "BIGINT",
}
# The columns of ranks.parquet: a closed period's rank history (graph/network/rank_history.py).
RANK_COLUMNS: dict[str, str] = {
    "key": "VARCHAR", "member_id": "VARCHAR", "period": "VARCHAR", "rank": "VARCHAR", "level": "VARCHAR",
    "identity": "VARCHAR",
}
# The columns of orders.parquet: an order that no open period needs (its pool shares split, its
# differential close booked), as recorded; `refunded` is not kept: refunds move to refunds.parquet,
# and what was refunded of an archived order is the sum of its refunds, hot and archived.
ORDER_COLUMNS: dict[str, str] = {
    "id": "VARCHAR", "buyer_id": "VARCHAR", "amount": "BIGINT", "referrer_id": "VARCHAR", "at": "BIGINT",
    "period": "VARCHAR", "plan_version": "VARCHAR", "effects": "BOOLEAN", "settle": "VARCHAR",
    "settle_in": "VARCHAR", "closed_in": "VARCHAR", "level_closed": "VARCHAR", "pools_closed": "VARCHAR",
    "imported": "BOOLEAN",
}
# The columns of refunds.parquet: the refunds booked in closed periods.
REFUND_COLUMNS: dict[str, str] = {
    "id": "VARCHAR", "order_id": "VARCHAR", "amount": "BIGINT", "reason": "VARCHAR", "at": "BIGINT",
    "period": "VARCHAR", "plan_version": "VARCHAR", "entries": "BIGINT",
}
# The columns of holdings.parquet: points holdings with nothing left whose order moved (rules §5);
# a refund of the order reads what it issued (ten-thousandths) to take its share back.
HOLDING_COLUMNS: dict[str, str] = {
    "id": "VARCHAR", "member_id": "VARCHAR", "order_id": "VARCHAR", "amount": "BIGINT", "units": "BIGINT",
    "issued": "BIGINT", "sold": "BIGINT", "seq": "BIGINT", "active": "BOOLEAN",
}
# The columns of activity.parquet: the family plan's events of the period's closed families
# (graph/plans/family/activity.py), every property, with `member_id` / `family_id` as the events'
# BY / IN relationships name them; `key` is the archive's own unique key of an event (given when
# the move marks it: `id` is the optional id it was recorded with), `archive` the period.
ACTIVITY_COLUMNS: dict[str, str] = {
    "key": "VARCHAR", "id": "VARCHAR", "family_id": "VARCHAR", "member_id": "VARCHAR", "type": "VARCHAR",
    "at": "BIGINT", "diamonds": "BIGINT", "category": "VARCHAR", "amount": "BIGINT", "recorded_at": "BIGINT",
    "archive": "VARCHAR",
}
ACTIVITY_FILE = "activity.parquet"
RANKS_FILE = "ranks.parquet"
CLOSE_FILE = "close-entries.parquet"  # a month close's entries, until its period moves (issue 18)
HOLDINGS_FILE = "holdings.parquet"
ORDERS_FILE = "orders.parquet"
REFUNDS_FILE = "refunds.parquet"
ENTRIES_FILE = "entries.parquet"
MANIFEST_FILE = "manifest.json"
FIELDS = ", ".join(f'"{name}"' for name in ENTRY_COLUMNS if name != "quota_used")  # `at` is a keyword
RELEASE = "(rule = 'withdrawal' AND starts_with(explanation, 'released '))"


@dataclass(frozen=True)
class History:
    """The archived periods a read sees: `files` to read, `removing` the periods whose hot
    entries must be left out (recorded, still being removed from the graph)."""

    files: list[str]
    removing: list[str]
    with_orders: tuple[str, ...] = ()  # the files of periods whose move took orders and refunds too
    closing: tuple[str, ...] = ()  # among `files`, the close files of periods not archived yet

    @property
    def rank_files(self) -> list[str]:
        """The archived periods' rank history (a close file's period keeps its ranks in the graph)."""
        return [str(Path(name).with_name(RANKS_FILE)) for name in self.files if name not in self.closing]

    @property
    def order_files(self) -> list[str]:
        return [str(Path(name).with_name(ORDERS_FILE)) for name in self.with_orders]

    @property
    def refund_files(self) -> list[str]:
        return [str(Path(name).with_name(REFUNDS_FILE)) for name in self.with_orders]

    @property
    def holding_files(self) -> list[str]:
        """Periods moved before holdings moved too have none."""
        files = (Path(name).with_name(HOLDINGS_FILE) for name in self.with_orders)
        return [str(path) for path in files if path.is_file()]

    def __bool__(self) -> bool:
        return bool(self.files)


def archive_root(rn: "Refnet") -> Path | None:
    return rn.archive


def period_file(root: Path, period: str) -> Path:
    return root / period / ENTRIES_FILE


def close_file(root: Path, period: str) -> Path:
    return root / period / CLOSE_FILE


def recorded(rn: "Refnet") -> list[dict[str, Any]]:
    """The archived periods recorded in the graph (`cypher/ledger/archived_periods.cypher`)."""
    return [row for row in rn.store.run("archived_periods") if not row.get("closing")]


def history(rn: "Refnet") -> History:
    root = archive_root(rn)
    if root is None:
        return History([], [])
    rows = rn.store.run("archived_periods")
    archived = sorted((row for row in rows if not row.get("closing")), key=lambda row: row["period"])
    closing = tuple(str(close_file(root, row["period"])) for row in sorted(
        (row for row in rows if row.get("closing")), key=lambda row: row["period"]))
    return History([*(str(period_file(root, row["period"])) for row in archived), *closing],
                   [row["period"] for row in archived if not row["removed"]],
                   tuple(str(period_file(root, row["period"])) for row in archived if row.get("orders") is not None),
                   closing)


def consistent(rn: "Refnet", read: Callable[[History], T]) -> T:
    """`read(h)` over the graph and the archive as of one moment: read again when a move was
    recorded or finished meanwhile (between the archived periods read and the hot rows, the
    entries of a just-recorded period could be removed from the graph: neither read would see
    them). While the periods are unchanged, no entry the hot query may see is removed."""
    h = history(rn)
    while True:
        result = read(h)
        again = history(rn)
        if again == h:
            return result
        h = again


_local = threading.local()
# DuckDB without threads of its own: refnet forks (the embedded database's supervisor, commands),
# and a child forked while DuckDB's threads hold locks can crash before it runs its program.
CONFIG: dict[str, str | bool | int | float | list[str]] = {"threads": 1, "async_threads": 0}


def connect() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(":memory:", config=CONFIG)


def connection() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB per thread (opening one costs ~20 ms; a cursor is cheap)."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = connect()
    return con.cursor()


def select_rows(sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    """The rows of one read of the archive; an unreadable file is UNAVAILABLE."""
    cursor = connection()
    try:
        result = cursor.execute(sql, list(params))
        names = [column[0] for column in result.description]
        return [dict(zip(names, values, strict=True)) for values in result.fetchall()]
    except duckdb.IOException as error:
        raise Unavailable(f"the archive cannot be read: {error}") from error
    finally:
        cursor.close()


# Rows of one ledger page (graph.ledger.entries.ledger): filters as ledger_all.cypher, same order.
LEDGER_PAGE = f"""
SELECT {FIELDS}, split_part(id, '#', 1) AS source FROM read_parquet(?)
WHERE (?::VARCHAR IS NULL OR beneficiary_id = ?) AND (?::VARCHAR IS NULL OR order_id = ?)
  AND (?::VARCHAR IS NULL OR period = ?) AND (?::VARCHAR IS NULL OR rule = ?)
  AND (?::BIGINT IS NULL OR "at" > ? OR ("at" = ? AND (split_part(id, '#', 1) > ?
       OR (split_part(id, '#', 1) = ? AND seq > ?))))
ORDER BY "at", source, seq LIMIT ?"""


def ledger_page(h: History, member_id: str | None, order_id: str | None, period: str | None, rule: str | None,
                first: int, after: tuple[int | None, str | None, int | None]) -> list[dict[str, Any]]:
    if not h:
        return []
    at, source, seq = after
    return select_rows(LEDGER_PAGE, [h.files, member_id, member_id, order_id, order_id, period, period, rule, rule,
                               at, at, at, source, source, seq, first])


# Every entry of the orders (the allocation and refund reversals naming the order).
ORDERS = f"SELECT {FIELDS} FROM read_parquet(?) WHERE order_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY order_id, seq"


def order_entries(h: History, order_ids: list[str]) -> list[dict[str, Any]]:
    return select_rows(ORDERS, [h.files, order_ids]) if h and order_ids else []


# Every entry credited to one member, with whether it releases the mutual fund (statements).
MEMBER = f"SELECT {FIELDS}, {RELEASE} AS release FROM read_parquet(?) WHERE beneficiary_id = ?"


def member_entries(h: History, member_id: str) -> list[dict[str, Any]]:
    return select_rows(MEMBER, [h.files, member_id]) if h else []


# The payouts' money entries, grouped: one row per member, rule, status, month, reversal and
# release (the payouts add amounts per column and month, so a group's sum answers the same).
MONEY = f"""
SELECT beneficiary_id AS member_id, rule, status, sum(amount)::BIGINT AS amount,
       CASE WHEN regexp_full_match(coalesce(period, ''), '\\d{{4}}-(0[1-9]|1[0-2])') THEN period
            ELSE strftime(make_timestamp("at" * 1000), '%Y-%m') END AS period,
       0::BIGINT AS at, CASE WHEN reverses IS NULL THEN NULL ELSE 'reversal' END AS reverses, {RELEASE} AS release
FROM read_parquet(?)
WHERE beneficiary_id IS NOT NULL AND status IN ('PAID', 'FROZEN')
GROUP BY ALL"""


def money_entries(h: History) -> list[dict[str, Any]]:
    return select_rows(MONEY, [h.files]) if h else []


# payoutReport's groups (as payout_rows.cypher): entries with `at` in [from, to).
PAYOUT_ROWS = """
SELECT rule, status, (order_id IS NOT NULL AND EXISTS (SELECT 1 FROM unnest(?::VARCHAR[]) t(p) WHERE starts_with(id, p)))
       AS revenue, sum(amount)::BIGINT AS cents, count(*)::BIGINT AS entries
FROM read_parquet(?) WHERE "at" >= ? AND "at" < ? GROUP BY ALL"""


def payout_rows(h: History, from_ms: int, to_ms: int, revenue: list[str]) -> list[dict[str, Any]]:
    return select_rows(PAYOUT_ROWS, [revenue, h.files, from_ms, to_ms]) if h else []


# A close's totals read back (as period_run_rules.cypher).
RUN_RULES = """
SELECT rule, status, sum(amount)::BIGINT AS cents, count(*)::BIGINT AS entries FROM read_parquet(?)
WHERE period = ? AND EXISTS (SELECT 1 FROM unnest(?::VARCHAR[]) t(p) WHERE starts_with(id, p)) GROUP BY ALL"""


def run_rules(h: History, period: str, prefixes: list[str]) -> list[dict[str, Any]]:
    return select_rows(RUN_RULES, [h.files, period, prefixes]) if h else []


# A closed split's entries `<source>#n` with what archived reversals took of each (refunds).
SPLIT = """
SELECT e.id, e.seq, e.rule, e.status, e.amount, e.beneficiary_id, e.pool, e.plan_version, e.period,
       coalesce((SELECT sum(r.amount) FROM read_parquet(?) r WHERE r.reverses = e.id), 0)::BIGINT AS reversed
FROM read_parquet(?) e WHERE starts_with(e.id, ?) ORDER BY e.id"""


def split_entries(h: History, source: str) -> list[dict[str, Any]]:
    return select_rows(SPLIT, [h.files, h.files, f"{source}#"]) if h else []


# What archived reversals took of the given (hot) entries.
REVERSED = """
SELECT reverses AS id, sum(amount)::BIGINT AS reversed FROM read_parquet(?)
WHERE reverses IN (SELECT unnest(?::VARCHAR[])) GROUP BY reverses"""


def reversed_of(h: History, ids: list[str]) -> dict[str, int]:
    return {row["id"]: int(row["reversed"]) for row in select_rows(REVERSED, [h.files, ids])} if h and ids else {}


# Entries by id (what an import re-run looks for: its opening balances, wherever they are now).
BY_IDS = f"SELECT {FIELDS} FROM read_parquet(?) WHERE id IN (SELECT unnest(?::VARCHAR[]))"


def entries_by_ids(h: History, ids: list[str]) -> list[dict[str, Any]]:
    return select_rows(BY_IDS, [h.files, ids]) if h and ids else []


ORDER_FIELDS = ", ".join(f'"{name}"' for name in ORDER_COLUMNS)
REFUND_FIELDS = ", ".join(f'"{name}"' for name in REFUND_COLUMNS)

# Archived orders by id (one file or a few: those whose id filter may hold the ids).
ORDERS_BY_IDS = f"SELECT {ORDER_FIELDS} FROM read_parquet(?) WHERE id IN (SELECT unnest(?::VARCHAR[]))"
# What archived refunds took of the given orders (cents).
ARCHIVED_REFUNDED = """SELECT order_id AS id, sum(amount)::BIGINT AS refunded FROM read_parquet(?)
WHERE order_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY order_id"""
# Every archived order id's hash (graph.ledger.id_filter.key_hash), to build a file's id filter.
ID_HASHES = "SELECT md5_number_lower(id) AS h FROM read_parquet(?)"


def id_hashes(path: str, sql: str = ID_HASHES) -> Any:
    """The column `h` of `sql` over one file, as an array (what an id filter is built from)."""
    cursor = connection()
    try:
        return cursor.execute(sql, [path]).fetchnumpy()["h"]
    except duckdb.IOException as error:
        raise Unavailable(f"the archive cannot be read: {error}") from error
    finally:
        cursor.close()


def orders_by_ids(h: History, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The archived orders among `ids`: only the files whose id filter may hold one of them are
    read (graph.ledger.id_filter), so a new order's id costs no file read in most cases."""
    if not h.with_orders or not ids:
        return {}
    hashes = [key_hash(order_id) for order_id in ids]
    files = [name for name in h.order_files
             if any(filter_of(name, id_hashes).may_hold_hash(hashed) for hashed in hashes)]
    return {row["id"]: row for row in select_rows(ORDERS_BY_IDS, [files, list(ids)])} if files else {}


HOLDINGS_BY_IDS = "SELECT * FROM read_parquet(?) WHERE id IN (SELECT unnest(?::VARCHAR[]))"


def holdings_by_ids(h: History, ids: list[str]) -> dict[str, dict[str, Any]]:
    """The archived holdings among `ids` (periods moved before holdings moved have no file)."""
    files = h.holding_files
    return {row["id"]: row for row in select_rows(HOLDINGS_BY_IDS, [files, list(ids)])} if files and ids else {}


def archived_refunded(h: History, order_ids: list[str]) -> dict[str, int]:
    """What the archived refunds of each order took (cents); orders without any are left out."""
    if not h.with_orders or not order_ids:
        return {}
    return {row["id"]: int(row["refunded"]) for row in select_rows(ARCHIVED_REFUNDED, [h.refund_files, list(order_ids)])}


# Archived refunds of the given orders, oldest first.
REFUNDS_OF = f"""SELECT {REFUND_FIELDS} FROM read_parquet(?) WHERE order_id IN (SELECT unnest(?::VARCHAR[]))
ORDER BY "at", id"""


def refunds_of(h: History, order_ids: list[str]) -> list[dict[str, Any]]:
    return select_rows(REFUNDS_OF, [h.refund_files, list(order_ids)]) if h.with_orders and order_ids else []


# An archived refund by id (a refund repeated after its month moved).
REFUND_BY_ID = f"SELECT {REFUND_FIELDS} FROM read_parquet(?) WHERE id = ?"


def refund_by_id(h: History, refund_id: str) -> dict[str, Any] | None:
    rows = select_rows(REFUND_BY_ID, [h.refund_files, refund_id]) if h.with_orders else []
    return rows[0] if rows else None


# What was sold in [from, to) among archived orders, and refunded among archived refunds (cents).
SALES = """SELECT coalesce((SELECT sum(amount) FROM read_parquet(?) WHERE "at" >= ? AND "at" < ?), 0)::BIGINT AS sold,
       coalesce((SELECT sum(amount) FROM read_parquet(?) WHERE "at" >= ? AND "at" < ?), 0)::BIGINT AS refunded"""


def sales(h: History, from_ms: int, to_ms: int) -> tuple[int, int]:
    if not h.with_orders:
        return 0, 0
    row = select_rows(SALES, [h.order_files, from_ms, to_ms, h.refund_files, from_ms, to_ms])[0]
    return int(row["sold"]), int(row["refunded"])


# A member's archived orders with effects (what a tree move carries as its own sales): id, amount
# (cents).
OWN_ORDERS = """SELECT id, amount FROM read_parquet(?) WHERE buyer_id = ? AND effects"""


def own_orders(h: History, member_id: str) -> list[dict[str, Any]]:
    return select_rows(OWN_ORDERS, [h.order_files, member_id]) if h.with_orders else []


# How many orders the archive holds (an import's check whether any row can be a repeat).
ORDER_COUNT = "SELECT count(*)::BIGINT AS n FROM read_parquet(?)"


def order_count(h: History) -> int:
    return int(select_rows(ORDER_COUNT, [h.order_files])[0]["n"]) if h.with_orders else 0


# The rank history of members in the archived periods.
RANKS = """SELECT member_id, period, rank, level, identity FROM read_parquet(?)
WHERE member_id IN (SELECT unnest(?::VARCHAR[]))"""


def rank_months(rn: "Refnet", ids: list[str]) -> dict[str, list[RankMonth]]:
    """Each member's rank history, hot and archived alike, oldest period first."""
    from graph.network.rank_history import of_members

    return consistent(rn, lambda h: of_members(rn, ids, h.removing,
                                               select_rows(RANKS, [h.rank_files, list(ids)]) if h.rank_files and ids
                                               else []))


# A closed period's ranks in the archived rank history (the late orders of a month are booked by them).
PERIOD_RANKS = "SELECT member_id AS id, rank FROM read_parquet(?) WHERE period = ?"


def period_ranks(h: History, period: str) -> list[dict[str, Any]]:
    return select_rows(PERIOD_RANKS, [h.rank_files, period]) if h.rank_files else []


# --- people's own SQL: `refnet query --history` -----------------------------------------------

READS = {"SELECT"}


def query(rn: "Refnet", sql: str, max_rows: int = 10_000) -> tuple[list[str], list[tuple[Any, ...]]]:
    """A read-only SQL statement over the archive: the views `entries` (every archived entry),
    `ranks` (the archived rank history), `orders`, `refunds` and `holdings` (the archived
    orders, refunds and points holdings with nothing left), `activity` (the family plan's
    archived events) and `periods` (the recorded periods). Anything but one SELECT is refused before it
    runs, and the connection is locked against changing its settings."""
    statements = _parse(sql)
    if len(statements) != 1 or statements[0].type.name not in READS:
        kinds = ", ".join(statement.type.name for statement in statements) or "nothing"
        raise BadInput(f"sql: only one read (SELECT) is allowed over the history, got {kinds}")
    h = history(rn)
    con = connect()
    try:
        columns = ", ".join(f"NULL::{kind} AS {name}" for name, kind in ENTRY_COLUMNS.items())
        ranks = ", ".join(f"NULL::{kind} AS {name}" for name, kind in RANK_COLUMNS.items())
        if h:
            con.execute(f"CREATE VIEW entries AS SELECT * FROM read_parquet({_literal(h.files)})")
        else:
            con.execute(f"CREATE VIEW entries AS SELECT {columns} WHERE false")
        if h.rank_files:
            con.execute(f"CREATE VIEW ranks AS SELECT * FROM read_parquet({_literal(h.rank_files)})")
        else:
            con.execute(f"CREATE VIEW ranks AS SELECT {ranks} WHERE false")
        for view, files, spelled in (("orders", h.order_files, ORDER_COLUMNS),
                                     ("refunds", h.refund_files, REFUND_COLUMNS),
                                     ("holdings", h.holding_files, HOLDING_COLUMNS),
                                     ("activity", activity_files(h), ACTIVITY_COLUMNS)):
            if files:
                con.execute(f"CREATE VIEW {view} AS SELECT * FROM read_parquet({_literal(files)})")
            else:
                empty = ", ".join(f"NULL::{kind} AS {name}" for name, kind in spelled.items())
                con.execute(f"CREATE VIEW {view} AS SELECT {empty} WHERE false")
        periods = ", ".join(f"({_quote(period)})" for period in (row["period"] for row in recorded(rn)))
        con.execute("CREATE VIEW periods AS SELECT * FROM (VALUES " + (periods or "(NULL)") + ") t(period)"
                    + ("" if periods else " WHERE false"))
        con.execute("SET lock_configuration = true")
        try:
            result = con.execute(sql)
        except duckdb.Error as error:
            raise BadInput(f"sql: {error}") from error
        names = [column[0] for column in result.description] if result.description else []
        return names, result.fetchmany(max_rows)
    finally:
        con.close()


def _parse(sql: str) -> list[Any]:
    if not isinstance(sql, str) or not sql.strip():
        raise BadInput("sql: must not be empty")
    con = connect()
    try:
        return list(con.extract_statements(sql))
    except duckdb.Error as error:
        raise BadInput(f"sql: {error}") from error
    finally:
        con.close()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _literal(files: list[str]) -> str:
    return "[" + ", ".join(_quote(name) for name in files) + "]"


def activity_files(h: History) -> list[str]:
    """The activity.parquet files of the archived periods (periods moved before activity moved
    too have none; a file is read only once its period is recorded, as every other)."""
    files = (Path(name).with_name(ACTIVITY_FILE) for name in h.files)
    return [str(path) for path in files if path.is_file()]
