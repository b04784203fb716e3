"""Settings from the environment, in one place.

``DATABASE_URL``   SQLAlchemy URL; default a SQLite file under ``instance/``.
``SECRET_KEY``     signs sessions and CSRF tokens; if unset, one is generated once
                   and kept in ``instance/secret_key`` (never committed).
``REDIS_URL``      optional; when set, background jobs go to RQ and rate-limit
                   counters live in Redis. Without it, rate-limit counters live in
                   ``instance/ratelimits.sqlite``, shared by every worker of the host
                   (consult.ratelimits), never in one worker's memory.
``CONSULT_PROXY_HOPS`` how many reverse proxies in front set X-Forwarded-For (default 0);
                   rate limits count per address, so behind a proxy set this, or every
                   visitor shares the proxy's address.
``CONSULT_LANGUAGES`` languages offered by the interface (default the six UN languages,
                   ``ar,zh,en,fr,ru,es``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = ROOT / "instance"


def _instance_path() -> Path:
    return Path(os.environ.get("CONSULT_INSTANCE_PATH", DEFAULT_INSTANCE))


def _secret_key(instance: Path) -> str:
    """Return SECRET_KEY from the environment, or one kept in the instance folder."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = instance / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Create with owner-only permissions; O_EXCL so two workers starting at once agree.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _database_url(instance: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        instance.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance / 'consult.db'}"
    # Heroku-style URLs name the old driver; SQLAlchemy 2 wants postgresql+psycopg.
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def from_environment() -> dict:
    """Build the Flask config mapping from environment variables."""
    instance = _instance_path()
    redis_url = os.environ.get("REDIS_URL") or None
    return {
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance),
        # Recycle connections instead of pinging before every checkout (a round trip per request).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": 1800},
        "REDIS_URL": redis_url,
        # None: the app resolves a SQLite file in its instance folder (consult.ratelimits).
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_ENABLED": True,
        "PROXY_HOPS": int(os.environ.get("CONSULT_PROXY_HOPS", "0") or 0),
        "LANGUAGES": os.environ.get("CONSULT_LANGUAGES", "ar,zh,en,fr,ru,es").split(","),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("SESSION_COOKIE_SECURE", "0") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "SQLITE_BUSY_TIMEOUT_MS": int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "15000")),
    }
