"""A small asyncio HTTP/1.1 keep-alive load generator for benchmarks/votes.py.

Two modes, both bounded in time and in request count:

- :func:`closed_loop`: N connections, each sends its next request as soon as the previous
  answer arrived; throughput counts answers completed inside the measuring window.
- :func:`open_loop`: requests scheduled at fixed intervals (a steady rate); latency is
  measured from the *scheduled* send time, so a slow server cannot hide its queueing
  (no coordinated omission).

``make_request()`` returns ``(raw_request_bytes, meta)``; ``on_result(meta, status, body,
scheduled, sent, done)`` is called once per request (``status`` None on a transport error
or timeout). Everything runs on one event loop thread, so callbacks need no locks.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field


class HttpConnection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.last_used = 0.0

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.last_used = time.monotonic()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, raw: bytes) -> tuple[int, bytes, bool]:
        """Send one request; return (status, body, keep_alive)."""
        assert self.writer is not None and self.reader is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    break
                chunks.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            body = b"".join(chunks)
        elif "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"]))
        else:
            body = await self.reader.read()
            headers["connection"] = "close"
        self.last_used = time.monotonic()
        return status, body, headers.get("connection", "").lower() != "close"


@dataclass
class Outcome:
    started: float = 0.0
    measure_start: float = 0.0
    measure_end: float = 0.0
    issued: int = 0
    completed_in_window: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)  # seconds
    max_connections: int = 0
    last_scheduled_send: float = 0.0
    unsent: int = 0  # open loop: given up before sending (no slot within max_wait)


async def _send(conn: HttpConnection, raw: bytes, timeout: float):
    return await asyncio.wait_for(conn.request(raw), timeout)


async def closed_loop(
    host: str,
    port: int,
    make_request: Callable[[], tuple[bytes, object]],
    on_result: Callable,
    *,
    connections: int,
    warmup: float,
    duration: float,
    max_requests: int,
    timeout: float = 10.0,
) -> Outcome:
    out = Outcome(max_connections=connections)
    out.started = time.monotonic()
    out.measure_start = out.started + warmup
    out.measure_end = out.measure_start + duration

    async def worker() -> None:
        conn: HttpConnection | None = None
        try:
            while time.monotonic() < out.measure_end and out.issued < max_requests:
                raw, meta = make_request()
                out.issued += 1
                sent = time.monotonic()
                status = body = None
                try:
                    if conn is None:
                        conn = HttpConnection(host, port)
                        await asyncio.wait_for(conn.open(), timeout)
                    status, body, keep = await _send(conn, raw, timeout)
                    if not keep:
                        conn.close()
                        conn = None
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                    if conn is not None:
                        conn.close()
                    conn = None
                done = time.monotonic()
                on_result(meta, status, body, sent, sent, done)
                if status is None:
                    out.errors += 1
                else:
                    out.statuses[status] = out.statuses.get(status, 0) + 1
                if out.measure_start <= done <= out.measure_end:
                    out.completed_in_window += 1
                    if sent >= out.measure_start:
                        out.latencies.append(done - sent)
        finally:
            if conn is not None:
                conn.close()

    await asyncio.gather(*(worker() for _ in range(connections)))
    return out


async def open_loop(
    host: str,
    port: int,
    make_request: Callable[[], tuple[bytes, object]],
    on_result: Callable,
    *,
    rate: float,
    duration: float,
    max_connections: int = 64,
    idle_limit: float = 5.0,
    timeout: float = 10.0,
    max_wait: float = 10.0,
) -> Outcome:
    """Send ``rate * duration`` requests at fixed intervals over a pool of keep-alive
    connections (most recently used first; a new one when none is idle, up to
    ``max_connections``; past that a request waits, and its wait counts as latency)."""
    out = Outcome()
    total = int(rate * duration)
    idle: list[HttpConnection] = []
    slots = asyncio.Semaphore(max_connections)
    open_now = 0

    async def one(scheduled: float) -> None:
        nonlocal open_now
        raw, meta = make_request()  # built at its scheduled time, in schedule order
        out.issued += 1
        try:  # bounded: a request that cannot start within max_wait is given up, unsent
            await asyncio.wait_for(
                slots.acquire(), max(0.001, scheduled + max_wait - time.monotonic())
            )
        except TimeoutError:
            out.unsent += 1
            on_result(meta, None, None, scheduled, None, time.monotonic())
            out.errors += 1
            out.latencies.append(time.monotonic() - scheduled)
            return
        try:
            conn = None
            while idle:
                candidate = idle.pop()
                if time.monotonic() - candidate.last_used < idle_limit:
                    conn = candidate
                    break
                candidate.close()
                open_now -= 1
            status = body = None
            sent = time.monotonic()
            try:
                if conn is None:
                    conn = HttpConnection(host, port)
                    open_now += 1
                    out.max_connections = max(out.max_connections, open_now)
                    await asyncio.wait_for(conn.open(), timeout)
                    sent = time.monotonic()
                status, body, keep = await _send(conn, raw, timeout)
                if keep:
                    idle.append(conn)
                else:
                    conn.close()
                    open_now -= 1
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                conn.close()
                open_now -= 1
            done = time.monotonic()
        finally:
            slots.release()
        on_result(meta, status, body, scheduled, sent, done)
        if status is None:
            out.errors += 1
        else:
            out.statuses[status] = out.statuses.get(status, 0) + 1
        out.latencies.append(done - scheduled)

    out.started = time.monotonic() + 0.1
    out.measure_start = out.started
    tasks = []
    for i in range(total):
        scheduled = out.started + i / rate
        delay = scheduled - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(scheduled)))
    out.last_scheduled_send = time.monotonic()
    await asyncio.gather(*tasks)
    out.measure_end = time.monotonic()
    out.completed_in_window = total
    for conn in idle:
        conn.close()
    return out


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]
