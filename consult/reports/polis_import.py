"""``flask import-polis``: a consultation from a Polis export folder.

Votes come from ``votes.csv`` (every change, replayed into the vote event log) or, where
that is missing, from ``participants-votes.csv``. The people who voted or wrote a
statement become pseudonymous participants, in the order of their Polis ids (Polis also
numbers everyone who only viewed the page; they are not participants). Statements keep
their Polis ids as their public numbers (``Statement.number``, with ``external_id``), so
exporting the consultation again gives the same comment-ids and votes.

The consultation is imported: closed for input, with no schedule, run by the organiser
named on the command line; its summary is the Polis description as plain text, and its
language is detected from the statements (``polis_text.detect_language``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from flask_babel import gettext as _

from consult.analysis import ExportError
from consult.auth.models import User
from consult.auth.services import normalise_email
from consult.consultations.models import (
    Consultation,
    ConsultationRole,
    ModerationMode,
    Participant,
    Role,
    Status,
)
from consult.database import write_transaction
from consult.errors import Conflict, DomainError
from consult.extensions import db
from consult.organise.services import checked_slug
from consult.participation.models import Statement, StatementKind, Vote, VoteEvent
from consult.reports.polis_import_input import ImportInput, read_import_input
from consult.reports.polis_text import detect_language, plain_text

CHUNK = 5000
NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ImportOutcome:
    slug: str
    n_statements: int
    n_participants: int
    n_votes: int
    source: str
    language: str


def _organiser(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active:
        raise DomainError(
            _(
                "There is no active account with the email %(email)s: register it (or run "
                "flask create-admin) first, then import.",
                email=email,
            )
        )
    return user


def _slug_taken() -> Conflict:
    return Conflict(_("A consultation already has this address."))


def _free_slug(slug: str | None, folder: Path) -> str:
    """The address asked for (or made from the folder's name), checked like the web form's
    and not yet taken."""
    if slug is None:
        slug = NOT_SLUG.sub("-", folder.name.lower())[:80].strip("-") or "polis"
    slug = checked_slug(slug)  # the same rule as a consultation made on the site
    if db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == slug)):
        raise _slug_taken()
    return slug


def import_polis_export(
    folder: str | Path, slug: str | None = None, organiser_email: str | None = None
) -> ImportOutcome:
    """Create an imported consultation holding the export's statements, participants and
    votes, with ``organiser_email``'s account as its organiser.

    The address and the organiser are checked before the export is read; the export is
    read and checked whole (:func:`read_import_input`) before anything is written, and
    everything is written in one transaction: a DomainError leaves the database as it was.
    """
    folder = Path(folder)
    slug = _free_slug(slug, folder)
    organiser = _organiser(organiser_email) if organiser_email else None
    try:
        checked = read_import_input(folder)
    except ExportError as exc:
        raise DomainError(str(exc)) from None
    except OSError as exc:  # unreadable (permissions), or a folder where a file should be
        raise DomainError(f"{exc.filename or folder}: {exc.strerror or exc}") from None
    language = _language(checked)
    try:
        with write_transaction():
            sid = _store(checked, folder, slug, organiser, language)
    except sa.exc.IntegrityError:
        raise _slug_taken() from None  # taken a moment ago: the unique index decides
    export = checked.export
    return ImportOutcome(
        slug, len(sid), int(export.votes.shape[0]), export.votes.n_votes, export.source, language
    )


def _language(checked: ImportInput) -> str:
    statement_ids = checked.export.votes.statement_ids.tolist()
    return detect_language(checked.comments[c].text for c in statement_ids if c in checked.comments)


def _store(
    checked: ImportInput, folder: Path, slug: str, organiser: User | None, language: str
) -> dict[int, int]:
    """Write the consultation, its participants, statements and votes; the statement
    ids by Polis comment-id."""
    export = checked.export
    consultation = Consultation(
        slug=slug,
        title={language: checked.topic or folder.name[:200]},
        summary={language: plain_text(checked.description)},
        languages=[language],
        status=Status.CLOSED,
        moderation_mode=ModerationMode.POST,
        allow_anonymous=True,
        imported_from=f"Polis export {folder.name} ({export.source})"[:200],
        created_by_id=organiser.id if organiser else None,
    )
    db.session.add(consultation)
    db.session.flush()
    cid = consultation.id
    if organiser is not None:
        db.session.add(
            ConsultationRole(consultation_id=cid, user_id=organiser.id, role=Role.ORGANISER)
        )
    pid = _insert_participants(cid, slug, checked.people)
    sid = {}
    for comment_id in export.votes.statement_ids.tolist():
        comment = checked.comments[comment_id]
        statement = Statement(
            consultation_id=cid,
            kind=StatementKind.PARTICIPANT,
            text=comment.text,
            language=language,
            moderation_state=comment.state,
            is_seed=comment.is_seed,
            external_id=comment_id,
            number=comment_id,
            author_id=pid.get(comment.author) if comment.author is not None else None,
        )
        if comment.created_at is not None:
            statement.created_at = comment.created_at
        db.session.add(statement)
        db.session.flush()
        sid[comment_id] = statement.id
    _insert_votes(cid, pid, sid, checked)
    return sid


def _insert_participants(cid: int, slug: str, people: np.ndarray) -> dict[int, int]:
    rows = [{"consultation_id": cid, "anonymous_key": f"polis:{slug}:{int(p)}"} for p in people]
    for start in range(0, len(rows), CHUNK):
        db.session.execute(sa.insert(Participant), rows[start : start + CHUNK])
    found = db.session.execute(
        sa.select(Participant.id, Participant.anonymous_key).where(
            Participant.consultation_id == cid
        )
    ).all()
    return {int(key.rsplit(":", 1)[1]): p for p, key in found}


def _insert_votes(cid, pid, sid, checked: ImportInput) -> None:
    now = datetime.now(UTC)
    events, latest = [], {}
    triples = zip(
        checked.voters.tolist(), checked.statements.tolist(), checked.values.tolist(), strict=True
    )
    for i, (p, s, v) in enumerate(triples):
        moment = checked.moments[i] if checked.moments is not None else now
        cell = (pid[p], sid[s])
        events.append(
            {
                "consultation_id": cid,
                "participant_id": cell[0],
                "statement_id": cell[1],
                "value": v,
                "created_at": moment,
            }
        )
        latest[cell] = (v, moment)
    for start in range(0, len(events), CHUNK):
        db.session.execute(sa.insert(VoteEvent), events[start : start + CHUNK])
    votes = [
        {
            "consultation_id": cid,
            "participant_id": p,
            "statement_id": s,
            "value": v,
            "created_at": moment,
            "updated_at": moment,
        }
        for (p, s), (v, moment) in latest.items()
    ]
    for start in range(0, len(votes), CHUNK):
        db.session.execute(sa.insert(Vote), votes[start : start + CHUNK])
