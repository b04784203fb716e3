"""Participation and agreement by language: planted reading languages give the right
breakdown in the snapshot and on the dashboard, in the reader's language."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.auth.models import User
from consult.consultations.models import Participant
from consult.participation.models import Vote
from consult.reports import snapshots
from consult.reports.languages import LANGUAGES, UNKNOWN, participant_languages
from tests.conftest import csrf_from


@pytest.fixture
def spoken(db, voted):
    """The 40 voters in four language groups of 10, planted on their votes and accounts:
    0-9 read everything in Chinese; 10-19 mostly in French (two votes in English, and
    their account says Chinese, which the votes outweigh); 20-29 have no reading language
    on their votes (votes from before it was recorded) and a Spanish account; 30-39 have
    neither. Returns {participant id: expected language}."""
    expected = {}
    for p, pid in enumerate(voted.participant_ids):
        votes = db.session.scalars(
            sa.select(Vote).where(Vote.participant_id == pid).order_by(Vote.id)
        ).all()
        user = db.session.scalar(
            sa.select(User)
            .join(Participant, Participant.user_id == User.id)
            .where(Participant.id == pid)
        )
        if p < 10:
            language, locale = "zh", None
            for vote in votes:
                vote.language = "zh"
        elif p < 20:
            language, locale = "fr", "zh"
            for k, vote in enumerate(votes):
                vote.language = "en" if k < 2 else "fr"
        elif p < 30:
            language, locale = "es", "es"
        else:
            language, locale = UNKNOWN, None
        user.locale = locale
        expected[pid] = language
    db.session.commit()
    return expected


def test_each_participant_counts_in_the_language_most_votes_were_read_in(voted, spoken):
    assert participant_languages(voted.consultation.id) == spoken


def test_null_languages_are_ignored_not_counted_as_a_language(db, voted, spoken):
    """One French vote among nulls makes a French participant, whatever the account says."""
    pid = voted.participant_ids[25]  # no reading language on any vote, a Spanish account
    first = db.session.scalar(sa.select(Vote).where(Vote.participant_id == pid).limit(1))
    first.language = "fr"
    db.session.commit()
    assert participant_languages(voted.consultation.id)[pid] == "fr"


def test_the_run_stores_counts_and_agreement_by_language(db, voted, spoken):
    snapshot = snapshots.run_analysis(voted.consultation.id)
    stored = snapshot.parameters[LANGUAGES]
    assert stored["participants"] == {"zh": 10, "fr": 10, "es": 10, UNKNOWN: 10}
    votes = db.session.execute(sa.select(Vote.participant_id, Vote.statement_id, Vote.value)).all()
    for code in ("zh", "fr", "es", UNKNOWN):
        mine = [v for v in votes if spoken[v.participant_id] == code]
        assert stored["votes"][code] == len(mine)
        cells = stored["statements"][code]
        # Clause 1: everyone agrees; each statement's counts are its voters' in that group.
        for sid, agree, seen in zip(cells["ids"], cells["agree"], cells["seen"], strict=True):
            on = [v for v in mine if v.statement_id == sid]
            assert (agree, seen) == (sum(v.value == 1 for v in on), len(on))
        clause_one = cells["ids"].index(voted.clause_ids[0])
        assert cells["agree"][clause_one] == cells["seen"][clause_one] == 10


def _as_reader(client, language):
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"language": language, "csrf_token": token})


def test_the_dashboard_shows_the_language_groups_in_the_readers_language(client, db, voted, spoken):
    snapshots.run_analysis(voted.consultation.id)
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    section = html.split('id="by-language"')[1]
    for name in ("Chinese", "French", "Spanish", "unknown"):
        assert f'<th scope="row">{name}' in section, name
    # English is one of the consultation's languages, and nobody took part in it.
    assert '<th scope="row">English <span class="badge">Nobody yet</span>' in section
    assert "Agreement by language with the broadly agreed statements" in section
    assert "25%" in section  # each group's share of participants
    _as_reader(client, "zh")
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    section = html.split('id="by-language"')[1]
    assert '<th scope="row">法语' in section and '<th scope="row">西班牙语' in section


def test_a_run_from_before_languages_were_counted_shows_no_section(client, db, voted):
    snapshot = snapshots.run_analysis(voted.consultation.id)
    snapshot.parameters = {k: v for k, v in snapshot.parameters.items() if k != LANGUAGES}
    db.session.commit()
    response = client.get("/c/camps/dashboard")
    assert response.status_code == 200
    assert 'id="by-language"' not in response.get_data(as_text=True)
