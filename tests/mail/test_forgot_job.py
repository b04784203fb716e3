"""/forgot does the same work for any address: the request queues one mail job with the
address, and the job looks the account up and renders the mail where it runs (the
sending thread, an RQ worker, or inline). The mail still arrives, on the request's host."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event

from consult.auth.email_accounts import SEND_RESET_LINK
from consult.mail import delivery, wait_sent
from consult.mail.delivery import MailJob
from tests.conftest import PASSWORD, csrf_from, post_form
from tests.mail.conftest import link_to, main_of
from tests.reports.test_rq import redis_url  # noqa: F401  (a real redis-server, or a skip)

REPO = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "violet kettle marathon sunrise"


class _Recorder:
    def __init__(self) -> None:
        self.items: list = []

    def put(self, item) -> None:
        self.items.append(item)


def _count_statements(db):
    """The SQL statements the database receives while the context lasts."""
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    return seen, lambda: event.remove(engine, "before_cursor_execute", record)


def test_known_and_unknown_addresses_queue_the_same_work(
    app, db, make_user, new_client, monkeypatch
):
    make_user("ada@example.org")
    app.config.update(MAIL_DELIVERY="thread")
    recorder = _Recorder()
    monkeypatch.setattr(delivery, "_sender", lambda: recorder)
    answers, statements = [], []
    for email in ("ada@example.org", "nobody@example.org"):
        visitor = new_client()
        page = visitor.get("/forgot")
        assert page.status_code == 200
        seen, stop = _count_statements(db)
        token = csrf_from(page.get_data(as_text=True))
        answers.append(visitor.post("/forgot", data={"csrf_token": token, "email": email}))
        stop()
        statements.append([s for s in seen if "users" in s.lower()])
    known, unknown = answers
    assert known.status_code == unknown.status_code == 200
    assert main_of(known.get_data(as_text=True)).replace("ada@", "X@") == main_of(
        unknown.get_data(as_text=True)
    ).replace("nobody@", "X@")
    assert statements == [[], []], "the request does not look the address up"
    # One job each, the same shape: the function, the address, where links point.
    assert [type(work) for _app, work in recorder.items] == [MailJob, MailJob]
    (_, first), (_, second) = recorder.items
    assert first == MailJob(SEND_RESET_LINK, ("ada@example.org",), "http://localhost/")
    assert second == MailJob(SEND_RESET_LINK, ("nobody@example.org",), "http://localhost/")


def test_the_sending_thread_runs_the_job_and_the_link_works(
    app, db, client, make_user, smtp_server, new_client
):
    make_user("ada@example.org")
    smtp_server.configure(app, delivery="thread")
    app.config["SITE_URL"] = None  # links on the host of the request that asked
    for email in ("nobody@example.org", "ADA@example.org"):
        assert post_form(new_client(), "/forgot", {"email": email}).status_code == 200
    assert wait_sent(10)
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "ada@example.org"
    assert smtp_server.links(message)[0].startswith("http://localhost/reset/")
    reset = link_to(smtp_server, message, "/reset/")
    done = post_form(client, reset, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    login = post_form(new_client(), "/login", {"email": "ada@example.org", "password": PASSWORD})
    assert login.status_code == 422, "the old password no longer works"
    assert smtp_server.messages == [message], "nothing for the unknown address"


def test_with_redis_the_job_is_queued_alike_and_a_worker_mails_the_link(
    app, db, database_url, tmp_path, make_user, new_client, smtp_server, redis_url  # noqa: F811
):
    from redis import Redis
    from rq import Queue

    make_user("ada@example.org")
    app.config.update(REDIS_URL=redis_url, MAIL_DELIVERY=None)
    for email in ("ada@example.org", "nobody@example.org"):
        assert post_form(new_client(), "/forgot", {"email": email}).status_code == 200
    queue = Queue("mail", connection=Redis.from_url(redis_url))
    jobs = queue.get_jobs()
    assert [job.func_name for job in jobs] == ["consult.mail.delivery.rq_run_job"] * 2
    assert [job.args for job in jobs] == [
        (SEND_RESET_LINK, ["ada@example.org"], "http://localhost/"),
        (SEND_RESET_LINK, ["nobody@example.org"], "http://localhost/"),
    ]
    assert smtp_server.messages == []
    env = {
        **os.environ,
        "FLASK_APP": "wsgi:app",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CONSULT_INSTANCE_PATH": str(tmp_path / "worker"),
        "SECRET_KEY": app.config["SECRET_KEY"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_server.port),
    }
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run(
        [str(flask), "worker", "--burst"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "ada@example.org"
    reset = link_to(smtp_server, message, "/reset/")
    assert new_client().get(reset).status_code == 200, "the worker's link works on the site"
    assert queue.count == 0 and len(smtp_server.messages) == 1


def test_outside_a_request_the_job_needs_site_url(app, db, make_user, smtp_server):
    make_user("ada@example.org")
    smtp_server.configure(app)
    app.config["SITE_URL"] = None
    from consult.auth.email_accounts import request_password_reset

    with app.app_context(), pytest.raises(RuntimeError, match="SITE_URL"):
        request_password_reset("ada@example.org")
    app.config["SITE_URL"] = "https://consult.example.org"
    with app.app_context():
        request_password_reset("ada@example.org")
    (message,) = smtp_server.wait_for(1)
    assert smtp_server.links(message)[0].startswith("https://consult.example.org/reset/")
