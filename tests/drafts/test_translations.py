"""How each translation of a clause stands (official, reviewed, proposed): set in the
editor, defaults, promotion of a participant's wording, publishing, and the readers' badge."""

from __future__ import annotations

import pytest

from consult.consultations.services import current_version
from consult.drafts import promote, publishing, services
from consult.drafts.translations import Standing, reading, shown_language, standing_of
from consult.participation.models import Statement
from tests.conftest import post_form

DRAFT = "/c/test-consultation/draft"
BILINGUAL = {"en": "First clause.", "zh": "第一条。"}


def test_shown_language_picks_as_localized_does():
    texts = {"zh": "第一条。", "en": "First clause."}
    assert shown_language(texts, "zh") == "zh"
    assert shown_language(texts, "fr") == "en", "a missing language falls back to English"
    assert shown_language({"zh": "第一条。"}, "fr") == "zh", "else any language given"
    assert shown_language({}, "en") is None


def test_a_translation_typed_by_the_team_is_reviewed_unless_the_team_says_otherwise(db, team):
    c = team.consultation  # English authoritative, Chinese a translation
    first = current_version(c).clauses[0]
    clause = services.save_clause(team.moderator, c, first.lineage_key, {}, BILINGUAL)
    assert clause.translations == {"zh": "reviewed"}, "the authoritative text has no standing"
    clause = services.save_clause(
        team.moderator, c, first.lineage_key, {}, BILINGUAL, standings={"zh": "official"}
    )
    assert clause.translations == {"zh": "official"}
    # Saved again without a choice: the standing stays; a nonsense choice changes nothing.
    clause = services.save_clause(
        team.moderator, c, first.lineage_key, {}, BILINGUAL, standings={"zh": "divine"}
    )
    assert clause.translations == {"zh": "official"}
    # A translation taken out loses its standing; a standing for the authoritative is dropped.
    clause = services.save_clause(
        team.moderator, c, first.lineage_key, {}, {"en": "First."}, standings={"en": "proposed"}
    )
    assert clause.translations == {}
    added = services.add_clause(team.moderator, c, {}, {"en": "Third.", "zh": "第三条。"})
    assert added.translations == {"zh": "reviewed"}


def test_a_participants_wording_promoted_into_a_translation_is_proposed(db, team, contribute):
    c = team.consultation
    first = current_version(c).clauses[0]
    statement = db.session.get(Statement, first.statement_id)
    comment = contribute.comment(c, statement, "Better Chinese.", proposed_text="第一条（新）。")
    clause = promote.promote(team.moderator, c, "comment", comment.id, "zh", first.lineage_key)
    assert clause.translations == {"zh": "proposed"}
    # Into the authoritative language: no standing is given to it.
    other = contribute.comment(c, statement, "Better English.", proposed_text="First, better.")
    clause = promote.promote(team.moderator, c, "comment", other.id, "en", first.lineage_key)
    assert clause.translations == {"zh": "proposed"}
    # The team marks it otherwise.
    clause = services.save_clause(
        team.moderator, c, first.lineage_key, {}, clause.text, standings={"zh": "official"}
    )
    assert clause.translations == {"zh": "official"}


def test_publishing_carries_the_standing_and_a_standing_alone_is_worth_a_version(db, team):
    c = team.consultation
    first = current_version(c).clauses[0]
    services.save_clause(
        team.moderator, c, first.lineage_key, {}, BILINGUAL, standings={"zh": "official"}
    )
    version = publishing.publish_version(team.moderator, c, "The Chinese text is official.")
    published = version.clauses[0]
    assert published.translations == {"zh": "official"}
    assert published.statement_id == first.statement_id, "no word changed: the votes stay"
    # The next working version starts as a copy, standings included.
    services.save_clause(team.moderator, c, first.lineage_key, {}, BILINGUAL)
    working = services.working_version(c)
    assert working.clauses[0].translations == {"zh": "official"}
    with pytest.raises(Exception, match="Nothing has changed"):
        publishing.publish_version(team.moderator, c, "Nothing.")


def test_reading_puts_the_authoritative_beside_a_translation_only_where_they_differ(db, team):
    c = team.consultation
    first = current_version(c).clauses[0]
    first.translations = {"zh": "proposed"}
    zh = reading(first, "zh", "en")
    assert (zh.text, zh.language, zh.authoritative) == ("第一条。", "zh", "First clause.")
    assert zh.standing is Standing.PROPOSED
    en = reading(first, "en", "en")
    assert (en.text, en.authoritative, en.standing) == ("First clause.", None, None)
    # A reader of French gets the English (authoritative): nothing to put beside it.
    fr = reading(first, "fr", "en")
    assert (fr.text, fr.authoritative, fr.standing) == ("First clause.", None, None)
    assert standing_of(first, "de", "en") is None, "no text in that language: no badge"


def test_the_editor_marks_a_standing_and_refuses_a_made_up_one(client, db, team, login):
    c = team.consultation
    key = current_version(c).clauses[0].lineage_key
    login(team.moderator)
    page = client.get(f"{DRAFT}/clauses/{key}").get_data(as_text=True)
    assert 'name="standing_zh"' in page and 'name="standing_en"' not in page
    assert '<option selected value="reviewed">' in page, "no standing yet reads as reviewed"
    refused = post_form(client, f"{DRAFT}/clauses/{key}", {**_texts(), "standing_zh": "divine"})
    assert refused.status_code == 422
    assert services.working_version(c) is None, "a refused form leaves nothing behind"
    saved = post_form(client, f"{DRAFT}/clauses/{key}", {**_texts(), "standing_zh": "official"})
    assert saved.status_code == 302
    assert services.working_version(c).clauses[0].translations == {"zh": "official"}
    html = client.get(DRAFT).get_data(as_text=True)
    assert "Official translation" in html


def _texts() -> dict:
    return {"text_en": BILINGUAL["en"], "text_zh": BILINGUAL["zh"]}


def test_readers_see_the_badge_beside_a_translation_and_none_beside_the_original(client, db, team):
    c = team.consultation
    first = current_version(c).clauses[0]
    first.translations = {"zh": "official"}
    db.session.commit()
    chinese = client.get("/c/test-consultation", headers={"Accept-Language": "zh"})
    html = chinese.get_data(as_text=True)
    assert html.count("badge-translation") == 1, "clause 2 has no Chinese: shown in English"
    assert "First clause." in html, "the authoritative text one click away"
    english = client.get("/c/test-consultation", headers={"Accept-Language": "en"})
    assert "badge-translation" not in english.get_data(as_text=True)
    clause_page = client.get(
        f"/c/test-consultation/s/{first.statement_id}", headers={"Accept-Language": "zh"}
    ).get_data(as_text=True)
    assert "badge-translation" in clause_page and "authoritative-text" in clause_page
    text = client.get("/c/test-consultation/text", headers={"Accept-Language": "zh"})
    assert "badge-translation" in text.get_data(as_text=True)
    plain = client.get("/c/test-consultation/text.txt", headers={"Accept-Language": "zh"})
    lines = plain.get_data(as_text=True).splitlines()
    assert lines[lines.index("第一条。") + 2].startswith("["), "the standing under the text"
