"""Reports of abuse: dismiss them, or remove the reported item."""

from __future__ import annotations

from flask_babel import gettext as _

from consult.auth.services import ensure_role
from consult.consultations.models import Consultation
from consult.database import write_transaction
from consult.errors import Conflict, DomainError, NotFound
from consult.extensions import db
from consult.moderation.access import TEAM
from consult.moderation.audit import record_event
from consult.moderation.services import clean_reason, moderate, report_target, resolve_reports
from consult.participation.models import AbuseReport


def get_report(consultation: Consultation, report_id: int) -> AbuseReport:
    report = db.session.get(AbuseReport, report_id)
    if report is None or report.consultation_id != consultation.id:
        raise NotFound(_("There is no such report in this consultation."))
    return report


def resolve_report(user, consultation, report_id: int, action: str, reason=None, expected=None):
    """Dismiss a report (the item stays) or remove the reported item (rejected with a reason).

    A report someone else resolved a moment ago raises Conflict.
    """
    ensure_role(user, consultation, *TEAM)
    report = get_report(consultation, report_id)
    if action not in ("dismiss", "remove"):
        raise DomainError(_("That action is not possible on this item."))
    if report.resolved_at is not None:
        raise Conflict(_("Someone else dealt with this report a moment ago. Nothing was changed."))
    kind, target = report_target(report)
    with write_transaction():
        if action == "remove":
            # Rejecting the item joins this transaction: both happen, or neither.
            seen = expected or target.moderation_state
            moderate(user, consultation, kind, target.id, "reject", seen, reason)
        else:
            reason = clean_reason(reason, required=False)
            if not resolve_reports(user, kind, target.id, "dismissed"):
                raise Conflict(
                    _("Someone else dealt with this report a moment ago. Nothing was changed.")
                )
            record_event(user, consultation.id, "dismiss_report", "report", report.id, reason)
    db.session.refresh(report)
    return report
