"""`refnet register FILE`: registers the members of a CSV or JSON Lines file in batches
(issue 18), each batch booked as `registerMembers` books it."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from cli.main import command, open_engine
from graph.core.errors import BadInput
from graph.network import batch
from graph.network.batch import RegisterItem

# The fields of GraphQL's RegisterInput, as the file spells them, and RegisterItem's names.
FIELDS = {"name": "name", "id": "member_id", "sponsorId": "sponsor_id", "kind": "kind",
          "landingSlug": "landing_slug", "actingPartnerId": "acting_partner_id"}
# The same fields spelled as `refnet import`'s members file spells them: one file serves both.
SNAKE_CASE = {"sponsor_id": "sponsor_id", "landing_slug": "landing_slug", "acting_partner_id": "acting_partner_id"}
NAMES = {**FIELDS, **SNAKE_CASE}


def read_rows(path: Path, fields: Mapping[str, str] = NAMES) -> Iterator[dict[str, Any]]:
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


def item_of(row: dict[str, Any], number: int) -> RegisterItem:
    unknown = sorted(set(row) - set(NAMES), key=str)
    if unknown:
        raise BadInput(f"record {number}: unknown field(s) {', '.join(map(str, unknown))}; "
                       f"the fields are {', '.join(FIELDS)} (or {', '.join(SNAKE_CASE)})")
    if not isinstance(row.get("name"), str):
        raise BadInput(f"record {number}: name is required (text)")
    values = {NAMES[key]: value for key, value in row.items()}
    if len(values) < len(row):
        both = next(key for key in SNAKE_CASE if key in row and NAMES[key] in map(FIELDS.get, row))
        raise BadInput(f"record {number}: {both} is given twice (as {both} and in camelCase); give it once")
    if any(value is not None and not isinstance(value, str) for value in values.values()):
        raise BadInput(f"record {number}: every field is text")
    return RegisterItem(**values)


def _register_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="CSV with a header row, or JSON Lines; fields as RegisterInput: "
                                                + ", ".join(FIELDS))
    parser.add_argument("--batch-size", type=int, default=batch.MAX_BATCH,
                        help=f"registrations per booking (1 to {batch.MAX_BATCH}, default {batch.MAX_BATCH})")


@command("register", "register the members of a CSV or JSON Lines file, in order, in batches", _register_arguments)
def register(args: argparse.Namespace) -> int:
    if not 1 <= args.batch_size <= batch.MAX_BATCH:
        print(f"refnet: --batch-size must be 1 to {batch.MAX_BATCH}", file=sys.stderr)
        return 2
    if not args.file.is_file():
        print(f"refnet: {args.file}: no such file", file=sys.stderr)
        return 2
    items = [item_of(row, number) for number, row in enumerate(read_rows(args.file), start=1)]
    rn = open_engine(args)
    failed = 0
    try:
        for start in range(0, len(items), args.batch_size):
            outcomes = batch.register_many(rn, items[start:start + args.batch_size])
            for number, outcome in enumerate(outcomes, start=start + 1):
                if outcome.member is not None:
                    member = outcome.member
                    where = f"under {member.parent_id} slot {member.slot}" if member.parent_id else "as a root"
                    print(f"{number}: {member.id} placed {where}", flush=True)
                elif outcome.error is not None:
                    failed += 1
                    print(f"{number}: {outcome.error.code}: {outcome.error.message}", flush=True)
    finally:
        rn.store.close()
    print(f"{len(items) - failed} registered, {failed} refused", flush=True)
    return 1 if failed else 0
