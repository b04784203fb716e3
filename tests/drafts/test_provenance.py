"""What became of a participant's proposal: answers and report wording say how much."""

from __future__ import annotations

from consult.consultations.services import current_version
from consult.drafts import promote, publishing, services
from consult.drafts.provenance import adoption, outcome_label
from consult.moderation.models import ContributionResponse, Outcome
from consult.participation.models import ModerationState, Statement


def test_adoption_counts_the_proposals_words_kept():
    full = adoption("Every state shall publish audits.", "Every state shall publish audits.")
    assert (full.kept, full.total, full.full, full.outcome) == (5, 5, True, Outcome.ADOPTED)
    assert "adopted in full" in full.describe()

    proposal = "Every state shall publish its audit results yearly."
    part = adoption(proposal, "Every state shall publish audit results.", "en")
    assert (part.kept, part.total, part.outcome) == (6, 8, Outcome.ADOPTED_IN_PART)
    assert "adopted in part (6 of 8 words)" in part.describe()

    chinese = adoption("第一条更清楚。", "第一条。", "zh")
    assert (chinese.kept, chinese.total) == (3, 6), "characters, punctuation not counted"
    assert "(3 of 6 characters)" in chinese.describe()


def test_an_answer_keeps_its_exact_outcome():
    assert outcome_label(Outcome.ADOPTED_IN_PART) == "Adopted in part"
    assert outcome_label("adopted") == "Adopted"


def test_a_partly_adopted_proposal_is_answered_and_reported_as_such(db, team, contribute):
    from consult.reports.publishing import what_we_heard

    c, mod = team.consultation, team.moderator
    clause = current_version(c).clauses[0]
    author = contribute.participant(c, team.participant)
    comment = contribute.comment(
        c, db.session.get(Statement, clause.statement_id), "Say who.", author,
        proposed_text="Every state shall publish its audit results yearly.",
        moderation_state=ModerationState.APPROVED,
    )  # fmt: skip
    promote.promote(mod, c, "comment", comment.id, "en", clause.lineage_key)
    # The moderator keeps most of the proposal, not all of it.
    services.save_clause(
        mod, c, clause.lineage_key, {}, {"en": "Every state shall publish audit results."}
    )
    publishing.publish_version(mod, c, "Took part of a proposal.")
    answer = db.session.query(ContributionResponse).one()
    assert answer.outcome is Outcome.ADOPTED_IN_PART
    assert "(6 of 8 words)" in answer.reason

    heard = what_we_heard(c, "en")
    first = heard[0]
    assert first["sourced"] == (
        "A participant proposed wording for this clause; it was adopted in part (6 of 8 words)."
    )
    assert [item["outcome_label"] for item in first["adopted"]] == ["Adopted in part"]
