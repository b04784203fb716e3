"""A draft in two languages: the preamble, the authoritative language, translation-only
changes that keep the votes, and the warning when one language changed and not the other."""

import pytest

from consult.consultations.services import current_version
from consult.drafts import languages, promote, publishing, services
from consult.drafts.models import PREAMBLE_MAX
from consult.errors import DomainError, Forbidden
from consult.moderation.audit_sentences import describe_events
from consult.moderation.models import ModerationEvent
from consult.participation.models import Statement
from tests.conftest import post_form

DRAFT = "/c/test-consultation/draft"
CHINESE_FIX = {"en": "First clause.", "zh": "第一条（修订译文）。"}


def _vote_on_first_clause(client, login, user, statement_id):
    login(user)
    response = post_form(
        client,
        f"/c/test-consultation/statements/{statement_id}/vote",
        {"choice": "agree"},
        page="/c/test-consultation",
    )
    assert response.status_code in (200, 302)


def test_a_translation_only_change_keeps_the_votes_and_asks_no_one_again(client, db, team, login):
    c = team.consultation
    first = current_version(c).clauses[0]
    assert c.authoritative == "en"  # the first language until an organiser says otherwise
    _vote_on_first_clause(client, login, team.participant, first.statement_id)
    services.save_clause(team.moderator, c, first.lineage_key, {}, CHINESE_FIX)
    version = publishing.publish_version(team.moderator, c, "Better Chinese wording.")
    assert version.clauses[0].statement_id == first.statement_id
    assert version.clauses[0].text["zh"] == CHINESE_FIX["zh"]
    page = client.get("/c/test-consultation/me").get_data(as_text=True)
    assert "changed since" not in page  # no "look at it again" notice
    publish = db.session.query(ModerationEvent).filter_by(action="publish").one()
    assert publish.details["changed"] == [] and publish.details["translated"] == [first.lineage_key]
    # Now the authoritative (English) text changes: a new statement, the voter asked again.
    services.save_clause(
        team.moderator, c, first.lineage_key, {}, {**CHINESE_FIX, "en": "First clause, amended."}
    )
    version = publishing.publish_version(team.moderator, c, "Amended clause 1.")
    assert version.clauses[0].statement_id != first.statement_id
    page = client.get("/c/test-consultation/me").get_data(as_text=True)
    assert "1 clause you voted on has changed since" in page


def test_the_organiser_may_ask_voters_again_for_a_translation_change(db, team):
    c = team.consultation
    first = current_version(c).clauses[0]
    services.save_clause(team.moderator, c, first.lineage_key, {}, CHINESE_FIX, True)
    change = languages.changes_by_clause(current_version(c), services.working_version(c), c)
    assert change[first.lineage_key].asks_voters_again
    version = publishing.publish_version(team.moderator, c, "The Chinese text changed meaning.")
    assert version.clauses[0].statement_id != first.statement_id
    # The request is for that publication only: the next version starts without it.
    services.save_clause(team.moderator, c, version.clauses[1].lineage_key, {}, {"en": "Two."})
    assert not services.working_version(c).clauses[0].ask_voters_again


def test_the_authoritative_language_decides_what_asks_voters_again(client, db, team, login):
    c = team.consultation
    first = current_version(c).clauses[0]
    with pytest.raises(Forbidden):  # a moderator edits the draft but does not set this
        languages.set_authoritative_language(team.moderator, c, "zh")
    with pytest.raises(DomainError):
        languages.set_authoritative_language(team.organiser, c, "fr")
    login(team.organiser)
    response = post_form(client, f"{DRAFT}/authoritative", {"language": "de"}, page=DRAFT)
    assert response.status_code == 422
    assert "Choose one of the consultation" in response.get_data(as_text=True)
    response = post_form(client, f"{DRAFT}/authoritative", {"language": "zh"}, page=DRAFT)
    assert response.status_code == 302
    db.session.refresh(c)
    assert c.authoritative == "zh"
    # With Chinese authoritative, an English change keeps the votes; a Chinese one does not.
    services.save_clause(team.organiser, c, first.lineage_key, {}, {**first.text, "en": "One."})
    version = publishing.publish_version(team.organiser, c, "English polish.")
    assert version.clauses[0].statement_id == first.statement_id
    services.save_clause(team.organiser, c, first.lineage_key, {}, CHINESE_FIX)
    version = publishing.publish_version(team.organiser, c, "Chinese amended.")
    assert version.clauses[0].statement_id != first.statement_id
    events = db.session.query(ModerationEvent).filter_by(action="set_authoritative_language")
    (line,) = describe_events(list(events))
    assert line.sentence == "Org made 中文 the authoritative language of the draft"
    html = client.get(DRAFT).get_data(as_text=True)
    assert "The 中文 text is authoritative" in html


def test_a_clause_without_authoritative_text_counts_every_language(db, team):
    c = team.consultation
    added = services.add_clause(team.moderator, c, {}, {"zh": "第三条。"})
    version = publishing.publish_version(team.moderator, c, "Clause 3 in Chinese.")
    statement_id = version.clauses[2].statement_id
    services.save_clause(team.moderator, c, added.lineage_key, {}, {"zh": "第三条，改。"})
    version = publishing.publish_version(team.moderator, c, "Clause 3 amended.")
    assert version.clauses[2].statement_id != statement_id


def test_one_language_changed_and_not_the_other_is_flagged(client, db, team, login, contribute):
    c = team.consultation
    first = current_version(c).clauses[0]
    login(team.moderator)
    response = post_form(
        client,
        f"{DRAFT}/clauses/{first.lineage_key}",
        {"text_en": "First clause, amended.", "text_zh": first.text["zh"]},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "The English text changed but the 中文 text did not" in html
    assert "Changed in English since version 1, but not in 中文" in html
    assert "earlier voters are asked to look at this clause again" in html
    assert "1 changed clause will be voted on afresh." in html
    # Both languages brought in line: no warning.
    response = post_form(
        client,
        f"{DRAFT}/clauses/{first.lineage_key}",
        {"text_en": "First clause, amended.", "text_zh": "第一条，改。"},
        follow_redirects=True,
    )
    assert "did not" not in response.get_data(as_text=True)
    # Promoting English wording into a bilingual clause warns about the Chinese text.
    services.discard_working_version(team.moderator, c)
    statement = db.session.get(Statement, first.statement_id)
    comment = contribute.comment(c, statement, "Better.", proposed_text="First clause, better.")
    promote.promote(team.moderator, c, "comment", comment.id, "en", first.lineage_key)
    html = client.get(DRAFT).get_data(as_text=True)
    assert "Changed in English since version 1, but not in 中文" in html


def test_the_preamble_is_edited_side_by_side_and_published(client, db, team, login):
    c = team.consultation
    login(team.moderator)
    page = client.get(f"{DRAFT}/preamble")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'lang="zh"' in html and "Preamble (中文)" in html
    response = post_form(
        client,
        f"{DRAFT}/preamble",
        {"preamble_en": "x" * (PREAMBLE_MAX + 1), "preamble_zh": "序言。"},
    )
    assert response.status_code == 422
    assert services.working_version(c) is None, "a refused preamble leaves nothing behind"
    response = post_form(
        client,
        f"{DRAFT}/preamble",
        {
            "preamble_en": "First paragraph\r\ngoes on.\r\n\r\n<script>Second</script>.",
            "preamble_zh": "第一段。\n\n第二段。",
        },
    )
    assert response.status_code == 302
    working = services.working_version(c)
    assert working.preamble == {
        "en": ["First paragraph goes on.", "<script>Second</script>."],
        "zh": ["第一段。", "第二段。"],
    }
    html = client.get(DRAFT).get_data(as_text=True)
    assert "&lt;script&gt;Second&lt;/script&gt;" in html and "<script>Second" not in html
    version = publishing.publish_version(team.moderator, c, "A preamble.")
    assert version.clauses[0].statement_id == current_version(c).clauses[0].statement_id
    assert "First paragraph goes on." in client.get("/c/test-consultation").get_data(as_text=True)
    event = db.session.query(ModerationEvent).filter_by(action="edit_preamble").one()
    (line,) = describe_events([event])
    assert line.sentence == ("Mod edited the preamble of version 2 of the draft (English, 中文)")


def test_participants_cannot_reach_the_new_draft_routes(client, db, team, login):
    login(team.participant)
    assert client.get(f"{DRAFT}/preamble").status_code == 403
    response = post_form(client, f"{DRAFT}/authoritative", {"language": "zh"}, page="/")
    assert response.status_code == 403
    post_form(client, "/logout", {}, page="/")
    login(team.other_moderator)
    response = post_form(client, f"{DRAFT}/preamble", {"preamble_en": "Mine."}, page="/")
    assert response.status_code == 403
    assert services.working_version(team.consultation) is None
