"""A schedule that explains itself: saving dates leaves a draft and the page says so, the
status button reads "Schedule: opens on <date, time>" or "Open now", every "Opens on" has
a time, and a scheduled consultation's vote boxes say when voting opens."""

from __future__ import annotations

import re
from datetime import timedelta

from babel.dates import format_date, format_time

from consult.consultations.models import Status
from consult.db_types import utcnow
from tests.conftest import post_form

SETTINGS = "/c/test-consultation/organise"
CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}


def _moment(value, locale: str = "en") -> str:
    """What the pages write: the long date, the short time and the zone."""
    date, time = (
        format_date(value, "long", locale=locale),
        format_time(value, "short", locale=locale),
    )
    written = f"{date}, {time} UTC" if locale == "en" else f"{date} {time} UTC"
    return " ".join(written.split())  # as _text reads it (Babel puts U+202F before AM)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _buttons(html: str) -> dict[str, str]:
    """The status form's buttons: value -> the words on them."""
    found = re.findall(r'<button[^>]*name="status" value="(\w+)">(.*?)</button>', html, re.S)
    return {value: " ".join(words.split()) for value, words in found}


def _in_an_hour(db, consultation, status=Status.DRAFT):
    """The consultation with an opening time an hour away (to the minute, as the form)."""
    opens = (utcnow() + timedelta(hours=1)).replace(second=0, microsecond=0)
    consultation.status, consultation.opens_at = status, opens
    consultation.closes_at = opens + timedelta(days=10)
    db.session.commit()
    return opens


def test_saved_dates_say_the_draft_still_needs_scheduling(client, db, team, login):
    c = team.consultation
    opens = _in_an_hour(db, c)
    login(team.organiser)
    html = client.get(SETTINGS).get_data(as_text=True)
    explained = _text(re.search(r'id="status-explained".*?</p>', html, re.S).group(0))
    assert "Saving the dates does not schedule the consultation" in explained
    hint = _text(re.search(r'id="schedule-hint">.*?</p>', html, re.S).group(0))
    assert "Saving these times does not schedule a draft" in hint, "said by the fields too"
    assert f"opens on its own on {_moment(opens)}" in explained
    buttons = _buttons(html)
    assert buttons["open"] == f"Schedule: opens on {_moment(opens)}"
    assert buttons["open_now"] == "Open now" and "Open it" not in html
    assert post_form(client, f"{SETTINGS}/status", {"status": "open"}).status_code == 302
    html = client.get(SETTINGS).get_data(as_text=True)
    assert "badge-scheduled" in html and f"Opens on {_moment(opens)}" in _text(html), "time shown"
    assert "nobody needs to press anything" in _text(html)
    assert "open" not in _buttons(html) and _buttons(html)["draft"] == "Back to draft"


def test_with_no_opening_time_to_come_the_button_opens_now(client, db, team, login):
    c = team.consultation
    c.status, c.opens_at = Status.DRAFT, utcnow() - timedelta(minutes=5)
    db.session.commit()
    login(team.organiser)
    html = client.get(SETTINGS).get_data(as_text=True)
    assert _buttons(html)["open"] == "Open now"
    assert "“Open now” opens it for contributions at once" in _text(html)
    assert post_form(client, f"{SETTINGS}/status", {"status": "open"}).status_code == 302
    html = client.get(SETTINGS).get_data(as_text=True)
    assert "badge-open" in html and "It accepts contributions now." in html


def test_open_consultation_says_when_it_closes_with_the_time(client, db, team, login):
    c = team.consultation
    c.closes_at = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    db.session.commit()
    login(team.organiser)
    text = _text(client.get(SETTINGS).get_data(as_text=True))
    assert f"Closes on {_moment(c.closes_at)}" in text
    assert f"It closes on its own on {_moment(c.closes_at)}." in text


def test_opens_on_has_a_time_in_chinese_too(client, db, team):
    opens = _in_an_hour(db, team.consultation, Status.OPEN)
    home = _text(client.get("/", headers=CHINESE).get_data(as_text=True))
    assert _moment(opens, "zh") in home
    assert re.search(r"\d{1,2}:\d\d UTC", home)


def test_scheduled_vote_boxes_say_when_voting_opens(client, db, team, login):
    opens = _in_an_hour(db, team.consultation, Status.OPEN)
    login(team.participant)
    html = _text(client.get("/c/test-consultation").get_data(as_text=True))
    assert f"Voting opens on {_moment(opens)}." in html
    assert "Voting is closed." not in html
    team.consultation.status = Status.CLOSED
    db.session.commit()
    html = _text(client.get("/c/test-consultation").get_data(as_text=True))
    assert "Voting is closed." in html and "Voting opens on" not in html


def test_the_voting_flow_says_when_voting_opens(client, db, team):
    opens = _in_an_hour(db, team.consultation, Status.OPEN)
    text = _text(client.get("/c/test-consultation/vote").get_data(as_text=True))
    assert f"Voting opens on {_moment(opens)}." in text and "Voting is closed." not in text
