"""The status panel offers exactly the changes the service allows from where the
consultation stands: "Open now" beside "Schedule: opens on ..." while an opening time is
to come, and while scheduled; never "Close it" on a consultation that never opened. Open
now makes now the opening time and is in the audit log; a change not offered, posted
anyway, is refused on the settings page and changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from consult.consultations.models import Status
from consult.db_types import utcnow
from consult.moderation.models import ModerationEvent
from consult.organise.status import status_choices
from tests.conftest import post_form

SETTINGS = "/c/test-consultation/organise"
ENGLISH = {"Accept-Language": "en-GB"}
DAY = timedelta(days=1)


def _buttons(html: str) -> dict[str, str]:
    """The status form's buttons in page order: value -> the words on them."""
    found = re.findall(r'<button[^>]*name="status" value="(\w+)">(.*?)</button>', html, re.S)
    return {value: " ".join(words.split()) for value, words in found}


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _set(db, c, status, opens=None, closes=None):
    c.status, c.opens_at, c.closes_at = status, opens, closes
    db.session.commit()


# Where the consultation stands -> (status, opening time, closing time) from now, and
# the buttons the panel shows, in order.
CASES = {
    "draft": ((Status.DRAFT, None, None), {"open": "Open now", "archived": "Archive it"}),
    "draft with an opening time to come": (
        (Status.DRAFT, 3 * DAY, 9 * DAY),
        {"open": "Schedule: opens on", "open_now": "Open now", "archived": "Archive it"},
    ),
    "scheduled": ((Status.OPEN, 3 * DAY, None), {"open_now": "Open now", "draft": "Back to draft"}),
    "open": ((Status.OPEN, -DAY, 9 * DAY), {"closed": "Close it", "archived": "Archive it"}),
    "closed by hand": (
        (Status.CLOSED, -DAY, 9 * DAY),
        {"open": "Reopen it", "archived": "Archive it"},
    ),
    "closed by its closing time": ((Status.OPEN, -9 * DAY, -DAY), {"archived": "Archive it"}),
    "archived": (
        (Status.ARCHIVED, None, None),
        {"closed": "Take it out of the archive", "draft": "Back to draft"},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_panel_offers_what_the_service_allows(client, db, team, login, case):
    (status, opens, closes), expected = CASES[case]
    now = utcnow()
    c = team.consultation
    _set(db, c, status, opens and now + opens, closes and now + closes)
    login(team.organiser)
    buttons = _buttons(client.get(SETTINGS, headers=ENGLISH).get_data(as_text=True))
    assert list(buttons) == list(expected) == status_choices(c)
    for value, words in expected.items():
        assert buttons[value].startswith(words), (value, buttons[value])
    assert "closed" not in buttons or case in ("open", "archived"), "never closes unopened"


def test_an_ended_consultation_says_how_to_reopen_it(client, db, team, login):
    now = utcnow()
    _set(db, team.consultation, Status.CLOSED, now - 9 * DAY, now - DAY)
    login(team.organiser)
    text = _text(client.get(SETTINGS, headers=ENGLISH).get_data(as_text=True))
    assert "To reopen it, set a later closing time in the settings" in text


def _status_events(db, c) -> list[dict]:
    rows = db.session.scalars(
        sa.select(ModerationEvent)
        .where(ModerationEvent.consultation_id == c.id, ModerationEvent.action == "set_status")
        .order_by(ModerationEvent.id)
    )
    return [row.details for row in rows]


@pytest.mark.parametrize("start", [Status.DRAFT, Status.OPEN], ids=["draft", "scheduled"])
def test_open_now_opens_at_once_and_is_audited(client, db, team, login, reload, start):
    c = team.consultation
    opens = (utcnow() + 3 * DAY).replace(second=0, microsecond=0)
    _set(db, c, start, opens, opens + 9 * DAY)
    login(team.organiser)
    text = _text(client.get(SETTINGS, headers=ENGLISH).get_data(as_text=True))
    assert "“Open now” opens it at once" in text
    before = utcnow().replace(second=0, microsecond=0)
    response = post_form(client, f"{SETTINGS}/status", {"status": "open_now"}, page=SETTINGS)
    assert response.status_code == 302
    c = reload(c)
    assert c.status is Status.OPEN and c.accepts_input()
    assert before <= c.opens_at <= utcnow(), "the opening time is now"
    html = client.get(SETTINGS, headers=ENGLISH).get_data(as_text=True)
    assert "badge-open" in html and list(_buttons(html)) == ["closed", "archived"]
    (event,) = _status_events(db, c)
    assert event["to"] == "open" and event["to_phase"] == "open"
    assert event["from_phase"] == ("draft" if start is Status.DRAFT else "scheduled")
    assert list(event["changes"]) == ["opens_at"], "the moved opening time is kept"
    log = _text(client.get(f"{SETTINGS}/audit", headers=ENGLISH).get_data(as_text=True))
    was = "Draft" if start is Status.DRAFT else "Scheduled"
    assert f"Org changed the status from {was} to Open" in log


def test_after_back_to_draft_both_ways_are_offered_again(client, db, team, login):
    c = team.consultation
    _set(db, c, Status.DRAFT, utcnow() + 3 * DAY)
    login(team.organiser)
    assert post_form(client, f"{SETTINGS}/status", {"status": "open"}).status_code == 302
    assert list(_buttons(client.get(SETTINGS).get_data(as_text=True))) == ["open_now", "draft"]
    assert post_form(client, f"{SETTINGS}/status", {"status": "draft"}).status_code == 302
    buttons = _buttons(client.get(SETTINGS).get_data(as_text=True))
    assert list(buttons) == ["open", "open_now", "archived"]


REFUSED = {
    "closing a draft": ((Status.DRAFT, None, None), "closed"),
    "closing a scheduled one": ((Status.OPEN, 3 * DAY, None), "closed"),
    "opening now an open one": ((Status.OPEN, -DAY, None), "open_now"),
    "opening now with no time to come": ((Status.DRAFT, None, None), "open_now"),
    "drafting an open one": ((Status.OPEN, -DAY, None), "draft"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_change_not_offered_is_refused_on_the_page(client, db, team, login, reload, case):
    (status, opens, closes), wanted = REFUSED[case]
    now = utcnow()
    c = team.consultation
    _set(db, c, status, opens and now + opens, closes and now + closes)
    was = c.opens_at
    login(team.organiser)
    response = post_form(client, f"{SETTINGS}/status", {"status": wanted}, page=SETTINGS)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    error = _text(re.search(r'id="status-error">(.*?)</div>', html, re.S).group(1))
    assert "cannot be changed this way" in error
    assert 'name="title_en"' in html, "the settings form is still there"
    c = reload(c)
    assert (c.status, c.opens_at) == (status, was)
    assert _status_events(db, c) == []


def test_open_now_after_the_closing_time_says_why(client, db, team, login, reload):
    now = utcnow()
    c = team.consultation
    _set(db, c, Status.CLOSED, now + DAY, now - DAY)  # dates out of order: only by hand
    login(team.organiser)
    response = post_form(client, f"{SETTINGS}/status", {"status": "open_now"}, page=SETTINGS)
    assert response.status_code == 409
    assert "closing time has passed" in response.get_data(as_text=True)
    assert reload(c).status is Status.CLOSED


def test_a_moderator_cannot_open_now(client, db, team, login, reload):
    c = team.consultation
    _set(db, c, Status.OPEN, utcnow() + 3 * DAY)
    login(team.moderator)
    response = post_form(client, f"{SETTINGS}/status", {"status": "open_now"}, page="/")
    assert response.status_code == 403
    assert reload(c).opens_at > utcnow()
