"""A consultation's phase (draft, scheduled, open, closed, imported) follows from its
status and its dates, with no job to run: the badge and the date sentence on the home
page and the consultation page say the same thing."""

import re
from datetime import timedelta

import pytest
from babel.dates import format_date

from consult.consultations.models import Status
from consult.consultations.schedule import Phase
from consult.db_types import utcnow


def _long(moment) -> str:
    return format_date(moment, "long", locale="en")


def _cards(html: str) -> dict[str, str]:
    """Each home card's text by its title."""
    cards = re.findall(r'<li class="card">(.*?)</li>', html, flags=re.S)
    found = {}
    for card in cards:
        title = re.search(r"<h3><a [^>]*>([^<]+)</a>", card).group(1)
        found[title] = " ".join(re.sub(r"<[^>]+>", " ", card).split())
    return found


@pytest.fixture
def timeline(make_consultation):
    """One consultation in each phase, its dates set around the present moment."""
    now = utcnow()
    day = timedelta(days=1)
    made = {
        "scheduled": make_consultation(
            "soon", title={"en": "Soon"}, opens_at=now + 30 * day, closes_at=now + 60 * day
        ),
        "open": make_consultation(
            "running", title={"en": "Running"}, opens_at=now - day, closes_at=now + 20 * day
        ),
        "over": make_consultation(
            "over", title={"en": "Over"}, opens_at=now - 40 * day, closes_at=now - 2 * day
        ),
        "stopped": make_consultation(
            "stopped", Status.CLOSED, title={"en": "Stopped"}, closes_at=now + 5 * day
        ),
        "draft": make_consultation("drafting", Status.DRAFT, title={"en": "Drafting"}),
        "imported": make_consultation(
            "imported", Status.CLOSED, title={"en": "Imported"}, imported_from="Polis export x"
        ),
    }
    return made


def test_phase_follows_status_and_dates(timeline):
    phases = {name: c.phase() for name, c in timeline.items()}
    assert phases == {
        "scheduled": Phase.SCHEDULED,
        "open": Phase.OPEN,
        "over": Phase.CLOSED,
        "stopped": Phase.CLOSED,
        "draft": Phase.DRAFT,
        "imported": Phase.IMPORTED,
    }
    soon = timeline["scheduled"]
    # No job needed: at its opening time the same row is open, and closed at its closing time.
    assert soon.phase(soon.opens_at) is Phase.OPEN and soon.accepts_input(soon.opens_at)
    assert soon.phase(soon.closes_at) is Phase.CLOSED and not soon.accepts_input(soon.closes_at)
    assert soon.schedule().opens_on == soon.opens_at
    assert timeline["open"].schedule().closes_on == timeline["open"].closes_at
    assert timeline["over"].schedule().closed_on == timeline["over"].closes_at
    assert timeline["stopped"].schedule().closed_on is None, "closed by hand: no date to give"


def test_home_page_wording_per_phase(client, timeline):
    html = client.get("/").get_data(as_text=True)
    cards = _cards(html)
    soon, running, over = timeline["scheduled"], timeline["open"], timeline["over"]
    assert f"Scheduled Opens on {_long(soon.opens_at)}" in cards["Soon"]
    assert "Closed" not in cards["Soon"] and "Closes on" not in cards["Soon"]
    assert f"Open Closes on {_long(running.closes_at)}" in cards["Running"]
    assert f"Closed Closed on {_long(over.closes_at)}" in cards["Over"]
    assert cards["Stopped"].startswith("Stopped") and "Closed Languages" in cards["Stopped"]
    assert "Closes on" not in cards["Stopped"]
    assert "Imported (closed for input)" in cards["Imported"]
    assert "Drafting" not in cards, "a draft is listed nowhere public"
    # Each in its section: open, coming, closed.
    open_at, coming_at, closed_at = (
        html.index("Open consultations"),
        html.index("Coming consultations"),
        html.index("Closed consultations"),
    )
    assert open_at < html.index(">Running<") < coming_at < html.index(">Soon<") < closed_at
    assert closed_at < html.index(">Over<")


@pytest.mark.parametrize(
    ("name", "badge", "sentence"),
    [
        ("scheduled", "Scheduled", "Opens on {opens}"),
        ("open", "Open", "Closes on {closes}"),
        ("over", "Closed", "Closed on {closes}"),
        ("stopped", "Closed", None),
        ("imported", "Imported (closed for input)", None),
    ],
)
def test_consultation_page_wording_per_phase(client, timeline, name, badge, sentence):
    c = timeline[name]
    html = client.get(f"/c/{c.slug}").get_data(as_text=True)
    header = html[html.index('<header class="consultation-header">') : html.index("<h1")]
    text = " ".join(re.sub(r"<[^>]+>", " ", header).split())
    assert text.startswith(badge)
    if sentence:
        dates = {"opens": c.opens_at and _long(c.opens_at), "closes": _long(c.closes_at)}
        assert sentence.format(**dates) in text
    else:
        assert "on " not in text.removeprefix(badge)


def test_a_draft_reads_draft_to_its_team(client, db, timeline, make_user, login):
    from consult.auth.services import grant_role
    from consult.consultations.models import Role

    organiser = make_user("drafter@example.org")
    grant_role(organiser, timeline["draft"], Role.ORGANISER)
    assert client.get("/c/drafting").status_code == 404
    login(organiser)
    html = client.get("/c/drafting").get_data(as_text=True)
    assert 'class="badge badge-closed badge-draft">Draft</span>' in html
