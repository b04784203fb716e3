"""The app served as in production, for tests: gunicorn on a free 127.0.0.1 port.

``served(database_url, instance)`` starts gunicorn (as ``make run`` does, with the thread-mode
job runner unless the caller says otherwise), waits until it answers, yields a
:class:`Served`, and stops the whole process group at the end.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.reports.served import Browser

REPO = Path(__file__).resolve().parents[1]
START_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Served:
    base: str
    process: subprocess.Popen
    log: Path

    def worker_pids(self) -> list[int]:
        """The gunicorn workers' process ids (children of the master)."""
        out = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(pid) for pid in out.split()]


@contextmanager
def served(
    database_url: str,
    instance: Path,
    *,
    workers: int = 2,
    threads: int = 4,
    env: dict[str, str] | None = None,
) -> Iterator[Served]:
    """gunicorn serving ``database_url`` until the block ends."""
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CONSULT_INSTANCE_PATH": str(instance),
        "SECRET_KEY": "served-test-secret-key",
        "ANALYSIS_MODE": "thread",
        "ANALYSIS_BOOTSTRAP": "3",
        "ANALYSIS_DEBOUNCE_SECONDS": "0.2",
        **(env or {}),
    }
    instance.mkdir(parents=True, exist_ok=True)
    log_path = instance / "gunicorn.log"
    log = log_path.open("w")
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads), "--timeout", "60"]
    command += ["--access-logfile", "-", "--access-logformat", "%(r)s %(s)s %(L)ss", "wsgi:app"]
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail("gunicorn exited:\n" + log_path.read_text())
            try:
                if Browser(base).get("/").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not answer within {START_SECONDS} s")
            time.sleep(0.2)
        yield Served(base, process, log_path)
    finally:
        # The whole process group: gunicorn, its workers and any process they spawned.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
        log.close()
