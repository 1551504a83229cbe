"""`refnet rotate`: the weekly line rotation from the command line."""

from __future__ import annotations

import argparse
import sys

from api.members import datetime_of
from cli.main import command, open_engine
from graph.network import rotation


def _rotate_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--week", help='ISO week such as 2026-W48 (default: the current week, UTC)')
    parser.add_argument("--catch-up", action="store_true",
                        help="run every week missed since the latest run, through the current week "
                             "(what `refnet serve` does at start)")


@command("rotate", "run the weekly rotation of wealth and contribution lines", _rotate_arguments)
def rotate(args: argparse.Namespace) -> int:
    if args.catch_up and args.week:
        print("refnet: --week and --catch-up exclude each other", file=sys.stderr)
        return 2
    rn = open_engine(args)
    try:
        if args.catch_up:
            runs = rotation.catch_up(rn)
        else:
            runs = [rotation.rotate(rn, args.week or rotation.week_name(rotation.week_of(rn.clock())))]
        for run in runs:
            print(f"{run.week}: done, {run.rotated:,} members rotated, finished "
                  f"{datetime_of(run.at).isoformat()}", flush=True)
        if not runs:
            print("nothing to catch up", flush=True)
        return 0
    finally:
        rn.store.close()
