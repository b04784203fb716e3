"""Fixtures: ``app`` -> ``db`` -> ``client``, ``runner``, and logging in as a role.

Each test gets a fresh database. By default it is a SQLite file under ``tmp_path``,
copied from one migrated at the start of the session (so tests run on the schema the
migrations make). With ``CONSULT_TEST_DATABASE_URL`` set (a PostgreSQL server URL), a
database is created for the session, migrated, emptied after every test, and dropped
at the end.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient

from tests import pg

# The browser fixtures, once for every folder (see the module's docstring).
pytest_plugins = ["tests.browser.fixtures"]

PASSWORD = "correct horse battery"

# What `make test-deps` (.ci/test-deps) installs; the skip messages below name it.
PDF_PACKAGES = (
    "fonts-noto-cjk fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
)
BROWSER_PACKAGES = "chromium"


def skip_without_system_packages(missing: str, packages: str) -> None:
    """Skip the calling test because ``missing`` is not installed, naming the command.

    In CI (``CI`` set) a missing package is a failure instead, so tests cannot silently
    stop running there; `make test` installs them when it runs as root with apt-get.
    """
    message = f"needs {missing}: install with `sudo apt-get install -y {packages}`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _has_font_for(language: str) -> bool:
    try:
        fonts = subprocess.run(
            ["fc-list", f":lang={language}", "family"], capture_output=True, text=True, check=False
        ).stdout
    except FileNotFoundError:
        fonts = ""
    return bool(fonts.strip())


def missing_for_pdf() -> str | None:
    """What PDF rendering lacks here: Pango (WeasyPrint loads it on import), a CJK font or
    an Arabic one (the reports are written in Chinese and Arabic too)."""
    try:
        import weasyprint  # noqa: F401
    except OSError:
        return "Pango (WeasyPrint renders PDF reports with it)"
    if not _has_font_for("zh"):
        return "a CJK font (the PDF reports hold Chinese text)"
    if not _has_font_for("ar"):
        return "an Arabic font (the PDF reports hold Arabic text)"
    return None


def _depends_on_the_database(item) -> bool:
    """A test whose outcome can change with the database: it uses one, and it is not a
    browser test (those check pages, scripts and accessibility, the same on any)."""
    return "migrated_database" in item.fixturenames and "tests/browser/" not in item.nodeid


def pytest_collection_modifyitems(config, items):
    """With ``CONSULT_TEST_DATABASE_ONLY`` set (CI's PostgreSQL run, after its SQLite run
    ran everything), run only the tests whose outcome can depend on the database; the
    others (the analysis engine, text diffs, catalogues, the browser tests) would repeat
    the same work."""
    if not os.environ.get("CONSULT_TEST_DATABASE_ONLY"):
        return
    kept = [item for item in items if _depends_on_the_database(item)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(
            items=[item for item in items if not _depends_on_the_database(item)]
        )
        items[:] = kept


def pytest_report_header(config):
    if os.environ.get("CONSULT_TEST_DATABASE_ONLY"):
        return (
            "CONSULT_TEST_DATABASE_ONLY: deselected the tests that use no database "
            "and the browser tests"
        )
    return None


@pytest.fixture(scope="session")
def pdf_rendering():
    """Use in PDF tests: skips (or fails in CI) naming the install command when
    Pango, a CJK font or an Arabic font is missing."""
    missing = missing_for_pdf()
    if missing:
        skip_without_system_packages(missing, PDF_PACKAGES)


def _base_config(database_url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "INSTANCE_PATH": str(instance),
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        # Links in mails; services that mail outside a request (invitations made in a
        # test's own app context) need it. Tests follow a link's path.
        "SITE_URL": "http://consult.test",
        # Cheap scrypt for the suite's thousands of logins; production keeps its cost
        # (tests/security/test_passwords.py checks the default).
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }


def _upgrade(app) -> None:
    from flask_migrate import upgrade

    from consult.extensions import db

    with app.app_context():
        upgrade()
        if db.engine.dialect.name == "sqlite":
            # Fold the WAL into the main file, so copying that one file copies the schema.
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """A migrated database for the session: a SQLite template file, or a PostgreSQL database."""
    from consult.app import create_app

    instance = tmp_path_factory.mktemp("instance")
    server_url = os.environ.get("CONSULT_TEST_DATABASE_URL")
    if server_url:
        url = pg.create_database(server_url, f"consult_test_{uuid.uuid4().hex[:10]}")
        _upgrade(create_app(_base_config(url, instance)))
        yield {"kind": "postgresql", "url": url}
        pg.drop_database(server_url, url)
    else:
        template = instance / "template.db"
        _upgrade(create_app(_base_config(f"sqlite:///{template}", instance)))
        yield {"kind": "sqlite", "template": template}


@pytest.fixture
def database_url(migrated_database, tmp_path):
    if migrated_database["kind"] == "sqlite":
        path = tmp_path / "consult.db"
        shutil.copyfile(migrated_database["template"], path)
        yield f"sqlite:///{path}"
    else:
        yield migrated_database["url"]
        pg.empty_tables(migrated_database["url"])


@pytest.fixture
def app(database_url, tmp_path):
    from consult.app import create_app

    app = create_app(_base_config(database_url, tmp_path / "instance"))
    with app.app_context():
        yield app
        from consult.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def db(app):
    from consult.extensions import db

    return db


class IsolatedClient(FlaskClient):
    """Runs each request in its own app context, as in production.

    The test body holds an app context of its own; without this, requests would
    share its ``g`` (the logged-in user, the locale) and its database session. The
    test's own transaction is ended first, so afterwards it reads what the request
    wrote (and on SQLite never holds a stale snapshot that a later write could not
    upgrade).
    """

    def open(self, *args, **kwargs):
        from consult.extensions import db

        if has_app_context():
            db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


def post_form(client, url: str, data: dict, page: str | None = None, **kwargs):
    """Load ``page`` (default ``url``) to get its CSRF token, then post ``data`` to ``url``."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_from(html), **data}, **kwargs)


@pytest.fixture
def make_user(db):
    """Create an account through the real service: ``make_user("a@example.org", admin=True)``;
    its address is confirmed unless ``confirmed=False``."""
    from consult.auth import services

    def make(
        email: str = "ada@example.org", *, admin: bool = False, confirmed: bool = True, **profile
    ):
        return services.register_user(
            email=email,
            display_name=profile.get("display_name", email.split("@")[0].title()),
            password=PASSWORD,
            sector=profile.get("sector", "academia"),
            country=profile.get("country", "KE"),
            organisation=profile.get("organisation"),
            is_admin=admin,
            confirmed=confirmed,
        )

    return make


@pytest.fixture
def make_consultation(db):
    """An open consultation with a published first version of two clauses.

    Each clause is voted on through its own approved clause statement, as in a real
    consultation. Extra keyword arguments set Consultation fields.
    """
    from consult.consultations.models import Consultation, Status
    from consult.db_types import utcnow
    from consult.drafts.models import DraftVersion
    from consult.drafts.services import append_voted_clause

    def make(slug: str = "test-consultation", status: Status = Status.OPEN, **fields):
        consultation = Consultation(
            slug=slug,
            title=fields.pop("title", {"en": "Test consultation", "zh": "测试征求意见"}),
            languages=fields.pop("languages", ["en", "zh"]),
            status=status,
            **fields,
        )
        db.session.add(consultation)
        db.session.flush()
        version = DraftVersion(
            consultation_id=consultation.id,
            number=1,
            published_at=utcnow(),
            preamble={"en": ["Preamble."]},
        )
        texts = [{"en": "First clause.", "zh": "第一条。"}, {"en": "Second clause."}]
        for position, text in enumerate(texts, start=1):
            append_voted_clause(version, position, str(uuid.uuid4()), text=text)
        db.session.add(version)
        db.session.commit()
        return consultation

    return make


@pytest.fixture
def login(client):
    """Log the test client in as ``user`` through the real login form."""

    def do_login(user, password: str = PASSWORD):
        response = post_form(client, "/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return do_login


@pytest.fixture
def reload(db):
    """Re-read ``obj`` in a new transaction, so it shows what requests committed since."""

    def fresh(obj):
        db.session.commit()
        db.session.refresh(obj)
        return obj

    return fresh


@pytest.fixture
def row_count(db):
    def count(model) -> int:
        # A connection of its own, so the count sees what requests committed.
        with db.engine.connect() as conn:
            return conn.scalar(sa.select(sa.func.count()).select_from(model))

    return count
