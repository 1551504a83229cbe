"""Backups of the embedded database: a point-in-time image of every graph, taken while the
service runs and writes go on, and a new data dir made from one.

A backup asks the server for a background save (`BGSAVE`: the server forks, and the child
writes the graph as it was at that instant while the parent keeps serving) and copies the
finished image. A restore loads the image into a fresh data dir and converts it to the
append-only file the embedded server runs with.

With an archive of closed periods (issue 19) the backup is a tar file: `graph.rdb` (the image)
and `archive/<period>/…` (the archived periods' files, copied after the image was taken: every
period the image records as archived is complete in it; a period archived later is not recorded
in the image, so the restored graph still holds its entries and its file is not read), and a
month close's file (`close-entries.parquet`, issue 18) of a period not archived yet; no move
runs from the image to the last file copied, so none deletes a close file the image records. A
restore unpacks both; a backup without archive stays a plain image, as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import subprocess
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import redis

from graph.store.embedded import server_arguments, socket_path_for, wait_ready

log = logging.getLogger("refnet.backup")

Progress = Callable[[str], None]


class BackupError(RuntimeError):
    """A backup or restore that could not be done (nothing was overwritten)."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    seconds: float


ARCHIVE_FILES = ("entries.parquet", "ranks.parquet", "manifest.json", "orders.parquet", "refunds.parquet",
                 "holdings.parquet", "activity.parquet",
                 "close-entries.parquet")  # the last: a month close's, until its period moves
IMAGE = "graph.rdb"


def archived_files(archive: Path | None) -> list[Path]:
    """The finished files of an archive (no partial file of a move under way)."""
    if archive is None or not archive.is_dir():
        return []
    return sorted(path for name in ARCHIVE_FILES for path in archive.glob(f"*/{name}") if path.is_file())


def backup(socket_path: str, db_dir: Path, target: Path, progress: Progress = lambda line: None,
           archive: Path | None = None) -> BackupResult:
    """Writes a consistent image of the server behind `socket_path` (whose files are in `db_dir`)
    to `target` (replaced atomically, never left half-written), with the archive's files when
    there are any."""
    started = time.monotonic()
    client = redis.Redis(unix_socket_path=socket_path, decode_responses=True, socket_timeout=60)
    with open(db_dir / "backup.lock", "a+") as lock, _moves_paused(archive):
        fcntl.flock(lock, fcntl.LOCK_EX)  # one backup at a time shares dump.rdb
        try:
            saves = int(client.info("persistence").get("rdb_saves", 0))
            client.bgsave(schedule=True)  # waits for a running compaction, if any
            while True:
                info = client.info("persistence")
                if int(info.get("rdb_saves", 0)) > saves and not int(info.get("rdb_bgsave_in_progress", 0)):
                    break
                if info.get("rdb_last_bgsave_status") == "err" and not int(info.get("rdb_bgsave_in_progress", 0)) \
                        and not int(info.get("aof_rewrite_in_progress", 0)):
                    raise BackupError(f"the database could not write its image; see {db_dir / 'server.log'}")
                progress(f"saving the snapshot… {time.monotonic() - started:.1f} s")
                time.sleep(0.2)
        except redis.RedisError as error:
            raise BackupError(f"the database did not take the snapshot: {error}") from error
        finally:
            client.close()
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        files = archived_files(archive)
        if files and archive is not None:
            with tarfile.open(partial, "w") as bundle:
                bundle.add(db_dir / "dump.rdb", IMAGE)
                for path in files:
                    progress(f"copying the archive… {path.parent.name}")
                    bundle.add(path, f"archive/{path.relative_to(archive)}")
        else:
            shutil.copyfile(db_dir / "dump.rdb", partial)
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
    return BackupResult(target, target.stat().st_size, time.monotonic() - started)


@contextlib.contextmanager
def _moves_paused(archive: Path | None) -> Iterator[None]:
    """The archive's move lock (graph.ledger.archive) from the image to the last file copied: a
    move finished in between would delete a month close's file the image still records."""
    if archive is None or not archive.is_dir():
        yield
        return
    with open(archive / ".move.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def restore(image: Path, data_dir: Path, progress: Progress = lambda line: None) -> None:
    """A new data dir from a backup image; refuses a data dir that has anything in it."""
    image, data_dir = Path(image), Path(data_dir)
    if not image.is_file():
        raise BackupError(f"{image}: no such backup file")
    bundled = tarfile.is_tarfile(image)
    if not bundled:
        with open(image, "rb") as head:
            if head.read(5) != b"REDIS":
                raise BackupError(f"{image}: not a refnet backup (a database image starts with REDIS)")
    if data_dir.exists() and any(data_dir.iterdir()):
        raise BackupError(f"{data_dir} is not empty; restore into a new or empty data dir")
    db_dir = data_dir.resolve() / "falkordb"
    db_dir.mkdir(parents=True)
    try:
        if bundled:
            _unpack(image, data_dir.resolve(), db_dir)
        else:
            shutil.copyfile(image, db_dir / "dump.rdb")
        _convert(db_dir, socket_path_for(data_dir), progress)
        (db_dir / "dump.rdb").unlink()
    except BaseException:
        shutil.rmtree(data_dir.resolve() / "falkordb", ignore_errors=True)
        shutil.rmtree(data_dir.resolve() / "archive", ignore_errors=True)
        raise


def _unpack(bundle_path: Path, data_dir: Path, db_dir: Path) -> None:
    """The image and the archive's files of a tar backup, into a new data dir (only the names a
    backup writes: nothing lands outside the data dir)."""
    with tarfile.open(bundle_path) as bundle:
        names = bundle.getnames()
        if IMAGE not in names:
            raise BackupError(f"{bundle_path}: not a refnet backup (no {IMAGE} in it)")
        for member in bundle.getmembers():
            parts = Path(member.name).parts
            if member.name == IMAGE:
                target = db_dir / "dump.rdb"
            elif member.isfile() and len(parts) == 3 and parts[0] == "archive" and parts[2] in ARCHIVE_FILES \
                    and parts[1] not in ("", ".", ".."):
                target = data_dir.joinpath(*parts)
            else:
                raise BackupError(f"{bundle_path}: unexpected {member.name!r} in a refnet backup")
            source = bundle.extractfile(member)
            if source is None:
                raise BackupError(f"{bundle_path}: {member.name!r} cannot be read")
            target.parent.mkdir(parents=True, exist_ok=True)
            with source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)


def _convert(db_dir: Path, socket_path: str, progress: Progress) -> None:
    """Loads dump.rdb with the append-only file off, then turns it on: the server writes the
    loaded graph as the append-only file's base image, which the embedded server then starts from."""
    arguments = server_arguments(db_dir, socket_path)
    arguments[arguments.index("--appendonly") + 1] = "no"
    process = subprocess.Popen(arguments, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        progress("loading the backup…")
        wait_ready(socket_path, process, db_dir)
        client = redis.Redis(unix_socket_path=socket_path, decode_responses=True, socket_timeout=60)
        try:
            client.config_set("appendonly", "yes")
            while True:
                info = client.info("persistence")
                if int(info.get("aof_rewrites", 0)) >= 1 and not int(info.get("aof_rewrite_in_progress", 0)) \
                        and not int(info.get("aof_rewrite_scheduled", 0)):
                    break
                if info.get("aof_last_bgrewrite_status") == "err":
                    raise BackupError(f"the database could not write its append-only file; see {db_dir / 'server.log'}")
                progress("writing the data dir…")
                time.sleep(0.2)
            client.shutdown()
        except redis.ConnectionError:
            pass  # SHUTDOWN closes the connection
        finally:
            client.close()
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
