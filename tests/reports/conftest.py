"""A consultation with two opinion camps that agree on one clause, voted in bulk."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import post_form

SECTORS = ["government", "industry", "academia", "civil_society", "citizen"]
COUNTRIES = ["KE", "CN", "DE", "BR", "US", "IN"]


@pytest.fixture(autouse=True)
def quick_analysis(app):
    """Fewer bootstrap resamples: the tests check wiring, not stability figures. A voter
    floor of 5 fits the fixture's 40 voters (6-8 per sector and region)."""
    app.config["ANALYSIS_BOOTSTRAP"] = 3
    app.config["ANALYSIS_MIN_VOTERS"] = 5


@pytest.fixture
def voted(db, make_consultation):
    """An open consultation: 2 clauses, 10 participant statements, 40 voters in two camps.

    Camp A (even participants) agrees with statements 0-4 and disagrees with 5-9; camp B
    the reverse; everyone agrees with clause 1 and passes on clause 2. Returns a namespace
    with the consultation, statement ids (clauses first) and participant ids.
    """
    from types import SimpleNamespace

    from consult.auth.models import Sector, StakeholderProfile, User
    from consult.consultations.models import Participant
    from consult.drafts.models import Clause
    from consult.participation.models import (
        ModerationState,
        Statement,
        StatementKind,
        Vote,
        VoteEvent,
    )
    from tests.team import _password_hash

    consultation = make_consultation(slug="camps")
    clauses = db.session.scalars(sa.select(Clause.statement_id).order_by(Clause.position)).all()
    statements = []
    for i in range(10):
        statement = Statement(
            consultation_id=consultation.id,
            kind=StatementKind.PARTICIPANT,
            text=f"Statement number {i} <b>bold?</b>",
            language="en",
            moderation_state=ModerationState.APPROVED,
        )
        db.session.add(statement)
        statements.append(statement)
    password_hash = _password_hash()
    participants = []
    for p in range(40):
        user = User(
            email=f"voter{p}@example.org",
            display_name=f"Secret Name {p}",
            password_hash=password_hash,
        )
        user.profile = StakeholderProfile(
            sector=Sector(SECTORS[p % len(SECTORS)]), country=COUNTRIES[p % len(COUNTRIES)]
        )
        db.session.add(user)
        db.session.flush()
        participant = Participant(consultation_id=consultation.id, user_id=user.id)
        db.session.add(participant)
        participants.append(participant)
    db.session.flush()
    ids = [*clauses, *(s.id for s in statements)]
    rows = []
    for p, participant in enumerate(participants):
        camp = 1 if p % 2 == 0 else -1
        rows.append((participant.id, clauses[0], 1))
        rows.append((participant.id, clauses[1], 0))
        for i, statement in enumerate(statements):
            if (p + i) % 7 == 0:
                continue  # not everyone sees everything
            rows.append((participant.id, statement.id, camp if i < 5 else -camp))
    db.session.execute(
        sa.insert(Vote),
        [
            {"consultation_id": consultation.id, "participant_id": p, "statement_id": s, "value": v}
            for p, s, v in rows
        ],
    )
    db.session.execute(
        sa.insert(VoteEvent),
        [
            {"consultation_id": consultation.id, "participant_id": p, "statement_id": s, "value": v}
            for p, s, v in rows
        ],
    )
    db.session.commit()
    return SimpleNamespace(
        consultation=consultation,
        statement_ids=ids,
        clause_ids=list(clauses),
        participant_ids=[p.id for p in participants],
        n_votes=len(rows),
    )


@pytest.fixture
def analysed(db, voted):
    """The ``camps`` consultation analysed once: its OK snapshot."""
    from consult.reports import snapshots

    snapshot = snapshots.run_analysis(voted.consultation.id)
    assert snapshot.result, snapshot.error
    return snapshot


@pytest.fixture
def organiser(db, make_user, voted):
    from consult.auth.services import grant_role
    from consult.consultations.models import Role

    user = make_user("organiser@example.org")
    grant_role(user, voted.consultation, Role.ORGANISER)
    return user


HIDDEN_TEXTS = {
    "pending": "Pending-zebra-7731 statement awaiting review",
    "rejected": "Rejected-okapi-4410 spam with personal data",
    "comment_rejected": "Comment-rejected-walrus-5521",
    "comment_deleted": "Comment-deleted-walrus-5521",
}


def answered_comment(db, voted, outcome, reason: str, **fields):
    """An approved comment on clause 1 that moderators answered with ``outcome``."""
    from consult.moderation.models import ContributionResponse
    from consult.participation.models import Comment, ModerationState

    comment = Comment(
        consultation_id=voted.consultation.id,
        statement_id=voted.clause_ids[0],
        moderation_state=ModerationState.APPROVED,
        **fields,
    )
    db.session.add(comment)
    db.session.flush()
    db.session.add(
        ContributionResponse(
            consultation_id=voted.consultation.id,
            comment_id=comment.id,
            outcome=outcome,
            reason=reason,
        )
    )
    db.session.commit()
    return comment


def add_hidden_contributions(
    db, consultation_id, voters, texts, *, statement_author, comment_author, clause_statement_id
) -> dict[str, int]:
    """What only moderation keeps out of public data: a pending and a rejected statement
    (``texts["pending"]``, ``texts["rejected"]``) voted on by ``voters``, agree and disagree
    in turn, so they are in the analysis; and a rejected and a deleted comment
    (``texts["comment_rejected"]``, ``texts["comment_deleted"]``, proposing that text plus
    " wording") on the clause, each answered as adopted. Their ids, by the same keys."""
    from consult.db_types import utcnow
    from consult.moderation.models import ContributionResponse, Outcome
    from consult.participation.models import (
        Comment,
        ModerationState,
        Stance,
        Statement,
        StatementKind,
        Vote,
        VoteEvent,
    )

    made = {}
    for state in ("pending", "rejected"):
        statement = Statement(
            consultation_id=consultation_id,
            kind=StatementKind.PARTICIPANT,
            text=texts[state],
            language="en",
            author_id=statement_author,
            moderation_state=ModerationState(state),
        )
        db.session.add(statement)
        db.session.flush()
        made[state] = statement.id
        rows = [
            {
                "consultation_id": consultation_id,
                "participant_id": p,
                "statement_id": statement.id,
                "value": 1 if i % 2 else -1,
            }
            for i, p in enumerate(voters)
        ]
        db.session.execute(sa.insert(Vote), rows)
        db.session.execute(sa.insert(VoteEvent), rows)
    for key, fields in (
        ("comment_rejected", {"moderation_state": ModerationState.REJECTED}),
        ("comment_deleted", {"moderation_state": ModerationState.APPROVED, "deleted_at": utcnow()}),
    ):
        comment = Comment(
            consultation_id=consultation_id,
            statement_id=clause_statement_id,
            author_id=comment_author,
            stance=Stance.AMEND,
            body=texts[key],
            proposed_text=texts[key] + " wording",
            **fields,
        )
        db.session.add(comment)
        db.session.flush()
        made[key] = comment.id
        db.session.add(
            ContributionResponse(
                consultation_id=consultation_id,
                comment_id=comment.id,
                outcome=Outcome.ADOPTED,
                reason="Taken up.",
            )
        )
    db.session.commit()
    return made


@pytest.fixture
def hidden(db, voted):
    """:func:`add_hidden_contributions` in the ``camps`` consultation: half the voters vote
    on the statements, written by participant 1 (the second to join)."""
    return add_hidden_contributions(
        db,
        voted.consultation.id,
        voted.participant_ids[::2],
        HIDDEN_TEXTS,
        statement_author=voted.participant_ids[1],
        comment_author=voted.participant_ids[3],
        clause_statement_id=voted.clause_ids[0],
    )


def publish_form(client, headers=None, **data):
    """Publish a report of the ``camps`` consultation through the exports page's form."""
    form = {"title": "What we heard", "introduction": "First paragraph.\n\n中文介绍。", **data}
    return post_form(client, "/c/camps/reports", form, page="/c/camps/exports", headers=headers)


def publish_version_two(db, voted, value=lambda participant: 1) -> tuple[int, int]:
    """Version 2 rewrites clause 1 (a new statement, voted by 30) and keeps clause 2;
    (version id, the new statement's id). ``value(participant)`` is each of the 30 votes."""
    from consult.db_types import utcnow
    from consult.drafts.models import Clause, DraftVersion
    from consult.participation.models import (
        ModerationState,
        Statement,
        StatementKind,
        Vote,
        VoteEvent,
    )

    old = db.session.scalars(sa.select(Clause).order_by(Clause.position)).all()
    cid = voted.consultation.id
    new_statement = Statement(
        consultation_id=cid,
        kind=StatementKind.CLAUSE,
        lineage_key=old[0].lineage_key,
        moderation_state=ModerationState.APPROVED,
        is_seed=True,
    )
    db.session.add(new_statement)
    db.session.flush()
    version = DraftVersion(consultation_id=cid, number=2, published_at=utcnow())
    version.clauses.append(
        Clause(
            position=1,
            lineage_key=old[0].lineage_key,
            text={"en": "First clause, better."},
            statement_id=new_statement.id,
        )
    )
    version.clauses.append(
        Clause(
            position=2,
            lineage_key=old[1].lineage_key,
            text=old[1].text,
            statement_id=old[1].statement_id,
        )
    )
    db.session.add(version)
    rows = [
        {
            "consultation_id": cid,
            "participant_id": p,
            "statement_id": new_statement.id,
            "value": value(p),
        }
        for p in voted.participant_ids[:30]
    ]
    db.session.execute(sa.insert(Vote), rows)
    db.session.execute(sa.insert(VoteEvent), rows)
    db.session.commit()
    return version.id, new_statement.id
