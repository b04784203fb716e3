"""Under gunicorn with several workers, one limit is counted once: N + k requests sent at
once from one account, exactly N accepted, with the SQLite counter file (no Redis) and
with Redis."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from limits import parse_many

from consult import ratelimits
from tests import team as shared
from tests.conftest import PASSWORD, csrf_from
from tests.reports.served import Browser
from tests.serving import served

quick_user = shared.quick_user
EXTRA = 15
REDIS_TEST_URL = "redis://127.0.0.1:6379/13"  # a spare database, flushed before and after


def _flushed_redis() -> bool:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
        client.flushdb()
    except Exception:  # noqa: BLE001 - any failure means no usable Redis here
        return False
    return True


def _accepted_of(base: str, slug: str, sent: int) -> list[int]:
    """Log in, then send ``sent`` skips of the statement flow at once; their statuses."""
    browser = Browser(base)
    browser.login("racer@example.org", PASSWORD)
    token = csrf_from(browser.get(f"/c/{slug}/vote").text)

    def skip(n: int) -> int:
        return browser.post(f"/c/{slug}/vote/skip", {"csrf_token": token, "statement_id": n}).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(skip, range(sent)))


@pytest.fixture
def racer(db, quick_user, make_consultation):
    quick_user("racer@example.org")
    return make_consultation()


@pytest.mark.parametrize("storage", ["sqlite-file", "redis"])
def test_one_limit_across_workers(racer, database_url, tmp_path, storage):
    env = {"REDIS_URL": ""}
    if storage == "redis":
        if not _flushed_redis():
            pytest.skip(f"no Redis at {REDIS_TEST_URL}")
        env = {"REDIS_URL": REDIS_TEST_URL}
    allowed = parse_many(ratelimits.VOTE.identity)[0].amount
    try:
        with served(database_url, tmp_path / "instance", workers=3, threads=1, env=env) as app:
            statuses = _accepted_of(app.base, racer.slug, allowed + EXTRA)
            assert len(app.worker_pids()) == 3
    finally:
        if storage == "redis":
            _flushed_redis()
    assert statuses.count(200) == allowed, sorted(set(statuses))
    assert statuses.count(429) == EXTRA
    if storage == "sqlite-file":
        assert (tmp_path / "instance" / "ratelimits.sqlite").exists()
