"""Real processes for the tests and the report benchmark: a private Redis server and Celery
workers on a queue of their own.

Plain Python (no pytest, no Django at import time), so that benchmarks/report_bench.py can use
it as well as the fixtures in tests/conftest.py. Every process is started in a session of its
own, so that stopping it also stops what it started (a worker's pool processes).

    with RedisServer(directory) as redis:            # redis-server on a free port, no persistence
        worker = CeleryWorker("my-queue", log_dir=directory, env={"REDIS_URL": redis.url})
        worker.wait_ready()
        ...
        worker.stop()
"""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def wait_for(predicate, timeout: float, what: str, interval: float = 0.25):
    """The first truthy value of `predicate()`, polled until `timeout`: another process (a worker,
    a mail server) commits on its own clock, so a test waits for the state, never for a guess."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on (it was free a moment ago)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(settings_dict) -> str:
    """The DATABASE_URL of a Django connection (`connection.settings_dict`), for a process that
    must use the same database as the caller."""
    s = settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"


def forget_queue(redis_url: str, queue: str, key_prefix: str = "") -> None:
    """Delete a queue from Redis with kombu's routing keys for it, and every key under
    `key_prefix` when given (a broker key prefix of the caller's own)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        keys = [queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
        if key_prefix:
            keys += list(client.scan_iter(match=f"{key_prefix}*"))
        client.delete(*keys)
    finally:
        client.close()


class RedisServer:
    """`redis-server` on 127.0.0.1 without persistence, on `port` or a free one; started at once,
    ready when the constructor returns. `url` is its redis:// URL (database 0)."""

    def __init__(self, directory: Path, port: int | None = None, timeout: float = 10):
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ping():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class CeleryWorker:
    """A real `celery -A config worker --pool=prefork` consuming only `queue`, so that it never
    takes the tasks of a worker started by `make run` on the same Redis, nor they its own.

    Started at once; `wait_ready()` waits for its " ready." line, so that a caller can start
    several workers (each boots for seconds) and do other work meanwhile. The environment is the
    caller's with `env` on top and CELERY_QUEUE set to `queue`; its output goes to
    `log_dir/worker-<name>.log` (`log_path`)."""

    def __init__(
        self,
        queue: str,
        *,
        log_dir: Path,
        concurrency: int = 1,
        name: str | None = None,
        env: dict | None = None,
        heartbeat: bool = True,
    ):
        self.queue = queue
        name = name or uuid.uuid4().hex[:8]
        log_dir = Path(log_dir)
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"worker-{name}.log"
        self.log = open(self.log_path, "w")
        self._stopping = False
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                queue,
                "--pool=prefork",
                f"--concurrency={concurrency}",
                "--without-gossip",
                "--without-mingle",
                *([] if heartbeat else ["--without-heartbeat"]),
                "--loglevel=INFO",
                f"--hostname={name}-{uuid.uuid4().hex[:6]}@%h",
            ],
            cwd=BASE_DIR,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {}), "CELERY_QUEUE": queue},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.pid = self.process.pid

    def log_text(self) -> str:
        return self.log_path.read_text()

    def wait_ready(self, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log_text()[-3000:]}")
            if " ready." in self.log_text():
                return self
            time.sleep(0.1)
        raise TimeoutError(f"worker not ready after {timeout} s:\n{self.log_text()[-3000:]}")

    def pool_pids(self) -> list[int]:
        """The worker's pool processes (the children of its main process)."""
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.pid:
                    children.append(int(entry.name))
        return sorted(children)

    def kill(self, sig=signal.SIGKILL):
        """Send `sig` to the worker and its pool processes at once."""
        os.killpg(self.pid, sig)

    def request_stop(self):
        """Ask for a warm shutdown (a task in progress finishes) without waiting, so that several
        workers stop in parallel."""
        if self.process.poll() is None and not self._stopping:
            self._stopping = True
            self.process.terminate()

    def stop(self, timeout: float = 15):
        """Warm shutdown, then SIGKILL to the whole session if it takes longer than `timeout`;
        pool processes left behind by a killed main process are killed too."""
        if self.process.poll() is None:
            self.request_stop()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill(signal.SIGKILL)
                self.process.wait(timeout=10)
        try:
            self.kill(signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.log.close()
