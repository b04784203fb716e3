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

import csv
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from flask_babel import gettext as _

from consult.analysis import ExportError, load_export
from consult.analysis.polis_io import read_vote_log
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
from consult.organise.services import SLUG_RE as VALID_SLUG
from consult.participation.models import ModerationState, Statement, StatementKind, Vote, VoteEvent
from consult.reports.polis_text import detect_language, plain_text

CHUNK = 5000
SLUG_RE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ImportOutcome:
    slug: str
    n_statements: int
    n_participants: int
    n_votes: int
    source: str
    language: str


def _csv_rows(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _summary(folder: Path) -> dict[str, str]:
    if not (folder / "summary.csv").is_file():
        return {}
    with (folder / "summary.csv").open(newline="", encoding="utf-8-sig") as handle:
        return {row[0]: row[1] for row in csv.reader(handle) if len(row) >= 2}


def _moderation(row: dict) -> ModerationState:
    if (row.get("is-meta") or "").strip().lower() in {"1", "true", "t", "yes"}:
        return ModerationState.META
    value = (row.get("moderated") or "0").strip()
    return {"-1": ModerationState.REJECTED, "1": ModerationState.APPROVED}.get(
        value, ModerationState.PENDING
    )


def _moment(ms) -> datetime:
    return datetime.fromtimestamp(float(ms) / 1000, UTC)


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


def import_polis_export(
    folder: str | Path, slug: str | None = None, organiser_email: str | None = None
) -> ImportOutcome:
    """Create an imported consultation holding the export's statements, participants and
    votes, with ``organiser_email``'s account as its organiser."""
    folder = Path(folder)
    try:
        export = load_export(folder)
    except ExportError as exc:
        raise DomainError(str(exc)) from None
    slug = (slug or "").strip().lower() or (
        SLUG_RE.sub("-", folder.name.lower())[:80].strip("-") or "polis"
    )
    if not VALID_SLUG.match(slug):  # the same rule as a consultation made on the site
        raise DomainError(_("Use 3 to 80 lower-case letters, digits and hyphens for the address."))
    organiser = _organiser(organiser_email) if organiser_email else None
    comments = _csv_rows(folder / "comments.csv")
    summary = _summary(folder)
    if export.source == "votes.csv":
        log = read_vote_log(folder / "votes.csv")
        rows = _csv_rows(folder / "votes.csv")
        stamps = sorted(float(r["timestamp"]) for r in rows)  # the log's time order
    else:
        v = export.votes
        log = (v.participant_ids[v.rows], v.statement_ids[v.cols], v.values)
        stamps = None
    voters, statements_voted, values = log
    authors = [int(r["author-id"]) for r in comments if (r.get("author-id") or "").strip()]
    # Those who voted or wrote; Polis ids of people who only viewed the page are skipped.
    people = np.union1d(voters, np.array(authors, dtype=np.int64))
    by_comment = {int(r["comment-id"]): r for r in comments}
    statement_ids = export.votes.statement_ids.tolist()
    language = detect_language(
        by_comment.get(c, {}).get("comment-body") or "" for c in statement_ids
    )
    with write_transaction():
        if db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == slug)):
            raise Conflict(_("A consultation already has this address."))
        consultation = Consultation(
            slug=slug,
            title={language: summary.get("topic") or folder.name},
            summary={language: plain_text(summary.get("conversation-description", ""))},
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
        pid = _insert_participants(cid, slug, people)
        sid = {}
        for comment_id in statement_ids:
            row = by_comment.get(comment_id, {})
            author = (row.get("author-id") or "").strip()
            statement = Statement(
                consultation_id=cid,
                kind=StatementKind.PARTICIPANT,
                text=row.get("comment-body") or "",
                language=language,
                moderation_state=_moderation(row) if row else ModerationState.APPROVED,
                is_seed=(row.get("is-seed") or "").strip().lower() in {"1", "true"},
                external_id=comment_id,
                number=comment_id,
                author_id=pid.get(int(author)) if author else None,
            )
            if row.get("timestamp"):
                statement.created_at = _moment(row["timestamp"])
            db.session.add(statement)
            db.session.flush()
            sid[comment_id] = statement.id
        _insert_votes(cid, pid, sid, voters, statements_voted, values, stamps)
    return ImportOutcome(
        slug, len(sid), int(export.votes.shape[0]), export.votes.n_votes, export.source, language
    )


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


def _insert_votes(cid, pid, sid, voters, statements, values, stamps) -> None:
    now = datetime.now(UTC)
    events, latest = [], {}
    for i, (p, s, v) in enumerate(
        zip(voters.tolist(), statements.tolist(), values.tolist(), strict=True)
    ):
        moment = _moment(stamps[i]) if stamps is not None else now
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
