"""Under gunicorn, as in production: /forgot queues a mail job in the worker's sending
thread; the job finds the account and mails a link on the request's host, which sets the
new password over HTTP. An unknown address gets the same answer and no mail."""

from __future__ import annotations

import time

from tests.conftest import PASSWORD
from tests.reports.served import Browser
from tests.serving import served

NEW_PASSWORD = "violet kettle marathon sunrise"


def test_served_forgot_mails_a_working_link_only_to_a_known_address(
    db, make_user, database_url, tmp_path, smtp_server
):
    make_user("served@example.org")
    db.session.remove()
    db.engine.dispose()
    env = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_server.port)}
    with served(database_url, tmp_path / "served", workers=1, env=env) as site:
        visitor = Browser(site.base)
        answers = [
            visitor.post_form("/forgot", "/forgot", {"email": email})
            for email in ("nobody@example.org", "served@example.org")
        ]
        assert [a.status for a in answers] == [200, 200]
        assert all("Check your email" in a.text for a in answers)
        (message,) = smtp_server.wait_for(1, timeout=30)
        assert message["To"] == "served@example.org"
        (link,) = [url for url in smtp_server.links(message) if "/reset/" in url]
        assert link.startswith(site.base + "/reset/"), "absolute, on the served host"
        path = link.removeprefix(site.base)
        data = {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        assert "Log in" in visitor.post_form(path, path, data).text  # redirected to log in
        Browser(site.base).login("served@example.org", NEW_PASSWORD)
        refused = Browser(site.base).post_form(
            "/login", "/login", {"email": "served@example.org", "password": PASSWORD}
        )
        assert refused.status == 422
        time.sleep(0.5)  # the unknown address's job ran before the known one's: nothing came
        assert len(smtp_server.messages) == 1
