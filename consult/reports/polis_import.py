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

``participant-attributes.csv`` (sector, region and income group, which Consult's export
writes) is checked but not stored: a participant's segments are read from the profile of
their account, and an imported participant has none. The outcome says so (``notes``)
when the file gives any segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import sqlalchemy as sa
from flask_babel import gettext as _

from consult.analysis import ExportError, ParticipantAttributes
from consult.analysis.attributes_io import ATTRIBUTES_FILE
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
from consult.participation.vote_counts import StatementVoteCount
from consult.reports.polis_import_input import ImportInput, read_import_input
from consult.reports.polis_import_rows import append_rows, bulk_load, timestamps
from consult.reports.polis_text import detect_language, plain_text

NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class ImportOutcome:
    slug: str
    n_statements: int
    n_participants: int
    n_votes: int
    source: str
    language: str
    notes: tuple[str, ...] = ()


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
    folder: str | Path,
    slug: str | None = None,
    organiser_email: str | None = None,
    *,
    skip_row_triggers: bool = True,
) -> ImportOutcome:
    """Create an imported consultation holding the export's statements, participants and
    votes, with ``organiser_email``'s account as its organiser.

    The address and the organiser are checked before the export is read; the export is
    read and checked whole (:func:`read_import_input`) before anything is written, and
    everything is written in one transaction: a DomainError leaves the database as it was.
    Votes go in by COPY on PostgreSQL, without per-row foreign-key checks where the
    role may skip them (``skip_row_triggers``), and on SQLite with the vote tables'
    secondary indexes built once at the end (see :func:`bulk_load`).
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
            sid = _store(checked, folder, slug, organiser, language, skip_row_triggers)
    except sa.exc.IntegrityError:
        raise _slug_taken() from None  # taken a moment ago: the unique index decides
    export = checked.export
    return ImportOutcome(
        slug,
        len(sid),
        int(export.votes.shape[0]),
        export.votes.n_votes,
        export.source,
        language,
        _notes(export.attributes),
    )


def _notes(attributes: ParticipantAttributes | None) -> tuple[str, ...]:
    """What the import left out of the export, one line each."""
    if attributes is None:
        return ()
    columns = (attributes.sector, attributes.region, attributes.income_group)
    if all(value is None for column in columns for value in column):
        return ()  # a file of blank cells: nothing is lost
    return (
        f"{ATTRIBUTES_FILE} was not imported: sectors and regions are kept on participants' "
        "accounts and imported participants have none, so their segments show as Unknown.",
    )


def _language(checked: ImportInput) -> str:
    statement_ids = checked.export.votes.statement_ids.tolist()
    return detect_language(checked.comments[c].text for c in statement_ids if c in checked.comments)


def _store(
    checked: ImportInput,
    folder: Path,
    slug: str,
    organiser: User | None,
    language: str,
    skip_row_triggers: bool,
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
    people = _insert_participants(cid, slug, checked.people)
    sid = _insert_statements(cid, language, checked, people)
    tables = (VoteEvent.__table__, Vote.__table__)
    with bulk_load(tables, 2 * len(checked.voters), skip_row_triggers) as triggers_off:
        _insert_votes(cid, people, sid, checked, count_votes=triggers_off)
    return sid


def _insert_participants(cid: int, slug: str, people: np.ndarray) -> np.ndarray:
    """Insert one pseudonymous participant per Polis id in ``people`` (sorted); their
    database ids, aligned with ``people``."""
    append_rows(
        Participant.__table__,
        {
            "consultation_id": np.full(len(people), cid, np.int64),
            "anonymous_key": pa.array([f"polis:{slug}:{p}" for p in people.tolist()]),
            "created_at": timestamps(np.full(len(people), _now_microseconds(), np.int64)),
        },
    )
    found = db.session.execute(
        sa.select(Participant.id, Participant.anonymous_key).where(
            Participant.consultation_id == cid
        )
    ).all()
    ids = np.empty(len(people), np.int64)
    polis = np.array([int(key.rsplit(":", 1)[1]) for _, key in found], np.int64)
    ids[np.searchsorted(people, polis)] = [p for p, _ in found]
    return ids


def _now_microseconds() -> int:
    return int(datetime.now(UTC).timestamp() * 1_000_000)


def _insert_statements(
    cid: int, language: str, checked: ImportInput, people: np.ndarray
) -> dict[int, int]:
    """One statement per comment that has votes, numbered with its Polis id; the
    statement ids by comment-id."""
    participant_ids = dict(zip(checked.people.tolist(), people.tolist(), strict=True))
    now = datetime.now(UTC)
    rows = []
    for comment_id in checked.export.votes.statement_ids.tolist():
        comment = checked.comments[comment_id]
        rows.append(
            {
                "consultation_id": cid,
                "kind": StatementKind.PARTICIPANT,
                "text": comment.text,
                "language": language,
                "moderation_state": comment.state,
                "is_seed": comment.is_seed,
                "external_id": comment_id,
                "number": comment_id,
                "author_id": participant_ids.get(comment.author),
                "created_at": comment.created_at or now,
            }
        )
    if rows:
        db.session.execute(sa.insert(Statement), rows)
    return dict(
        db.session.execute(
            sa.select(Statement.number, Statement.id).where(Statement.consultation_id == cid)
        ).all()
    )


def _insert_votes(
    cid: int, people: np.ndarray, sid: dict[int, int], checked: ImportInput, count_votes: bool
) -> None:
    """The vote event log (every row, in time order) and each participant's latest vote
    per statement, written as columns (COPY on PostgreSQL); with ``count_votes`` (the
    vote-count triggers are off) the statements' vote counts too.

    The log costs as much again as the votes, and is kept whole: the Polis export of the
    consultation replays it (votes.csv), the activity chart counts it by day, and an
    analysis snapshot is marked with its last event."""
    n = len(checked.voters)
    if n == 0:
        return
    numbers = np.fromiter(sid, np.int64, len(sid))
    order = np.argsort(numbers)
    numbers, statement_ids = numbers[order], np.fromiter(sid.values(), np.int64, len(sid))[order]
    voter = np.searchsorted(checked.people, checked.voters)
    statement = np.searchsorted(numbers, checked.statements)
    if checked.moments is not None:
        moments = checked.moments
    else:
        moments = np.full(n, _now_microseconds(), np.int64)
    values = checked.values.astype(np.int8, copy=False)
    consultation = np.full(n, cid, np.int64)
    append_rows(
        VoteEvent.__table__,
        {
            "consultation_id": consultation,
            "participant_id": people[voter],
            "statement_id": statement_ids[statement],
            "value": values,
            "created_at": timestamps(moments),
        },
    )
    # The latest vote of each (participant, statement): the first one met reading the
    # log backwards. np.unique sorts the cells, so the rows go in in the unique index's
    # order.
    cell = voter * len(numbers) + statement
    _, first_backwards = np.unique(cell[::-1], return_index=True)
    last = n - 1 - first_backwards
    latest = timestamps(moments[last])
    append_rows(
        Vote.__table__,
        {
            "consultation_id": consultation[: len(last)],
            "participant_id": people[voter[last]],
            "statement_id": statement_ids[statement[last]],
            "value": values[last],
            "created_at": latest,
            "updated_at": latest,
        },
    )
    if count_votes:
        counted = np.zeros((len(numbers), 3), np.int64)  # agree, disagree, pass
        np.add.at(counted, (statement[last], np.choose(values[last] + 1, [1, 2, 0])), 1)
        append_rows(
            StatementVoteCount.__table__,
            {
                "statement_id": statement_ids,
                "agree": counted[:, 0],
                "disagree": counted[:, 1],
                "passed": counted[:, 2],
            },
        )
