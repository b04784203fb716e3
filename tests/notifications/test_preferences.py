"""Preferences: off means nothing, a daily digest gathers notices in one mail, one-click
unsubscribe works from a mail client without a session, and forged links change nothing."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from consult.db_types import utcnow
from consult.notifications.digest import digest_slot
from consult.notifications.models import (
    Delivery,
    NotificationKind,
    NotificationPreference,
)
from consult.notifications.preferences import preferences_of
from tests.conftest import csrf_from, post_form
from tests.notifications.test_notices import _answer
from tests.smtp import Inbox

ALL_IMMEDIATE = {kind.value: "immediate" for kind in NotificationKind}


def _choose(client, login, user, **choices):
    login(user)
    response = post_form(client, "/account/notifications", {**ALL_IMMEDIATE, **choices})
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})


def test_a_kind_turned_off_sends_nothing_then_or_later(
    db, client, login, people, contribute, inbox, scan
):
    _choose(client, login, people.participant, answer="off")
    _answer(people, contribute)
    scan()
    _choose(client, login, people.participant, answer="immediate")
    scan()
    assert inbox.messages == []  # the notice was recorded as off: it never goes later


def test_the_daily_digest_gathers_several_notices_in_one_mail(
    db, client, login, people, contribute, inbox, scan
):
    from consult.moderation.services import moderate

    _choose(client, login, people.participant, answer="digest", moderation="digest")
    _answer(people, contribute)
    statement = contribute.statement(people.consultation, "Open the weights.", people.author)
    moderate(people.moderator, people.consultation, "statement", statement.id, "approve", "pending")
    now = utcnow() + timedelta(minutes=1)
    scan(now)
    assert inbox.messages == []  # waiting for the next digest moment
    moment = digest_slot(now) + timedelta(days=1, minutes=1)
    scan(moment)
    (digest,) = inbox.wait_for(1)
    text = Inbox.text(digest)
    assert digest["To"] == people.participant.email and "2 notices" in digest["Subject"]
    assert "answered your contribution" in text and "was approved" in text
    scan(moment + timedelta(minutes=5))
    scan(moment + timedelta(days=1))
    assert len(inbox.messages) == 1


def _unsubscribe_path(mail) -> str:
    header = str(mail["List-Unsubscribe"]).strip()
    assert header.startswith("<") and header.endswith(">")
    return urlsplit(header[1:-1]).path


def test_one_click_unsubscribe_by_post_without_a_session(app, db, people, contribute, inbox, scan):
    _answer(people, contribute)
    scan()
    (mail,) = inbox.wait_for(1)
    path = _unsubscribe_path(mail)
    assert path in Inbox.text(mail)  # the same link is in the mail for people to click
    mail_client = app.test_client()  # no session, no CSRF token: what a mail client sends
    response = mail_client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "not get these emails any more" in response.get_data(as_text=True)
    db.session.commit()
    choices = preferences_of(people.participant.id)
    assert choices[NotificationKind.ANSWER] is Delivery.OFF
    assert choices[NotificationKind.MODERATION] is Delivery.IMMEDIATE  # only what it named
    again = mail_client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200  # a second click is harmless


def test_the_unsubscribe_page_shows_one_button(app, people, contribute, inbox, scan):
    _answer(people, contribute)
    scan()
    path = _unsubscribe_path(inbox.wait_for(1)[0])
    page = app.test_client().get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count('type="submit"') == 2  # language + stop
    assert f'action="{path}"' in html


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        "WzMsWyJhbnN3ZXIiXV0.forgedsignature",
        "x" * 500,
    ],
)
def test_a_forged_unsubscribe_link_is_refused_and_changes_nothing(
    app, db, people, token, row_count
):
    client = app.test_client()
    assert client.get(f"/unsubscribe/{token}").status_code == 400
    response = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)
    assert row_count(NotificationPreference) == 0


def test_a_token_signed_for_something_else_is_no_unsubscribe_token(app, db, people, row_count):
    from itsdangerous import URLSafeSerializer

    other = URLSafeSerializer(app.config["SECRET_KEY"], salt="another-purpose")
    token = other.dumps([people.participant.id, ["answer"]])
    assert app.test_client().post(f"/unsubscribe/{token}").status_code == 400
    assert row_count(NotificationPreference) == 0


def test_the_preferences_page_needs_a_login_and_refuses_bad_values(
    db, client, login, people, row_count
):
    assert client.get("/account/notifications").status_code == 302
    login(people.participant)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert page.count('type="radio"') == 3 * len(NotificationKind)
    assert page.count('checked id="answer-1" name="answer" type="radio" value="immediate"') == 1
    bad = post_form(client, "/account/notifications", {**ALL_IMMEDIATE, "answer": "hourly"})
    assert bad.status_code == 422 and "There is a problem" in bad.get_data(as_text=True)
    missing = dict(ALL_IMMEDIATE)
    del missing["report"]
    assert post_form(client, "/account/notifications", missing).status_code == 422
    no_token = client.post("/account/notifications", data={**ALL_IMMEDIATE, "answer": "off"})
    assert no_token.status_code == 400
    assert row_count(NotificationPreference) == 0
    saved = post_form(client, "/account/notifications", {**ALL_IMMEDIATE, "report": "digest"})
    assert saved.status_code == 302
    db.session.commit()
    users = set(db.session.scalars(sa.select(NotificationPreference.user_id)))
    assert users == {people.participant.id}
    assert preferences_of(people.participant.id) == {
        **dict.fromkeys(NotificationKind, Delivery.IMMEDIATE),
        NotificationKind.REPORT: Delivery.DIGEST,
    }


def test_follow_and_unfollow(db, client, login, people, quick_user, make_consultation):
    from consult.consultations.models import Status
    from consult.notifications.follow import followers, is_following

    slug = people.consultation.slug
    anonymous = client.post(f"/c/{slug}/follow", data={"follow": "1"})
    assert anonymous.status_code == 400  # no CSRF token: refused before anything else
    user = login(quick_user("reader@example.org"))
    page = client.get(f"/c/{slug}").get_data(as_text=True)
    token = csrf_from(page)
    done = client.post(f"/c/{slug}/follow", data={"csrf_token": token, "follow": "1"})
    assert done.status_code == 302 and done.headers["Location"] == f"/c/{slug}"
    db.session.commit()
    assert is_following(user, people.consultation) is True
    later = utcnow() + timedelta(seconds=1)
    assert user.id in followers(people.consultation.id, later)
    bad = client.post(f"/c/{slug}/follow", data={"csrf_token": token, "follow": "maybe"})
    assert bad.status_code == 400
    client.post(f"/c/{slug}/follow", data={"csrf_token": token, "follow": "0"})
    db.session.commit()
    assert is_following(user, people.consultation) is False
    assert user.id not in followers(people.consultation.id, later)
    # Taking part follows; unfollowing a consultation one took part in is respected.
    assert people.participant.id in followers(people.consultation.id, later)
    draft = make_consultation("hidden-draft", status=Status.DRAFT)
    hidden = client.post(f"/c/{draft.slug}/follow", data={"csrf_token": token, "follow": "1"})
    assert hidden.status_code == 404


def test_mail_goes_only_to_confirmed_addresses(db, people, contribute, inbox, scan, quick_user):
    people.participant.email_confirmed_at = None
    db.session.commit()
    _answer(people, contribute)
    scan()
    assert inbox.messages == []


def test_a_rejected_statement_is_told_to_its_author_only_even_in_a_digest(
    db, client, login, people, contribute, inbox, scan, quick_user, confirmed
):
    from consult.moderation.services import moderate

    follower = confirmed(quick_user("follower@example.org"))
    contribute.participant(people.consultation, follower)  # takes part too
    _choose(client, login, follower, moderation="digest", answer="digest")
    secret = "Call 555-0100 for cheap pills"
    statement = contribute.statement(people.consultation, secret, people.author)
    moderate(
        people.moderator, people.consultation, "statement", statement.id, "reject", "pending",
        "Spam.",
    )  # fmt: skip
    now = utcnow() + timedelta(minutes=1)
    scan(now)
    scan(digest_slot(now) + timedelta(days=1, minutes=1))
    mails = inbox.wait_for(1)
    assert [m["To"] for m in inbox.messages] == [people.participant.email]
    assert secret in Inbox.text(mails[0])
    assert all(secret not in Inbox.text(m) for m in inbox.to(follower.email))
