"""Operations commands: `refnet backup FILE` and `refnet restore FILE --data NEWDIR`
(docs/operations.md)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from cli.main import archive_dir, command, data_dir
from graph.store.backup import BackupError, backup, restore
from graph.store.embedded import socket_path_for
from graph.store.store import open_store


def _progress(line: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{line}", end="", file=sys.stderr, flush=True)


def _file_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="the backup file")


@command("backup", "write a consistent snapshot of the data dir to FILE (while the service runs)", _file_argument)
def backup_command(args: argparse.Namespace) -> int:
    if os.environ.get("REFNET_GRAPH_URL"):
        print("refnet: backup copies the embedded database; back up an external FalkorDB or Neo4j with its own "
              "tools (docs/operations.md)", file=sys.stderr)
        return 2
    directory = data_dir(args)
    if not (directory / "falkordb").is_dir():
        print(f"refnet: {directory} has no database to back up", file=sys.stderr)
        return 2
    store = open_store(directory, attach=True)
    try:
        print(f"backup: taking a snapshot of {directory.resolve()} …", file=sys.stderr, flush=True)
        result = backup(socket_path_for(directory), directory.resolve() / "falkordb", Path(args.file), _progress,
                        archive_dir(args))
    except BackupError as error:
        print(f"refnet: {error}", file=sys.stderr)
        return 2
    finally:
        store.close()
    print(f"backup: {result.path} written, {result.size_bytes / 1e6:.1f} MB in {result.seconds:.1f} s")
    return 0


def _archived(periods: int, entries: int) -> str:
    if not periods:
        return ""
    return f" (and {entries:,} in {periods:,} archived period{'' if periods == 1 else 's'})"


@command("restore", "make a new data dir (--data) from a backup FILE", _file_argument)
def restore_command(args: argparse.Namespace) -> int:
    if not args.data:
        print("refnet: restore needs --data NEWDIR (a new or empty directory)", file=sys.stderr)
        return 2
    target = Path(args.data)
    print(f"restore: {args.file} → {target.resolve()} …", file=sys.stderr, flush=True)
    try:
        restore(Path(args.file), target, _progress)
    except BackupError as error:
        print(f"refnet: {error}", file=sys.stderr)
        return 2
    store = open_store(target)
    try:
        counts = store.run("data_counts")
    finally:
        store.close()
    row = counts[0] if counts else {}
    print(f"restore: {target} ready: {int(row.get('members') or 0):,} members, {int(row.get('orders') or 0):,} orders, "
          f"{int(row.get('entries') or 0):,} entries"
          + _archived(int(row.get("archived_periods") or 0), int(row.get("archived_entries") or 0))
          + (f"; {archived:,} orders archived" if (archived := int(row.get("archived_orders") or 0)) else ""))
    return 0
