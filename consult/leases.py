"""A lease in Redis: one holder at a time, renewed while the holder lives, gone soon after
it dies.

A :class:`Lease` is one Redis key whose value names the holder (a *token*) and whose
expiry is short (``seconds``). The holder renews it from a heartbeat thread every third
of that time, so a long run keeps it however long it takes, and a killed process (SIGKILL,
a lost host) stops renewing: its lease expires within ``seconds`` and another process
may take it. Every change is compare-and-set on the token (a Lua script, atomic in
Redis), so a holder whose lease expired can never renew or release its successor's.

The key may also hold a *reservation* (``queued <job id>``, set by whoever queued the
work): it keeps other requesters from queueing a second job, and the first process to
start the work takes it over.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid

log = logging.getLogger(__name__)

RESERVED = "queued "  # a reservation's value starts with this; a holder's never does

# Renew / release / take over only while the key holds the expected value.
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""
_DELETE_IF = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""
_SWAP = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
"""


def holder_token(job_id: str = "") -> str:
    """A token naming this process (host and pid, so operators and the benchmark can
    tell who holds a lease) and this attempt (a random part)."""
    return f"run {socket.gethostname()} {os.getpid()} {job_id or '-'} {uuid.uuid4().hex[:8]}"


def holder_pid(value: bytes | str | None) -> int | None:
    """The process id named in a holder's token; None for a reservation or no value."""
    if value is None:
        return None
    text = value.decode() if isinstance(value, bytes) else value
    parts = text.split()
    return int(parts[2]) if len(parts) >= 3 and parts[0] == "run" else None


def delete_if_equal(redis, key: str, value: bytes | str) -> bool:
    """Delete ``key`` only if it still holds ``value`` (atomic)."""
    return bool(redis.eval(_DELETE_IF, 1, key, value))


class Lease:
    """One holder's lease on ``key``: :meth:`acquire`, then use it as a context manager
    (the heartbeat renews it until the block ends, then it is released)."""

    def __init__(self, redis, key: str, token: str, seconds: float):
        self.redis, self.key, self.token = redis, key, token
        self.ms = max(1, int(seconds * 1000))
        self.lost = threading.Event()  # set when a renewal found the lease gone
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def seconds(self) -> float:
        return self.ms / 1000

    def reserve(self, job_id: str) -> bool:
        """Reserve the key for a job about to be queued; False if anyone holds it."""
        return bool(self.redis.set(self.key, RESERVED + job_id, nx=True, px=self.ms))

    def acquire(self) -> bool:
        """Take the lease if it is free or only reserved. If another process holds it,
        watch it for up to one lease period: False as soon as its holder renews it (the
        holder is alive and will do the work), True once it expired and was taken here
        (its holder died). Bounded by ``seconds`` plus one renewal interval."""
        poll = min(0.5, self.seconds / 20)
        deadline = time.monotonic() + self.seconds + self.seconds / 3 + poll
        seen: tuple[bytes, int] | None = None
        while True:
            value = self.redis.get(self.key)
            if value is None:
                if self.redis.set(self.key, self.token, nx=True, px=self.ms):
                    return True
                continue
            if value.startswith(RESERVED.encode()):
                if self.redis.eval(_SWAP, 1, self.key, value, self.token, self.ms):
                    return True
                continue
            remaining = self.redis.pttl(self.key)
            if seen is not None and seen[0] == value and remaining > seen[1]:
                return False  # renewed since we last looked: its holder is alive
            if time.monotonic() > deadline:
                return False
            seen = (value, remaining)
            time.sleep(poll)

    def renew(self) -> bool:
        """Extend the lease by ``seconds`` if this holder still has it."""
        return bool(self.redis.eval(_RENEW, 1, self.key, self.token, self.ms))

    def release(self) -> bool:
        """Give the lease up if this holder still has it."""
        return delete_if_equal(self.redis, self.key, self.token)

    def _beat(self) -> None:
        interval = self.seconds / 3
        while not self._stop.wait(interval):
            try:
                if not self.renew():
                    log.error(
                        "lease %s was lost by %s (it expired unrenewed)", self.key, self.token
                    )
                    self.lost.set()
                    return
            except Exception:  # noqa: BLE001 - Redis may come back before the lease expires
                log.exception("could not renew lease %s", self.key)

    def __enter__(self) -> Lease:
        self._stop.clear()
        self._thread = threading.Thread(target=self._beat, name=f"lease {self.key}", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.release()
