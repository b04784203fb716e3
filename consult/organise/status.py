"""Changing a consultation's status by hand, and what opening it needs.

The phase people see (draft, scheduled, open, closed) follows from the status and the
dates without any job (consult/consultations/schedule.py); this is the organiser's
switch: whether the consultation runs at all.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.auth.services import ensure_role
from consult.consultations.models import Consultation, Role, Status
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.drafts.models import DraftVersion
from consult.errors import Conflict, DomainError
from consult.extensions import db
from consult.moderation.audit import record_event


def set_status(user, consultation: Consultation, status: Status | str) -> Consultation:
    """Open, close, archive or return a consultation to draft by hand.

    Opening needs a published version of the draft (participants vote on its clauses)
    and a closing time still to come; with an opening time still to come, the
    consultation is scheduled and opens on its own at that time.
    """
    ensure_role(user, consultation, Role.ORGANISER)
    try:
        status = Status(getattr(status, "value", status))
    except ValueError:
        raise DomainError(_("Choose a status from the list.")) from None
    if status is consultation.status:
        raise Conflict(_("The consultation already has this status."))
    if status is Status.OPEN:
        _ensure_openable(consultation)
    before, before_phase = consultation.status.value, consultation.phase().value
    with write_transaction():
        consultation.status = status
        # The phases too: opening before the opening time reads as scheduling it.
        record_event(user, consultation.id, "set_status", "consultation", consultation.id,
                     **{"from": before, "to": status.value}, from_phase=before_phase,
                     to_phase=consultation.phase().value)  # fmt: skip
    return consultation


def _ensure_openable(consultation: Consultation) -> None:
    published = db.session.scalar(
        sa.select(DraftVersion.id)
        .where(
            DraftVersion.consultation_id == consultation.id,
            DraftVersion.published_at.is_not(None),
        )
        .limit(1)
    )
    if published is None:
        raise Conflict(
            _("Publish a version of the draft before opening the consultation: "
              "participants vote on its clauses.")
        )  # fmt: skip
    if consultation.closes_at and consultation.closes_at <= utcnow():
        raise Conflict(
            _("Its closing time has passed. Set a later closing time in the settings first."),
        )
