"""Drafting: the working version, clause edits, publishing with vote carry-over, comparison."""

import pytest

from consult.consultations.services import current_version
from consult.drafts import compare, promote, publishing, services
from consult.drafts.models import CLAUSE_TEXT_MAX, DraftVersion
from consult.errors import DomainError, NotFound
from consult.moderation.models import ContributionResponse, ModerationEvent, Outcome
from consult.moderation.responses import record_response
from consult.participation.models import ModerationState, Statement
from tests.conftest import post_form


def test_publishing_keeps_statements_of_unchanged_clauses(db, team, row_count):
    c, mod = team.consultation, team.moderator
    first, second = current_version(c).clauses
    kept, replaced = first.statement_id, second.statement_id
    assert services.working_version(c) is None
    services.save_clause(mod, c, second.lineage_key, {}, {"en": "Second clause, amended."})
    added = services.add_clause(mod, c, {"en": "Third"}, {"zh": "第三条。"})
    assert added.missing_languages(c.languages) == ["en"]
    version = publishing.publish_version(mod, c, "Amended clause 2, added clause 3.")
    assert version.number == 2 and version.published_by_id == mod.id
    by_key = {clause.lineage_key: clause for clause in version.clauses}
    assert by_key[first.lineage_key].statement_id == kept, "unchanged text keeps its votes"
    assert by_key[second.lineage_key].statement_id not in (None, replaced)
    new_statement = db.session.get(Statement, by_key[added.lineage_key].statement_id)
    assert new_statement.lineage_key == added.lineage_key
    assert new_statement.moderation_state is ModerationState.APPROVED
    assert current_version(c).number == 2
    actions = [e.action for e in db.session.query(ModerationEvent).order_by(ModerationEvent.id)]
    assert actions == ["start_draft", "edit_clause", "add_clause", "publish"]
    # The next edit starts version 3 as a copy of version 2.
    services.remove_clause(mod, c, first.lineage_key)
    working = services.working_version(c)
    assert working.number == 3 and [cl.position for cl in working.clauses] == [1, 2]
    assert row_count(DraftVersion) == 4  # two per consultation, plus the working one


def test_publishing_refuses_no_change_and_no_summary(db, team):
    c, mod = team.consultation, team.moderator
    with pytest.raises(DomainError):
        publishing.publish_version(mod, c, "Nothing.")
    clause = current_version(c).clauses[0]
    services.save_clause(mod, c, clause.lineage_key, {}, dict(clause.text))  # same text
    with pytest.raises(DomainError, match="Nothing has changed"):
        publishing.publish_version(mod, c, "Nothing.")
    services.save_clause(mod, c, clause.lineage_key, {}, {"en": "Changed."})
    with pytest.raises(DomainError) as refused:
        publishing.publish_version(mod, c, "   ")
    assert refused.value.field == "change_summary"
    assert current_version(c).number == 1


def test_bad_clause_text_and_reorders_are_refused(db, team):
    c, mod = team.consultation, team.moderator
    keys = [clause.lineage_key for clause in current_version(c).clauses]
    with pytest.raises(DomainError):
        services.save_clause(mod, c, keys[0], {}, {"en": "  ", "zh": ""})
    with pytest.raises(DomainError):
        services.add_clause(mod, c, {}, {"en": "x" * (CLAUSE_TEXT_MAX + 1)})
    with pytest.raises(DomainError):
        services.reorder_clauses(mod, c, keys[:1])
    with pytest.raises(DomainError):
        services.reorder_clauses(mod, c, [keys[0], keys[0]])
    with pytest.raises(NotFound):
        services.save_clause(mod, c, "no-such-clause", {}, {"en": "x"})
    assert services.working_version(c) is None, "refused edits leave nothing behind"
    services.reorder_clauses(mod, c, keys[::-1])
    assert [cl.lineage_key for cl in services.working_version(c).clauses] == keys[::-1]


def test_comparison_shows_added_removed_moved_and_changed_per_language(db, team):
    c, mod = team.consultation, team.moderator
    first, second = current_version(c).clauses
    services.save_clause(
        mod, c, first.lineage_key, {}, {"en": "First clause, changed.", "zh": "第一条，改。"}
    )
    services.remove_clause(mod, c, second.lineage_key)
    added = services.add_clause(mod, c, {}, {"en": "Brand new."})
    services.reorder_clauses(mod, c, [added.lineage_key, first.lineage_key])
    publishing.publish_version(mod, c, "Reworked.")
    old = compare.get_version(c, 1, include_working=False)
    new = compare.get_version(c, 2, include_working=False)
    changes = {ch.lineage_key: ch for ch in compare.compare_versions(old, new, c.languages)}
    assert changes[added.lineage_key].status == "added"
    assert changes[second.lineage_key].status == "removed"
    changed = changes[first.lineage_key]
    assert changed.status == "changed" and set(changed.text_diffs) == {"en", "zh"}
    assert [p.text for p in changed.text_diffs["zh"] if p.op == "insert"] == ["，改"]
    with pytest.raises(NotFound):
        compare.get_version(c, "working", include_working=False)


def test_promoting_a_proposed_wording_links_the_answer_at_publication(db, team, contribute):
    c, mod = team.consultation, team.moderator
    clause = current_version(c).clauses[0]
    author = contribute.participant(c, team.participant)
    comment = contribute.comment(
        c, db.session.get(Statement, clause.statement_id), "Clearer.", author,
        proposed_text="First clause, clearer.", moderation_state=ModerationState.APPROVED,
    )  # fmt: skip
    statement = contribute.statement(
        c, "Add a review clause.", author, moderation_state=ModerationState.APPROVED
    )
    record_response(mod, c, "comment", comment.id, "adopted_in_part", "Mostly taken.")
    promote.promote(mod, c, "comment", comment.id, "en", clause.lineage_key)
    new_clause = promote.promote(mod, c, "statement", statement.id, "en")
    working = services.working_version(c)
    replaced = services.find_clause(working, clause.lineage_key)
    assert replaced.text == {"en": "First clause, clearer.", "zh": "第一条。"}
    assert replaced.source_comment_id == comment.id
    assert new_clause.source_statement_id == statement.id
    version = publishing.publish_version(mod, c, "Took two contributions.")
    answers = {(r.comment_id, r.statement_id): r for r in db.session.query(ContributionResponse)}
    by_comment = answers[(comment.id, None)]
    assert (by_comment.version_id, by_comment.clause_lineage_key) == (
        version.id,
        clause.lineage_key,
    )
    assert by_comment.outcome is Outcome.ADOPTED_IN_PART and by_comment.reason == "Mostly taken."
    by_statement = answers[(None, statement.id)]
    assert by_statement.outcome is Outcome.ADOPTED and by_statement.version_id == version.id
    with pytest.raises(DomainError):
        promote.promote(mod, c, "comment", contribute.comment(c, statement, "No wording.").id, "en")


def test_draft_pages_and_refused_forms(client, db, team, login):
    login(team.moderator)
    s = "/c/test-consultation/draft"
    key = current_version(team.consultation).clauses[0].lineage_key
    html = client.get(s).get_data(as_text=True)
    assert "First clause." in html and "Missing translation" in html
    response = post_form(client, f"{s}/clauses/{key}", {"text_en": "", "text_zh": ""})
    assert response.status_code == 422
    assert "Write the clause text in at least one language." in response.get_data(as_text=True)
    response = post_form(client, f"{s}/clauses/new", {"text_en": "x" * (CLAUSE_TEXT_MAX + 1)})
    assert response.status_code == 422
    response = post_form(client, f"{s}/reorder", {"order": [key, key]})
    assert response.status_code == 422
    assert "only once" in response.get_data(as_text=True)
    response = post_form(client, f"{s}/publish", {"change_summary": "Nothing really."}, page=s)
    assert response.status_code == 422
    assert "Nothing has changed" in response.get_data(as_text=True)
    response = post_form(client, f"{s}/clauses/{key}", {"text_en": "<b>Bold</b> text."})
    assert response.status_code == 302
    response = post_form(client, f"{s}/publish", {"change_summary": "Bolder."}, page=s)
    assert response.status_code == 302
    html = client.get(f"{s}/compare?from=1&to=2").get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html and "<ins>" in html
    assert client.get(f"{s}/compare?from=1&to=9").status_code == 404
    assert client.get(f"{s}/compare?from=1&to=working").status_code == 404  # nothing unpublished
    client.post("/logout", data={"csrf_token": ""})
    assert "Bolder." in client.get(f"{s}/versions").get_data(as_text=True)
