"""consult.mail: both parts, the subject block, the outbox, the sending thread, failures."""

from __future__ import annotations

import email
import email.policy
import logging
from pathlib import Path

import pytest

from consult.mail import absolute_url, send_email, wait_sent
from tests.serving import free_port

CONTEXT = {"name": "Ada", "link": "https://consult.example/confirm/abc", "days": 3}


def test_thread_delivery_reaches_the_smtp_server_with_both_parts(app, smtp_server):
    smtp_server.configure(app, delivery="thread")
    app.config["SITE_URL"] = None  # links on the request's host
    with app.test_request_context("/"):
        send_email(
            "ada@example.org",
            "auth/confirm",
            headers={"List-Unsubscribe": "<https://consult.example/u/1>"},
            **CONTEXT,
        )
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "Confirm your email address for Consult"
    assert message["List-Unsubscribe"] == "<https://consult.example/u/1>"
    assert message.get_content_type() == "multipart/alternative"
    text, html = smtp_server.text(message), smtp_server.html(message)
    assert "Hello Ada," in text and CONTEXT["link"] in text
    assert f'href="{CONTEXT["link"]}"' in html and "<title>Confirm your email" in html
    # The footer's link is absolute, on the request's host (no SITE_URL here).
    assert "http://localhost/" in text


def test_without_mail_server_the_mail_is_an_eml_file_in_the_outbox(app, caplog):
    caplog.set_level(logging.INFO, logger="consult.mail")
    app.config["SITE_URL"] = "https://consult.example.org/"
    with app.app_context():
        send_email("ada@example.org", "auth/confirm", **CONTEXT)  # default: the thread
    assert wait_sent(10)
    outbox = sorted((Path(app.instance_path) / "outbox").glob("*.eml"))
    assert len(outbox) == 1
    message = email.message_from_bytes(outbox[0].read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "Confirm your email address for Consult"
    kinds = [part.get_content_type() for part in message.iter_parts()]
    assert kinds == ["text/plain", "text/html"]
    assert "https://consult.example.org/" in message.get_body(("plain",)).get_content()
    assert "Confirm your email address for Consult" in caplog.text


def test_the_language_is_the_recipients_not_the_requests(app, smtp_server):
    smtp_server.configure(app)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        send_email("li@example.org", "auth/confirm", language="zh", **CONTEXT)
        send_email("bo@example.org", "auth/confirm", language="xx", **CONTEXT)
    zh, unknown = smtp_server.wait_for(2)
    assert '<html lang="zh-Hans" dir="ltr">' in smtp_server.html(zh)
    unknown_html = smtp_server.html(unknown)
    assert '<html lang="en" dir="ltr">' in unknown_html, "an unknown language: the default"


def test_a_failed_delivery_is_logged_and_never_raised(app, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_DELIVERY="inline")
    with app.test_request_context("/"):
        send_email("ada@example.org", "auth/confirm", **CONTEXT)
    assert "could not send mail to ada@example.org" in caplog.text


def test_a_subject_in_the_context_wins(app, smtp_server):
    smtp_server.configure(app)
    with app.test_request_context("/"):
        send_email("ada@example.org", "auth/confirm", subject="Line one\nline two", **CONTEXT)
    (message,) = smtp_server.wait_for(1)
    assert message["Subject"] == "Line one line two", "a subject is one line"


@pytest.mark.parametrize(
    ("to", "headers"),
    [("", None), ("ada@example.org\nBcc: x@example.org", None), ("nobody", None),
     ("ada@example.org", {"X-Note": "a\r\nBcc: x@example.org"})],
)  # fmt: skip
def test_header_injection_is_refused(app, to, headers):
    with app.test_request_context("/"), pytest.raises(ValueError):
        send_email(to, "auth/confirm", headers=headers, **CONTEXT)


def test_links_use_site_url_and_need_it_outside_a_request(app):
    app.config["SITE_URL"] = "https://consult.example.org/sub"
    assert absolute_url("auth.login") == "https://consult.example.org/sub/login"
    app.config["SITE_URL"] = None
    with pytest.raises(RuntimeError, match="SITE_URL"):
        absolute_url("auth.login")
    with app.test_request_context("/", base_url="https://here.example"):
        assert absolute_url("auth.login") == "https://here.example/login"


def test_contradictory_settings_stop_the_app_at_start(database_url, tmp_path):
    from consult.app import create_app
    from tests.conftest import _base_config

    base = _base_config(database_url, tmp_path / "instance")
    with pytest.raises(ValueError, match="MAIL_DELIVERY"):
        create_app({**base, "MAIL_DELIVERY": "pigeon"})
    with pytest.raises(ValueError, match="not both"):
        create_app({**base, "MAIL_USE_TLS": True, "MAIL_USE_SSL": "1"})
