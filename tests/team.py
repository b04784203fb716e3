"""Fixtures for the moderation, drafting and organising tests: a consultation's team and
its participants' contributions. Imported by those folders' conftest files."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from tests.conftest import PASSWORD


@functools.cache
def _password_hash() -> str:
    from consult.auth.services import hash_password

    return hash_password(PASSWORD)  # hashed once: scrypt is slow on purpose


@pytest.fixture
def quick_user(db):
    """An account with the test password (its address confirmed), without hashing it again
    for every user."""
    from consult.auth.models import Sector, StakeholderProfile, User
    from consult.db_types import utcnow

    def make(email: str, *, admin: bool = False, organisation: str | None = None) -> User:
        user = User(
            email=email,
            display_name=email.split("@")[0].title(),
            password_hash=_password_hash(),
            is_admin=admin,
            email_confirmed_at=utcnow(),  # confirmed, as make_user's accounts
        )
        user.profile = StakeholderProfile(
            sector=Sector.GOVERNMENT, country="KE", organisation=organisation
        )
        db.session.add(user)
        db.session.commit()
        return user

    return make


@dataclass
class Team:
    consultation: object
    other: object
    organiser: object
    moderator: object
    participant: object
    other_moderator: object


@pytest.fixture
def team(db, quick_user, make_consultation) -> Team:
    """Consultation "test-consultation" (en + zh, two clauses with their statements) with an
    organiser and a moderator; a participant; and the moderator of consultation "other"."""
    from consult.auth.services import grant_role
    from consult.consultations.models import Role

    # make_consultation gives each clause its own clause statement.
    consultation = make_consultation()
    other = make_consultation("other")
    team = Team(
        consultation,
        other,
        quick_user("org@example.org"),
        quick_user("mod@example.org"),
        quick_user("someone@example.org", organisation="Ministry of Things"),
        quick_user("othermod@example.org"),
    )
    grant_role(team.organiser, consultation, Role.ORGANISER)
    grant_role(team.moderator, consultation, Role.MODERATOR)
    grant_role(team.other_moderator, other, Role.MODERATOR)
    return team


@pytest.fixture
def contribute(db):
    """Helpers writing participants' contributions straight into the database."""
    from consult.consultations.models import Participant
    from consult.participation.models import (
        AbuseReport,
        Comment,
        ModerationState,
        Stance,
        Statement,
        StatementKind,
    )

    def participant(consultation, user):
        row = Participant(consultation_id=consultation.id, user_id=user.id if user else None)
        db.session.add(row)
        db.session.commit()
        return row

    def statement(consultation, text="We should share evaluations.", author=None, **fields):
        fields.setdefault("moderation_state", ModerationState.PENDING)
        row = Statement(
            consultation_id=consultation.id,
            kind=fields.pop("kind", StatementKind.PARTICIPANT),
            text=text,
            language="en",
            author_id=author.id if author else None,
            **fields,
        )
        db.session.add(row)
        db.session.commit()
        return row

    def comment(consultation, on, body="I agree.", author=None, **fields):
        fields.setdefault("moderation_state", ModerationState.PENDING)
        row = Comment(
            consultation_id=consultation.id,
            statement_id=on.id,
            stance=fields.pop("stance", Stance.SUPPORT),
            body=body,
            language="en",
            author_id=author.id if author else None,
            **fields,
        )
        db.session.add(row)
        db.session.commit()
        return row

    def report(consultation, reporter, statement=None, comment=None, reason="Spam"):
        row = AbuseReport(
            consultation_id=consultation.id,
            reporter_id=reporter.id,
            statement_id=statement.id if statement else None,
            comment_id=comment.id if comment else None,
            reason=reason,
        )
        db.session.add(row)
        db.session.commit()
        return row

    return SimpleNamespace(
        participant=participant, statement=statement, comment=comment, report=report
    )
