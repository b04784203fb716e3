"""Opening an unsubscribe link again after unsubscribing says so, with no button to press
a second time, and leads to the preferences."""

from __future__ import annotations

import pytest

from consult.notifications.models import Delivery, NotificationKind
from consult.notifications.preferences import preferences_of, unsubscribe_token

STOP = "Stop these emails"


@pytest.fixture
def link(app, db, make_user):
    person = make_user("reader@example.org")
    token = unsubscribe_token(person.id, [NotificationKind.ANSWER, NotificationKind.MODERATION])
    return person, f"/unsubscribe/{token}"


def test_a_link_opened_again_says_you_are_already_unsubscribed(app, db, link):
    person, path = link
    mail_client = app.test_client()
    first = mail_client.get(path).get_data(as_text=True)
    assert STOP in first and f'action="{path}"' in first
    assert mail_client.post(path).status_code == 200
    again = mail_client.get(path)
    html = again.get_data(as_text=True)
    assert again.status_code == 200
    assert "You are already unsubscribed" in html
    assert STOP not in html and f'action="{path}"' not in html
    for kind in (NotificationKind.ANSWER, NotificationKind.MODERATION):
        assert str(kind.label) in html
    assert 'href="/account/notifications"' in html
    db.session.commit()
    assert preferences_of(person.id)[NotificationKind.ANSWER] is Delivery.OFF


def test_only_the_kinds_still_on_are_offered(app, db, link):
    from consult.notifications.preferences import turn_off

    person, path = link
    turn_off(person.id, [NotificationKind.ANSWER])
    html = app.test_client().get(path).get_data(as_text=True)
    assert STOP in html and f'action="{path}"' in html
    offered, already = html.split("You already get no emails about:")
    assert str(NotificationKind.MODERATION.label) in offered
    assert str(NotificationKind.ANSWER.label) not in offered
    assert str(NotificationKind.ANSWER.label) in already
