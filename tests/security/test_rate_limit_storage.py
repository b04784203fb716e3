"""The SQLite rate-limit storage: counts shared by processes, windows that expire."""

from __future__ import annotations

import multiprocessing
import time

from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from consult.ratelimit_storage import SQLiteStorage, storage_uri

PROCESSES, HITS = 4, 150


def _hammer(uri: str, results) -> None:
    storage = storage_from_string(uri)
    results.put([storage.incr("shared", 60) for _ in range(HITS)])


def test_registered_under_its_scheme(tmp_path):
    storage = storage_from_string(storage_uri(tmp_path / "counts.sqlite"))
    assert isinstance(storage, SQLiteStorage) and storage.check()


def test_processes_share_one_count_and_never_lose_a_hit(tmp_path):
    uri = storage_uri(tmp_path / "counts.sqlite")
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = [context.Process(target=_hammer, args=(uri, results)) for _ in range(PROCESSES)]
    for worker in workers:
        worker.start()
    seen = [value for _ in workers for value in results.get(timeout=60)]
    for worker in workers:
        worker.join(timeout=30)
    # Every increment returned a distinct count: no two processes saw the same one.
    assert sorted(seen) == list(range(1, PROCESSES * HITS + 1))
    assert storage_from_string(uri).get("shared") == PROCESSES * HITS


def test_a_window_ends_and_counting_starts_again(tmp_path):
    storage = storage_from_string(storage_uri(tmp_path / "counts.sqlite"))
    limiter = FixedWindowRateLimiter(storage)
    item = RateLimitItemPerSecond(2, 1)
    assert [limiter.hit(item, "me") for _ in range(3)] == [True, True, False]
    assert limiter.hit(item, "someone else")
    assert storage.get_expiry(item.key_for("me")) > time.time()
    time.sleep(1.1)
    assert storage.get(item.key_for("me")) == 0
    assert limiter.hit(item, "me")
    storage.clear(item.key_for("me"))
    assert storage.get(item.key_for("me")) == 0
    # A counter that is surely there: an increment now and then sweeps expired ones away.
    storage.incr("still counting", 60)
    assert storage.reset() >= 1
    assert storage.get("still counting") == 0
