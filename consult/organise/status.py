"""Changing a consultation's status by hand, and what opening it needs.

The phase people see (draft, scheduled, open, closed) follows from the status and the
dates without any job (consult/consultations/schedule.py); this is the organiser's
switch: whether the consultation runs at all. ``status_choices`` is the one list of
changes allowed from where a consultation stands: the settings page offers exactly
those buttons, and ``set_status`` refuses anything else with a message.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.auth.services import ensure_role
from consult.consultations.models import Consultation, Role, Status
from consult.consultations.schedule import Phase
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.drafts.models import DraftVersion
from consult.errors import Conflict, DomainError
from consult.extensions import db
from consult.moderation.audit import record_event
from consult.moderation.audit_settings import settings_changes

# Open at once although an opening time is still to come: that time becomes now.
OPEN_NOW = "open_now"
_OPENING = (Status.OPEN.value, OPEN_NOW)


def status_choices(consultation: Consultation, now: datetime | None = None) -> list[str]:
    """The changes an organiser may make now, in the order the settings page offers them:
    Status values, and ``OPEN_NOW`` while an opening time is still to come.

    A draft is scheduled or opened, or archived; a scheduled one opens now or goes back to
    draft; an open one is closed or archived; a closed one is reopened (while its closing
    time is to come) or archived; an archived one comes out of the archive, closed, or
    goes back to draft. A consultation never opened is never "closed".
    """
    now = now or utcnow()
    if consultation.status is Status.ARCHIVED:
        return [Status.CLOSED.value, Status.DRAFT.value]
    phase = consultation.phase(now)
    may_open = not (consultation.closes_at and consultation.closes_at <= now)
    later = bool(consultation.opens_at and now < consultation.opens_at)
    opening = [Status.OPEN.value] if may_open else []
    if may_open and later:
        opening.append(OPEN_NOW)
    if phase is Phase.DRAFT:
        return [*opening, Status.ARCHIVED.value]
    if phase is Phase.SCHEDULED:
        return [OPEN_NOW, Status.DRAFT.value]
    if phase is Phase.OPEN:
        return [Status.CLOSED.value, Status.ARCHIVED.value]
    if phase is Phase.CLOSED and consultation.status is Status.CLOSED:
        return [*opening, Status.ARCHIVED.value]
    return [Status.ARCHIVED.value]  # ended by its closing time, or imported


def set_status(user, consultation: Consultation, status: Status | str) -> Consultation:
    """Open, close, archive or return a consultation to draft by hand, or open it now.

    Opening needs a published version of the draft (participants vote on its clauses)
    and a closing time still to come; with an opening time still to come, the
    consultation is scheduled and opens on its own at that time, unless the organiser
    asks for ``OPEN_NOW``: then the opening time becomes now. Only the changes
    ``status_choices`` lists are made.
    """
    ensure_role(user, consultation, Role.ORGANISER)
    action = getattr(status, "value", status)
    if action != OPEN_NOW:
        try:
            action = Status(action).value
        except ValueError:
            raise DomainError(_("Choose a status from the list.")) from None
    if action in _OPENING:
        _ensure_openable(consultation)
    if action == consultation.status.value:
        raise Conflict(_("The consultation already has this status."))
    now = utcnow()
    if action not in status_choices(consultation, now):
        raise Conflict(
            _("A consultation that is “%(phase)s” cannot be changed this way: use one of "
              "the buttons shown.", phase=str(consultation.phase(now).label))
        )  # fmt: skip
    before, before_phase = consultation.status.value, consultation.phase(now).value
    details = {}
    with write_transaction():
        if action == OPEN_NOW:
            opens = now.replace(second=0, microsecond=0)  # to the minute, as the form
            details["changes"] = settings_changes(consultation, {"opens_at": opens})
            consultation.opens_at = opens
        consultation.status = Status.OPEN if action == OPEN_NOW else Status(action)
        # The phases too: opening before the opening time reads as scheduling it.
        record_event(user, consultation.id, "set_status", "consultation", consultation.id,
                     **{"from": before, "to": consultation.status.value},
                     from_phase=before_phase, to_phase=consultation.phase().value,
                     **details)  # fmt: skip
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
