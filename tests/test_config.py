import os
import stat

from consult import config


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("CONSULT_INSTANCE_PATH", str(tmp_path))
    first = config.from_environment()["SECRET_KEY"]
    second = config.from_environment()["SECRET_KEY"]
    assert first == second and len(first) >= 40
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_environment_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("CONSULT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/consult")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    settings = config.from_environment()
    assert settings["SECRET_KEY"] == "from-env"
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/consult"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert not (tmp_path / "secret_key").exists()


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.setenv("CONSULT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    settings = config.from_environment()
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'consult.db'}"
    # Without Redis, the app keeps rate-limit counters in a SQLite file all workers share.
    assert settings["REDIS_URL"] is None and settings["RATELIMIT_STORAGE_URI"] is None
    assert settings["RATELIMIT_ENABLED"] is True


def test_rate_limits_are_never_counted_in_one_workers_memory(tmp_path, monkeypatch):
    from consult.app import create_app

    monkeypatch.setenv("CONSULT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("REDIS_URL", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.db'}"})
    uri = app.config["RATELIMIT_STORAGE_URI"]
    assert uri == f"consult-sqlite://{tmp_path / 'ratelimits.sqlite'}"


def test_proxy_hops(tmp_path, monkeypatch):
    monkeypatch.setenv("CONSULT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("CONSULT_PROXY_HOPS", raising=False)
    assert config.from_environment()["PROXY_HOPS"] == 0
    monkeypatch.setenv("CONSULT_PROXY_HOPS", "1")
    assert config.from_environment()["PROXY_HOPS"] == 1
