"""Results with and without pseudonymous participants (issue 12).

A pseudonymous participant has no account (``Participant.user_id IS NULL``); one that an
account claimed later counts as an account from the next run on. Every run analyses all
participants (population ``"all"``); when some of them took part without an account, the
same run also analyses the votes of account holders only, from the same read of the
database, and stores that as a second snapshot (population ``"accounts"``). The "all"
snapshot records, in its parameters, how many of its participants had no account
(``pseudonymous_participants``) and which snapshot holds the accounts-only results
(``accounts_snapshot_id``), so a published report, frozen on its "all" snapshot, keeps
both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.consultations.models import Participant
from consult.enums import LabelledEnum
from consult.errors import DomainError
from consult.extensions import db
from consult.reports.models import AnalysisSnapshot, SnapshotStatus

if TYPE_CHECKING:
    from consult.reports.adapter import AnalysisInput

PSEUDONYMOUS = "pseudonymous_participants"  # keys of the "all" snapshot's parameters
ACCOUNTS_SNAPSHOT = "accounts_snapshot_id"


class Population(LabelledEnum):
    """Whose votes a snapshot analyses."""

    ALL = ("all", _l("All participants"))
    ACCOUNTS = ("accounts", _l("Registered accounts only"))


def parse_population(value: str | None) -> Population:
    """The population a page asks for (``?population=``); all participants by default."""
    if value is None or value == "":
        return Population.ALL
    try:
        return Population(value)
    except ValueError:
        raise DomainError(
            _("Choose the results of all participants or of registered accounts only."),
            field="population",
        ) from None


# --- one run: who had an account, and their votes alone --------------------------------


def account_participant_ids(consultation_id: int) -> np.ndarray:
    """Ids of the consultation's participants who have an account, sorted (read in the
    run's transaction, so they match the votes it read)."""
    ids = db.session.scalars(
        sa.select(Participant.id)
        .where(Participant.consultation_id == consultation_id, Participant.user_id.is_not(None))
        .order_by(Participant.id)
    ).all()
    return np.array(ids, dtype=np.int64)


def pseudonymous_count(data: AnalysisInput, account_ids: np.ndarray) -> int:
    """How many of the run's voters took part without an account."""
    return int((~np.isin(data.votes.participant_ids, account_ids)).sum())


def accounts_only(data: AnalysisInput, account_ids: np.ndarray) -> AnalysisInput:
    """The same input with only account holders' rows: their votes and attributes, every
    statement kept (so statement ids and flags line up), cell order unchanged."""
    from consult.analysis import ParticipantAttributes, VoteMatrix
    from consult.reports.adapter import AnalysisInput

    votes, people = data.votes, data.attributes
    keep = np.isin(votes.participant_ids, account_ids)
    new_row = np.cumsum(keep) - 1  # old row -> row among the kept participants
    cells = keep[votes.rows]
    matrix = VoteMatrix(
        participant_ids=votes.participant_ids[keep],
        statement_ids=votes.statement_ids,
        rows=new_row[votes.rows[cells]].astype(np.int32),
        cols=votes.cols[cells],
        values=votes.values[cells],
    )
    attributes = ParticipantAttributes(
        people.sector[keep], people.region[keep], people.income_group[keep], people.verified[keep]
    )
    return AnalysisInput(matrix, data.flags, attributes, data.last_vote_event_id)


# --- what readers see ---------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """``without_account`` of the run's ``participants`` voted without an account."""

    without_account: int
    participants: int

    @property
    def percent(self) -> float:
        return 100.0 * self.without_account / self.participants if self.participants else 0.0


@dataclass(frozen=True)
class PopulationChoice:
    """What a page says about pseudonymous participants: the population shown, their
    share (None when everyone had an account, or the run predates the count) and whether
    the accounts-only results exist to switch to."""

    current: Population
    share: Share | None
    choosable: bool

    @property
    def options(self) -> tuple[Population, ...]:
        return tuple(Population)


def share_of(snapshot: AnalysisSnapshot) -> Share | None:
    """The share of participants without an account in an "all" run; None when none
    (older runs did not count them: the share is then unknown, and not shown)."""
    count = (snapshot.parameters or {}).get(PSEUDONYMOUS)
    if not count:
        return None
    return Share(int(count), snapshot.n_participants)


def accounts_twin(snapshot: AnalysisSnapshot) -> AnalysisSnapshot | None:
    """The accounts-only results computed with an "all" run, if they were and succeeded."""
    twin_id = (snapshot.parameters or {}).get(ACCOUNTS_SNAPSHOT)
    if twin_id is None:
        return None
    twin = db.session.get(AnalysisSnapshot, int(twin_id))
    if (
        twin is None
        or twin.consultation_id != snapshot.consultation_id
        or twin.population != Population.ACCOUNTS.value
        or twin.status is not SnapshotStatus.OK
    ):
        return None
    return twin


def choose(
    snapshot: AnalysisSnapshot, wanted: Population
) -> tuple[AnalysisSnapshot, PopulationChoice]:
    """The snapshot to show for ``wanted`` given the "all" run, and the choice to offer.

    Accounts-only is shown only when that run exists; otherwise the page shows every
    participant (and offers no choice), which is the same thing when all had an account.
    """
    twin = accounts_twin(snapshot)
    shown, current = snapshot, Population.ALL
    if wanted is Population.ACCOUNTS and twin is not None:
        shown, current = twin, Population.ACCOUNTS
    return shown, PopulationChoice(current, share_of(snapshot), twin is not None)
