"""What `refnet register FILE` and `refnet record-orders FILE` share: reading a CSV or JSON Lines
file of records, the field names it may use (GraphQL's camelCase, or `refnet import`'s
snake_case), and booking it batch by batch with a line per refused record and a summary."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from cli.main import open_engine
from graph.core.errors import BadInput, DomainError

if TYPE_CHECKING:  # the engine's type only
    from graph.service import Refnet

Item = TypeVar("Item")


def read_rows(path: Path, fields: Mapping[str, str]) -> Iterator[dict[str, Any]]:
    """The file's records: JSON Lines (one object a line; `.jsonl`/`.ndjson`, or a first
    character `{`; numbers with a fraction read as Decimal, never float) or CSV with a header
    row whose columns are `fields`. Empty CSV cells mean absent."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix in (".jsonl", ".ndjson") or text.lstrip().startswith("{"):
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    row = json.loads(line, parse_float=Decimal)
                except json.JSONDecodeError as error:
                    raise BadInput(f"{path.name} line {number}: not JSON ({error.msg})") from None
                if not isinstance(row, dict):
                    raise BadInput(f"{path.name} line {number}: expected an object like {{\"name\": ...}}")
                yield row
        return
    reader = csv.DictReader(io.StringIO(text))
    unknown = sorted(set(reader.fieldnames or []) - set(fields))
    if unknown:
        raise BadInput(f"{path.name}: unknown column(s) {', '.join(unknown)}; the columns are {', '.join(fields)}")
    for row in reader:
        yield {key: value for key, value in row.items() if value not in ("", None)}


def spelled(row: dict[str, Any], number: int, fields: Mapping[str, str],
            snake_case: Mapping[str, str]) -> dict[str, Any]:
    """The record with every field under its camelCase name (`fields`' keys); `snake_case` maps
    the import's spellings to them. Unknown fields and a field given in both spellings are refused."""
    row = dict(row)
    for snake, camel in snake_case.items():
        if snake in row:
            if camel in row:
                raise BadInput(f"record {number}: {snake} is given twice (as {snake} and {camel}); give it once")
            row[camel] = row.pop(snake)
    unknown = sorted(set(row) - set(fields), key=str)
    if unknown:
        raise BadInput(f"record {number}: unknown field(s) {', '.join(map(str, unknown))}; "
                       f"the fields are {', '.join(fields)} (or {', '.join(snake_case)})")
    return row


def book_file(args: argparse.Namespace, most: int, items: Callable[[], list[Item]],
              book: Callable[["Refnet", list[Item]], list[Any]], booked: Callable[[int, Any], str | None],
              noun: str, done: str) -> int:
    """Books the file's items in batches of `--batch-size` (1 to `most`): a line per refused
    item (and per booked one where `booked` says something), progress after each batch ("N/M
    <noun> done"), then a summary ("N <done>, M refused"). Exit code 2 before anything is booked when the file cannot
    be read as items, 1 when an item was refused, else 0."""
    if not 1 <= args.batch_size <= most:
        print(f"refnet: --batch-size must be 1 to {most}", file=sys.stderr)
        return 2
    if not args.file.is_file():
        print(f"refnet: {args.file}: no such file", file=sys.stderr)
        return 2
    todo = items()
    rn = open_engine(args)
    failed = 0
    try:
        for start in range(0, len(todo), args.batch_size):
            outcomes = book(rn, todo[start:start + args.batch_size])
            for number, outcome in enumerate(outcomes, start=start + 1):
                error: DomainError | None = outcome.error
                if error is not None:
                    failed += 1
                    print(f"{number}: {error.code}: {error.message}", flush=True)
                elif (line := booked(number, outcome)) is not None:
                    print(line, flush=True)
            print(f"{start + len(outcomes)}/{len(todo)} {noun} done, {failed} refused", flush=True)
    finally:
        rn.store.close()
    print(f"{len(todo) - failed} {done}, {failed} refused", flush=True)
    return 1 if failed else 0


def batch_arguments(parser: argparse.ArgumentParser, fields: str, noun: str, most: int) -> None:
    parser.add_argument("file", type=Path, help=f"CSV with a header row, or JSON Lines; fields: {fields}")
    parser.add_argument("--batch-size", type=int, default=most, help=f"{noun} per booking (1 to {most}, default {most})")
