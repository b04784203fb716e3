"""The preferences page and the unsubscribe pages in Chromium: usable, and clean for
axe-core (WCAG 2.2 AA), tap targets and sideways scrolling at desktop and phone sizes."""

from __future__ import annotations

from urllib.parse import urlsplit

from consult.notifications.models import Delivery, NotificationKind
from consult.notifications.preferences import preferences_of
from tests.browser.axe import assert_accessible
from tests.browser.pages import log_in, problems_here
from tests.conftest import PASSWORD
from tests.notifications.test_notices import _answer


def test_choose_notifications_and_unsubscribe_in_the_browser(
    db, live_server, page, people, contribute, inbox, scan
):
    log_in(page, live_server, people.participant.email, PASSWORD)
    page.goto(live_server + "/account/notifications")
    assert_accessible(page)
    assert not problems_here(page, "notification preferences")
    page.get_by_role("group", name=str(NotificationKind.REPORT.label)).get_by_label(
        "In a daily digest"
    ).check()
    page.get_by_role("button", name="Save my choices").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your choices are saved.").is_visible()
    assert_accessible(page)
    db.session.commit()
    assert preferences_of(people.participant.id)[NotificationKind.REPORT] is Delivery.DIGEST

    _answer(people, contribute)
    scan()
    (mail,) = inbox.wait_for(1)
    link = next(url for url in inbox.links(mail) if "/unsubscribe/" in url)
    page.goto(live_server + urlsplit(link).path)
    assert not problems_here(page, "unsubscribe")
    page.get_by_role("button", name="Stop these emails").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="You will not get these emails any more").is_visible()
    assert not problems_here(page, "unsubscribed")
    db.session.commit()
    assert preferences_of(people.participant.id)[NotificationKind.ANSWER] is Delivery.OFF
