"""participant-profiles.csv: who took part, by stakeholder profile, for the organisers.

One row per participant of a consultation, numbered exactly as the Polis exports number
them (:func:`consult.reports.adapter.participant_numbers`, through
:class:`~consult.reports.polis_csv.Numbering`), so a row joins participants-votes.csv on
``participant``. Names, emails and organisations never appear; a pseudonymous participant
(no account) has blank profile cells. Only the organisers download it: unlike the Polis
files it is not part of a published report's data.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC

import sqlalchemy as sa

from consult import geo
from consult.auth.models import StakeholderProfile, Verification
from consult.consultations.models import Participant
from consult.extensions import db
from consult.reports.polis_csv import BATCH, Numbering, rows_to_csv

PROFILES_FILE = "participant-profiles.csv"
PROFILE_COLUMNS = [
    "participant",
    "sector",
    "country",
    "region",
    "income_group",
    "verified",
    "joined",
    "account",
]


def _flag(value: bool) -> str:
    return "true" if value else "false"


def profiles_csv(consultation_id: int) -> Iterator[str]:
    """The CSV text of every numbered participant's profile, in participant number order.

    Reads the database as it streams, in batches. A participant who joins while the file
    is being written has no number in this export's numbering and is left out, as the
    Polis files would leave them out.
    """
    numbering = Numbering(consultation_id)
    numbers = numbering.participants
    if not len(numbers):
        return rows_to_csv(PROFILE_COLUMNS, [])
    query = (
        sa.select(
            Participant.id,
            Participant.user_id,
            Participant.created_at,
            StakeholderProfile.sector,
            StakeholderProfile.country,
            StakeholderProfile.verification,
        )
        .select_from(Participant)
        .outerjoin(StakeholderProfile, StakeholderProfile.user_id == Participant.user_id)
        .where(Participant.consultation_id == consultation_id, Participant.id <= int(numbers[-1]))
        .order_by(Participant.id)
        .execution_options(yield_per=BATCH)
    )

    def rows():
        for pid, user_id, joined, sector, country, verification in db.session.execute(query):
            yield [
                numbering.participant(pid),
                sector.value if sector else "",
                country or "",
                (geo.region_of(country) or "") if country else "",
                (geo.income_group_of(country) or "") if country else "",
                _flag(verification is Verification.VERIFIED),
                joined.astimezone(UTC).date().isoformat() if joined else "",
                _flag(user_id is not None),
            ]

    return rows_to_csv(PROFILE_COLUMNS, rows())
