"""With REDIS_URL, a mail is an RQ job on the "mail" queue, sent by `flask worker`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from consult.mail import send_email
from tests.reports.test_rq import redis_url  # noqa: F401  (a real redis-server, or a skip)

REPO = Path(__file__).resolve().parents[2]


def test_a_queued_mail_is_sent_by_flask_worker(app, database_url, tmp_path, smtp_server, redis_url):  # noqa: F811
    from redis import Redis
    from rq import Queue

    app.config.update(REDIS_URL=redis_url, MAIL_DELIVERY=None)  # REDIS_URL: the rq mode
    with app.test_request_context("/"):
        send_email(
            "ada@example.org", "auth/confirm", name="Ada", link="https://x.example/c", days=3
        )
    queue = Queue("mail", connection=Redis.from_url(redis_url))
    assert queue.count == 1
    assert smtp_server.messages == [], "nothing sent before a worker runs the job"
    env = {
        **os.environ,
        "FLASK_APP": "wsgi:app",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CONSULT_INSTANCE_PATH": str(tmp_path / "worker"),
        "SECRET_KEY": "worker-test-secret",
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
    assert message["Subject"] == "Confirm your email address for Consult"
    assert "https://x.example/c" in smtp_server.text(message)
    assert queue.count == 0
