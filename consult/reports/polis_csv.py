"""The Polis export format, written row by row (polis-math.md, "Vote encoding").

Every function yields CSV text in chunks and reads the database in batches, so a large
consultation never sits in memory at once. Participants are numbered 0, 1, 2... in the
order they joined; names and emails never appear. A statement is named by its public
number (``Statement.number``: the number the site shows, and for an imported statement the
id it had in the Polis conversation).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

import numpy as np
import sqlalchemy as sa

from consult.extensions import db
from consult.participation.models import ModerationState, Statement, VoteEvent
from consult.reports.adapter import participant_numbers

BATCH = 10_000
# What readers may see of a statement; the rest is withheld from public data.
PUBLIC_STATES = (ModerationState.APPROVED, ModerationState.META)


class Numbering:
    """Public numbers of participants and statements of one consultation."""

    def __init__(self, consultation_id: int, statement_ids: Iterable[int] | None = None):
        self.participants = participant_numbers(consultation_id)
        query = sa.select(Statement.id, Statement.number).where(
            Statement.consultation_id == consultation_id
        )
        pairs = db.session.execute(query.order_by(Statement.id)).all()
        wanted = None if statement_ids is None else set(statement_ids)
        # The statement's public number, the one the site shows (Statement.number).
        self.comment_id = {sid: number for sid, number in pairs if wanted is None or sid in wanted}

    def participant(self, participant_id: int) -> int:
        return int(np.searchsorted(self.participants, participant_id))

    def participant_many(self, ids: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.participants, ids)


# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell):
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'`` so it is
    shown as text; numbers (a -1 vote) are left as they are, so they stay numeric."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def rows_to_csv(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV text: the header, then the rows, in chunks of about a thousand rows.

    Every CSV file the site writes goes through here, so every text cell is neutralised.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise(cell) for cell in header])
    for n, row in enumerate(rows, start=1):
        writer.writerow([neutralise(cell) for cell in row])
        if n % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _time(moment: datetime | None) -> tuple[str, str]:
    if moment is None:
        return "", ""
    moment = moment.astimezone(UTC)
    return str(int(moment.timestamp() * 1000)), moment.strftime("%a %b %d %H:%M:%S UTC %Y")


def withdrawn_cells(consultation_id: int, up_to: int | None) -> set[tuple[int, int]]:
    """(participant, statement) cells whose latest event (up to ``up_to``) is a withdrawal."""
    latest = sa.select(sa.func.max(VoteEvent.id)).where(
        VoteEvent.consultation_id == consultation_id
    )
    if up_to is not None:
        latest = latest.where(VoteEvent.id <= up_to)
    latest = latest.group_by(VoteEvent.participant_id, VoteEvent.statement_id)
    rows = db.session.execute(
        sa.select(VoteEvent.participant_id, VoteEvent.statement_id).where(
            VoteEvent.id.in_(latest), VoteEvent.value.is_(None)
        )
    )
    return {(p, s) for p, s in rows}


def _events(consultation_id: int, up_to: int | None, order):
    query = sa.select(
        VoteEvent.participant_id, VoteEvent.statement_id, VoteEvent.value, VoteEvent.created_at
    ).where(VoteEvent.consultation_id == consultation_id)
    if up_to is not None:
        query = query.where(VoteEvent.id <= up_to)
    return db.session.execute(query.order_by(*order).execution_options(yield_per=BATCH))


def votes_csv(consultation_id: int, numbering: Numbering, up_to: int | None) -> Iterator[str]:
    """votes.csv from the vote event log: every change, so a later vote replaces an earlier one.

    A vote later withdrawn has no Polis encoding: its cell is left out altogether.
    """
    withdrawn = withdrawn_cells(consultation_id, up_to)

    def rows():
        for p, s, value, created in _events(consultation_id, up_to, [VoteEvent.id]):
            if value is None or (p, s) in withdrawn or s not in numbering.comment_id:
                continue
            timestamp, when = _time(created)
            yield [timestamp, when, numbering.comment_id[s], numbering.participant(p), value]

    return rows_to_csv(["timestamp", "datetime", "comment-id", "voter-id", "vote"], rows())


def current_votes(consultation_id: int, up_to: int | None) -> Iterator[tuple[int, dict]]:
    """(participant id, {statement id: value}) at ``up_to``, one participant at a time."""
    current, votes = None, {}
    order = [VoteEvent.participant_id, VoteEvent.statement_id, VoteEvent.id]
    for p, s, value, _created in _events(consultation_id, up_to, order):
        if p != current:
            if votes:
                yield current, votes
            current, votes = p, {}
        if value is None:
            votes.pop(s, None)
        else:
            votes[s] = value
    if votes:
        yield current, votes


def participants_votes_csv(
    consultation_id: int,
    numbering: Numbering,
    up_to: int | None,
    groups: dict[int, int],
    public: bool = False,
) -> Iterator[str]:
    """participants-votes.csv: one row per voter with its group, counts and every vote.

    With ``public``, ``n-comments`` counts approved statements only (a count of someone's
    rejected ones would say what moderation keeps to itself).
    """
    query = sa.select(Statement.author_id, sa.func.count()).where(
        Statement.consultation_id == consultation_id, Statement.author_id.is_not(None)
    )
    if public:
        query = query.where(Statement.moderation_state.in_(PUBLIC_STATES))
    authored = dict(db.session.execute(query.group_by(Statement.author_id)).all())
    columns = sorted(numbering.comment_id, key=lambda s: numbering.comment_id[s])
    header = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
    header += [str(numbering.comment_id[s]) for s in columns]

    def rows():
        for p, votes in current_votes(consultation_id, up_to):
            votes = {s: v for s, v in votes.items() if s in numbering.comment_id}
            if not votes:
                continue
            values = list(votes.values())
            group = groups.get(p)
            yield [
                numbering.participant(p),
                "" if group is None or group < 0 else group,
                authored.get(p, 0),
                len(values),
                values.count(1),
                values.count(-1),
                *(votes.get(s, "") for s in columns),
            ]

    return rows_to_csv(header, rows())


MODERATED = {ModerationState.REJECTED: -1, ModerationState.PENDING: 0}


def comments_csv(
    consultation_id: int,
    numbering: Numbering,
    texts: dict[int, str],
    totals: dict,
    public: bool = False,
    excluded_at_run: frozenset[int] | None = None,
) -> Iterator[str]:
    """comments.csv, with ``is-meta`` and ``is-seed`` columns as newer Polis exports have,
    and ``moderation`` (approved, pending, rejected, meta) to mark every row plainly.

    With ``excluded_at_run`` (the statements an analysis run left out as moderated out or
    meta), ``moderated`` and ``is-meta`` say what that run saw, so the files re-run to the
    same analysis even when a moderator decided since; ``moderation`` is the state now.

    With ``public``, a statement no moderator approved keeps its row (its votes are part
    of the analysis, which the bundle must reproduce) but not its text or its author.
    """
    header = ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees"]
    header += ["moderated", "comment-body", "is-meta", "is-seed", "moderation"]

    def rows():
        # Queried here, as the file streams, inside the stream's own session.
        statements = db.session.execute(
            sa.select(
                Statement.id,
                Statement.created_at,
                Statement.author_id,
                Statement.moderation_state,
                Statement.is_seed,
                Statement.text,
            )
            .where(Statement.consultation_id == consultation_id)
            .order_by(Statement.id)
            .execution_options(yield_per=1000)
        )
        for sid, created, author_id, state, is_seed, text in statements:
            if sid not in numbering.comment_id:
                continue
            shown = not public or state in PUBLIC_STATES
            timestamp, when = _time(created)
            agrees, disagrees = totals.get(sid, (0, 0))
            moderated, is_meta = MODERATED.get(state, 1), state is ModerationState.META
            if excluded_at_run is not None and (sid in excluded_at_run) != (moderated == -1):
                moderated = -1 if sid in excluded_at_run else 1
            if excluded_at_run is not None and sid not in excluded_at_run:
                is_meta = False
            yield [
                timestamp,
                when,
                numbering.comment_id[sid],
                "" if author_id is None or not shown else numbering.participant(author_id),
                agrees,
                disagrees,
                moderated,
                texts.get(sid, text or "") if shown else "",
                int(is_meta),
                int(bool(is_seed)),
                state.value,
            ]

    return rows_to_csv(header, rows())
