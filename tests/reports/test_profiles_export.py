"""participant-profiles.csv: the organisers' pseudonymous list of who took part.

The file numbers people as the Polis exports do, so a row joins participants-votes.csv;
it is checked against the database (each person's own votes and profile), over the test
client and served by gunicorn.
"""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from consult import geo
from tests.conftest import PASSWORD

URL = "/c/camps/exports/participant-profiles.csv"
COLUMNS = [
    "participant",
    "sector",
    "country",
    "region",
    "income_group",
    "verified",
    "joined",
    "account",
]


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def people(db, voted):
    """``voted`` with a distinct country per account, one verified person, and two
    pseudonymous voters with votes of their own. Returns {participant id: person}."""
    from consult.auth.models import StakeholderProfile, Verification
    from consult.consultations.models import Participant
    from consult.participation.models import Vote, VoteEvent

    cid = voted.consultation.id
    countries = [code for code, _name in geo.country_choices() if geo.region_of(code)][:40]
    participants = db.session.scalars(
        sa.select(Participant).where(Participant.id.in_(voted.participant_ids))
    ).all()
    for participant, country in zip(participants, countries, strict=True):
        profile = db.session.scalar(
            sa.select(StakeholderProfile).where(StakeholderProfile.user_id == participant.user_id)
        )
        profile.country = country
    first = participants[0]
    verified_profile = db.session.scalar(
        sa.select(StakeholderProfile).where(StakeholderProfile.user_id == first.user_id)
    )
    verified_profile.verification = Verification.VERIFIED
    anonymous = []
    for n, value in enumerate((1, -1)):
        participant = Participant(consultation_id=cid, anonymous_key=f"anon-key-{n}")
        db.session.add(participant)
        db.session.flush()
        anonymous.append(participant.id)
        row = {
            "consultation_id": cid,
            "participant_id": participant.id,
            "statement_id": voted.statement_ids[2 + n],
            "value": value,
        }
        db.session.execute(sa.insert(Vote), [row])
        db.session.execute(sa.insert(VoteEvent), [row])
    db.session.commit()
    return {"verified": first.id, "anonymous": anonymous}


def _votes_by_person(db, cid: int) -> dict[int, dict[str, str]]:
    """Each participant's current votes from the database, keyed by statement number."""
    from consult.participation.models import Statement, Vote

    rows = db.session.execute(
        sa.select(Vote.participant_id, Statement.number, Vote.value)
        .join(Statement, Statement.id == Vote.statement_id)
        .where(Vote.consultation_id == cid)
    )
    out: dict[int, dict[str, str]] = {}
    for pid, number, value in rows:
        out.setdefault(pid, {})[str(number)] = str(value)
    return out


def _profile_of(db, pid: int) -> dict:
    from consult.auth.models import StakeholderProfile, Verification
    from consult.consultations.models import Participant

    participant = db.session.get(Participant, pid)
    profile = db.session.scalar(
        sa.select(StakeholderProfile).where(StakeholderProfile.user_id == participant.user_id)
    )
    return {
        "sector": profile.sector.value if profile else "",
        "country": profile.country if profile else "",
        "region": geo.region_of(profile.country) if profile else "",
        "income_group": geo.income_group_of(profile.country) if profile else "",
        "verified": "true"
        if profile and profile.verification is Verification.VERIFIED
        else "false",
        "joined": participant.created_at.date().isoformat(),
        "account": "true" if participant.user_id else "false",
    }


def test_rows_are_the_same_people_as_in_participants_votes(
    client, db, voted, people, organiser, login
):
    login(organiser)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="camps-participant-profiles.csv"'
    )
    text = response.get_data(as_text=True)
    assert text.splitlines()[0].split(",") == COLUMNS
    profiles = _rows(text)
    assert [int(r["participant"]) for r in profiles] == list(range(42))

    matrix = _rows(client.get("/c/camps/exports/participants-votes.csv").get_data(as_text=True))
    assert len(matrix) == 42
    votes = _votes_by_person(db, voted.consultation.id)
    cast = {
        row["participant"]: {k: v for k, v in row.items() if k.isdigit() and v != ""}
        for row in matrix
    }
    # Each account has a country of its own, so its profile row names one person; the
    # two pseudonymous voters are told apart by their votes. That person's profile and
    # votes in the database are the rows under the same number in both files.
    by_country = {_profile_of(db, pid)["country"]: pid for pid in voted.participant_ids}
    for row in profiles:
        number = row["participant"]
        if row["account"] == "true":
            pid = by_country[row["country"]]
        else:
            (pid,) = [p for p in people["anonymous"] if votes[p] == cast[number]]
        assert {k: row[k] for k in COLUMNS[1:]} == _profile_of(db, pid), number
        assert votes[pid] == cast[number], number

    # Accounts have unique countries: each is exactly one person, with their own votes.
    countries = [r["country"] for r in profiles if r["account"] == "true"]
    assert len(countries) == len(set(countries)) == 40
    anonymous = [r for r in profiles if r["account"] == "false"]
    assert len(anonymous) == 2
    assert all(r["sector"] == r["country"] == r["region"] == "" for r in anonymous)
    assert all(r["verified"] == "false" for r in anonymous)
    assert [r["verified"] for r in profiles].count("true") == 1


def test_no_name_email_or_organisation_appears(client, db, voted, people, organiser, login):
    from consult.auth.models import User

    login(organiser)
    text = client.get(URL).get_data(as_text=True)
    users = db.session.scalars(sa.select(User)).all()
    assert "@" not in text and "Secret Name" not in text
    for user in users:
        assert user.display_name not in text
    assert "anon-key" not in text


def test_formula_cells_are_neutralised(client, db, voted, organiser, login):
    from consult.auth.models import StakeholderProfile

    profile = db.session.scalars(sa.select(StakeholderProfile)).first()
    profile.country = "=1"  # written straight into the database, as no form accepts it
    db.session.commit()
    login(organiser)
    rows = _rows(client.get(URL).get_data(as_text=True))
    assert "'=1" in {r["country"] for r in rows}
    assert "=1" not in {r["country"] for r in rows}


def _logged_in(app, user):
    """A client of its own, logged in as ``user`` through the login form."""
    from tests.conftest import IsolatedClient, post_form

    app.test_client_class = IsolatedClient
    client = app.test_client()
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_only_organisers_download_it(app, client, db, voted, organiser, make_user):
    from consult.auth.services import grant_role
    from consult.consultations.models import Role

    anonymous = client.get(URL)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    moderator = make_user("moderator@example.org")
    grant_role(moderator, voted.consultation, Role.MODERATOR)
    assert _logged_in(app, moderator).get(URL).status_code == 403
    assert _logged_in(app, make_user("someone@example.org")).get(URL).status_code == 403
    admin = _logged_in(app, make_user("admin@example.org", admin=True))
    assert admin.get(URL).status_code == 200
    team = _logged_in(app, organiser)
    assert team.get("/c/nope/exports/participant-profiles.csv").status_code == 404
    page = team.get("/c/camps/exports").get_data(as_text=True)
    assert f'href="{URL}"' in page


def test_an_empty_consultation_has_the_header_only(client, db, make_consultation, make_user, login):
    from consult.auth.services import grant_role
    from consult.consultations.models import Role

    consultation = make_consultation(slug="empty")
    user = make_user("organiser@example.org")
    grant_role(user, consultation, Role.ORGANISER)
    login(user)
    response = client.get("/c/empty/exports/participant-profiles.csv")
    assert response.get_data(as_text=True) == ",".join(COLUMNS) + "\n"


def test_served_by_gunicorn(db, voted, people, organiser, database_url, tmp_path):
    from tests.reports.served import Browser
    from tests.serving import served

    db.session.remove()
    db.engine.dispose()
    with served(database_url, tmp_path / "served", workers=1) as app:
        browser = Browser(app.base)
        assert 'name="password"' in browser.get(URL).text  # sent to log in first
        browser.login(organiser.email, PASSWORD)
        page = browser.get("/c/camps/exports")
        assert f'href="{URL}"' in page.text
        fetched = browser.get(URL)
        assert fetched.status == 200
        assert fetched.headers.get_all("Content-Type") == ["text/csv; charset=utf-8"]
        assert fetched.headers["Content-Disposition"] == (
            'attachment; filename="camps-participant-profiles.csv"'
        )
        rows = _rows(fetched.body.decode("utf-8"))
        assert [int(r["participant"]) for r in rows] == list(range(42))
        matrix = _rows(browser.get("/c/camps/exports/participants-votes.csv").text)
        assert {r["participant"] for r in matrix} == {r["participant"] for r in rows}
