"""Under gunicorn, as in production: a request's mail goes out from the worker's sending
thread to the SMTP server, and its link (on the request's host) works over HTTP."""

from __future__ import annotations

import sqlalchemy as sa

from consult.auth.models import User
from tests.conftest import PASSWORD
from tests.reports.served import Browser
from tests.serving import served


def test_served_registration_mails_a_link_that_confirms(db, database_url, tmp_path, smtp_server):
    db.session.remove()
    db.engine.dispose()
    env = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_server.port)}
    with served(database_url, tmp_path / "served", workers=1, env=env) as site:
        visitor = Browser(site.base)
        data = {
            "email": "served@example.org",
            "display_name": "Served Person",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "sector": "academia",
            "country": "KE",
        }
        answered = visitor.post_form("/register", "/register", data)
        assert answered.status == 200 and "Check your email" in answered.text
        (message,) = smtp_server.wait_for(1, timeout=30)
        assert message["To"] == "served@example.org"
        (link,) = [url for url in smtp_server.links(message) if "/confirm/" in url]
        assert link.startswith(site.base + "/confirm/"), "absolute, on the served host"
        path = link.removeprefix(site.base)
        assert visitor.post_form(path, path, {}).status == 200  # redirected to the login page
    confirmed = db.session.scalar(
        sa.select(User.email_confirmed_at).where(User.email == "served@example.org")
    )
    assert confirmed is not None
