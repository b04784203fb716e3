"""What the demo's participants wrote: statements and comments, some still waiting.

Written for the demo in the voices of different stakeholders, so that a newcomer finds
a consultation already in motion: statements to vote on, proposed wording shown as a
diff, and a moderation queue with work in it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from consult.consultations.models import Consultation
from consult.extensions import db
from consult.participation.models import Comment, ModerationState, Stance, Statement, StatementKind

# (text, language, approved)
STATEMENTS: tuple[tuple[str, str, bool], ...] = (
    ("Developing countries need shared computing capacity, not only training courses.", "en", True),
    ("Frontier AI developers should publish the results of their safety evaluations.", "en", True),
    (
        "Open-source models should be governed differently from closed commercial models.",
        "en",
        True,
    ),
    ("国际人工智能治理机构应在联合国框架下设立。", "zh", True),
    ("Workers whose jobs are changed by AI deserve a say in how it is deployed.", "en", True),
    ("Military uses of AI should be covered by a binding international agreement.", "en", True),
    ("各国应共享人工智能风险事件的信息。", "zh", True),
    ("Data from the Global South should not be used to train models without consent.", "en", True),
    (
        "AI governance rules should be reviewed every two years as the technology changes.",
        "en",
        False,
    ),
    ("Every AI-generated image should carry a visible label.", "en", False),
)

# (clause position, stance, body, proposed wording or None, language, approved)
COMMENTS: tuple[tuple[int, str, str, str | None, str, bool], ...] = (
    (
        5,
        "amend",
        "Risk tiers need an independent body to assign them, or each firm will grade itself.",
        "Countries should set up an AI risk-tier system with independent assessment, "
        "taking an agile approach to governance that is fast and effective.",
        "en",
        True,
    ),
    (
        1,
        "support",
        "This is the principle every other clause depends on.",
        None,
        "en",
        True,
    ),
    (
        11,
        "amend",
        "应明确提到资金支持。",
        "增加发展中国家在全球人工智能治理中的代表性和发言权，并为其参与提供资金和技术支持。",
        "zh",
        True,
    ),
    (
        2,
        "oppose",
        "Obeying every local law can mean obeying censorship laws. "
        "The clause needs a human-rights limit.",
        None,
        "en",
        False,
    ),
)


def add_statements(
    consultation: Consultation, authors: list[int], joined: list[datetime], now: datetime
) -> tuple[list[Statement], list[int]]:
    """Insert the demo statements; return the approved ones and their authors' participant ids."""
    approved, approved_authors = [], []
    for index, (text, language, is_approved) in enumerate(STATEMENTS):
        author = (7 + index * 23) % len(authors)
        created = min(joined[author] + timedelta(hours=2), now - timedelta(days=1))
        statement = Statement(
            consultation_id=consultation.id,
            kind=StatementKind.PARTICIPANT,
            text=text,
            language=language,
            author_id=authors[author],
            moderation_state=ModerationState.APPROVED if is_approved else ModerationState.PENDING,
            needs_response=True,
            created_at=created,
        )
        db.session.add(statement)
        if is_approved:
            approved.append(statement)
            approved_authors.append(author)
    db.session.flush()
    return approved, approved_authors


def add_comments(
    consultation: Consultation,
    clause_statements: list[Statement],
    authors: list[int],
    now: datetime,
) -> None:
    """Insert the demo comments on clauses, each tied to the clause version it was made on."""
    from consult.drafts.models import Clause

    for index, (position, stance, body, proposed, language, is_approved) in enumerate(COMMENTS):
        statement = clause_statements[position - 1]
        clause_id = db.session.scalar(
            sa.select(Clause.id).where(Clause.statement_id == statement.id)
        )
        db.session.add(
            Comment(
                consultation_id=consultation.id,
                statement_id=statement.id,
                clause_id=clause_id,
                author_id=authors[(11 + index * 41) % len(authors)],
                stance=Stance(stance),
                body=body,
                proposed_text=proposed,
                language=language,
                moderation_state=ModerationState.APPROVED
                if is_approved
                else ModerationState.PENDING,
                needs_response=stance == "amend",
                created_at=now - timedelta(days=3 - index * 0.5),
            )
        )
