"""`refnet import-activity`: family activity from a CSV file."""

from __future__ import annotations

import argparse
from pathlib import Path

from api.family import family_plan
from cli.main import command, open_engine
from graph.core.errors import BadInput
from graph.plans.family import activity


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="CSV with a header: family_id,member_id,type,at,diamonds,category,amount,id")
    parser.add_argument("--family", help="the family of rows without a family_id column or value")


@command("import-activity", "import family activity from a CSV file (all rows or none)", _import_arguments)
def import_activity(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise BadInput(f"file: cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise BadInput(f"file: {path} is not UTF-8 text") from None
    events, labels = activity.parse_csv(text, args.family)  # every row checked before the engine starts
    rn = open_engine(args)
    try:
        plan = family_plan(rn)
        recorded = activity.record_activity(rn, plan, events, labels)
    finally:
        rn.store.close()
    skipped = len(events) - recorded
    print(f"imported {recorded} activity events from {path}" + (f" ({skipped} already recorded)" if skipped else ""))
    return 0
