"""Published reports: a frozen snapshot with the organisers' introduction, at a stable URL,
and "what we heard, what we changed" from the answers given to contributions."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.auth.services import ensure_role
from consult.consultations.models import Consultation, Role
from consult.consultations.services import current_version, get_visible_consultation
from consult.database import write_transaction
from consult.drafts.provenance import clause_provenance, outcome_label
from consult.errors import Conflict, DomainError, NotFound
from consult.extensions import db
from consult.i18n import localized
from consult.moderation.models import ContributionResponse, Outcome
from consult.participation.models import Comment, Statement
from consult.reports.forms import PublishForm
from consult.reports.models import REPORT_SLUG_MAX, PublishedReport

__all__ = ["PublishForm", "get_report", "publish_report", "reports_of", "what_we_heard"]

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def reports_of(consultation: Consultation) -> list[PublishedReport]:
    return list(
        db.session.scalars(
            sa.select(PublishedReport)
            .where(PublishedReport.consultation_id == consultation.id)
            .order_by(PublishedReport.published_at.desc(), PublishedReport.id.desc())
        )
    )


def _slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:REPORT_SLUG_MAX].strip("-") or "report"


def publish_report(
    user, consultation: Consultation, title: str, introduction: str, slug: str | None = None
) -> PublishedReport:
    """Freeze the latest analysis into a report at ``/c/<slug>/reports/<report slug>``."""
    from consult.reports.snapshots import latest_ok

    ensure_role(user, consultation, Role.ORGANISER)
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_("Give the report a title."), field="title")
    slug = (slug or "").strip().lower() or _slugify(title)
    if not SLUG_RE.match(slug) or len(slug) > REPORT_SLUG_MAX:
        raise DomainError(_("Use lower-case letters, digits and hyphens only."), field="slug")
    with write_transaction():
        snapshot = latest_ok(consultation.id, with_result=False)
        if snapshot is None:
            raise Conflict(_("There is no analysis to publish yet."))
        taken = db.session.scalar(
            sa.select(PublishedReport.id).where(
                PublishedReport.consultation_id == consultation.id, PublishedReport.slug == slug
            )
        )
        if taken:
            raise DomainError(_("A report already has this address."), field="slug")
        report = PublishedReport(
            consultation_id=consultation.id,
            snapshot_id=snapshot.id,
            slug=slug,
            title=title,
            introduction=(introduction or "").strip(),
            published_by_id=user.id,
        )
        db.session.add(report)
    return report


def get_report(slug: str, report_slug: str, user) -> tuple[Consultation, PublishedReport]:
    """A published report of a consultation anyone may read; NotFound for any other."""
    consultation = get_visible_consultation(slug, user)
    report = db.session.scalar(
        sa.select(PublishedReport).where(
            PublishedReport.consultation_id == consultation.id,
            PublishedReport.slug == report_slug,
        )
    )
    if report is None:
        raise NotFound(_("There is no report at this address."))
    return consultation, report


ADOPTED = (Outcome.ADOPTED, Outcome.ADOPTED_IN_PART)


def what_we_heard(consultation: Consultation, language: str | None = None) -> list[dict]:
    """Per clause of the current draft, the answered contributions: adopted ones first."""
    version = current_version(consultation)
    clauses = list(version.clauses) if version else []
    responses = db.session.execute(
        sa.select(ContributionResponse, Comment, Statement)
        .outerjoin(Comment, ContributionResponse.comment_id == Comment.id)
        .outerjoin(Statement, ContributionResponse.statement_id == Statement.id)
        .where(ContributionResponse.consultation_id == consultation.id)
        .order_by(ContributionResponse.id)
    ).all()
    lineage_of_statement = dict(
        db.session.execute(
            sa.select(Statement.id, Statement.lineage_key).where(
                Statement.consultation_id == consultation.id, Statement.lineage_key.is_not(None)
            )
        ).all()
    )
    by_lineage: dict[str | None, list[dict]] = {}
    for response, comment, statement in responses:
        lineage = response.clause_lineage_key
        if lineage is None and comment is not None:
            lineage = lineage_of_statement.get(comment.statement_id)
        text = (
            (comment.proposed_text or comment.body)
            if comment is not None
            else (statement.text if statement is not None else "")
        )
        by_lineage.setdefault(lineage, []).append(
            {
                "kind": "comment" if comment is not None else "statement",
                "text": text,
                "adopted": response.outcome in ADOPTED,
                "outcome": response.outcome,
                "outcome_label": outcome_label(response.outcome),
                "reason": response.reason,
            }
        )
    out = []
    for clause in clauses:
        items = by_lineage.pop(clause.lineage_key, [])
        items.sort(key=lambda i: not i["adopted"])
        out.append(
            {
                "position": clause.position,
                "text": localized(clause.text, language),
                "adopted": [i for i in items if i["adopted"]],
                "declined": [i for i in items if not i["adopted"]],
                # What became of a promoted proposal: adopted in full, or how much of it.
                "sourced": clause_provenance(clause),
            }
        )
    rest = [i for items in by_lineage.values() for i in items]
    if rest:
        out.append(
            {
                "position": None,
                "text": _("Other contributions"),
                "adopted": [i for i in rest if i["adopted"]],
                "declined": [i for i in rest if not i["adopted"]],
                "sourced": False,
            }
        )
    return out
