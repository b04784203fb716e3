"""Published reports: a frozen snapshot with the organisers' introduction, at a stable URL,
and "what we heard, what we changed" from the answers given to contributions.

A report is public once published and past its embargo, until an organiser unpublishes
it; the consultation's team can always read it. Publishing and unpublishing are in the
audit log. The PDF is rendered off the request path (:mod:`consult.reports.pdf_jobs`).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from consult.auth.services import ensure_role, has_role
from consult.consultations.models import Consultation, Role
from consult.consultations.services import current_version, get_visible_consultation
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.drafts.provenance import clause_provenance, outcome_label
from consult.drafts.translations import reading
from consult.errors import Conflict, DomainError, NotFound
from consult.extensions import db
from consult.i18n import current_language
from consult.moderation.audit import record_event
from consult.moderation.models import ContributionResponse, Outcome
from consult.participation.models import Comment, ModerationState, Statement
from consult.participation.translations import reading_of
from consult.reports.forms import PublishForm
from consult.reports.models import REPORT_SLUG_MAX, PdfState, PublishedReport, ReportPdf

__all__ = [
    "PublishForm",
    "data_is_public",
    "get_report",
    "publish_report",
    "reports_of",
    "set_published",
    "what_we_heard",
]

TEAM = (Role.ORGANISER, Role.MODERATOR)
VISIBLE = (ModerationState.APPROVED, ModerationState.META)

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def reports_of(consultation: Consultation, public_only: bool = False) -> list[PublishedReport]:
    """The consultation's reports, newest first; with ``public_only``, only those readers
    may see (not unpublished, past any embargo), so no list leaks an embargoed title."""
    query = sa.select(PublishedReport).where(PublishedReport.consultation_id == consultation.id)
    if public_only:
        query = query.where(
            PublishedReport.unpublished_at.is_(None),
            sa.or_(
                PublishedReport.embargo_until.is_(None),
                PublishedReport.embargo_until <= utcnow(),
            ),
        )
    order = (PublishedReport.published_at.desc(), PublishedReport.id.desc())
    with_pdfs = selectinload(PublishedReport.pdfs)  # the list says how each PDF stands
    return list(db.session.scalars(query.options(with_pdfs).order_by(*order)))


def _slugify(text: str) -> str:
    """A readable ASCII address from a title: accents are dropped ("Café" gives "cafe"),
    other letters too, so an all-Chinese or all-Arabic title gives "report".

    Addresses stay ASCII because they also name the downloaded files (HTML, PDF, data) in
    the Content-Disposition header, which gunicorn writes as Latin-1.
    """
    decomposed = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", decomposed.lower()).strip("-")
    return slug[:REPORT_SLUG_MAX].strip("-") or "report"


def _free_slug(base: str, taken: set[str]) -> str:
    """``base``, or the first of ``base-2``, ``base-3``... not in ``taken`` (shortened so
    the number fits)."""
    if base not in taken:
        return base
    number = 2
    while True:
        suffix = f"-{number}"
        candidate = base[: REPORT_SLUG_MAX - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1


def publish_report(
    user,
    consultation: Consultation,
    title: str,
    introduction: str,
    slug: str | None = None,
    embargo_until: datetime | None = None,
    data_public: bool = False,
    language: str | None = None,
) -> PublishedReport:
    """Freeze the latest analysis into a report at ``/c/<slug>/reports/<report slug>``.

    The report is public from ``embargo_until`` (at once if None); ``data_public`` publishes
    its data files even while the consultation's dashboard is hidden; ``language`` is the
    one its first PDF is rendered in, in the background (others when readers ask).
    """
    from consult.reports.pdf_jobs import schedule_report_pdf
    from consult.reports.snapshots import latest_ok

    ensure_role(user, consultation, Role.ORGANISER)
    title = " ".join((title or "").split())
    if not title:
        raise DomainError(_("Give the report a title."), field="title")
    chosen = (slug or "").strip().lower()  # typed by the organiser; else made from the title
    if chosen and (not SLUG_RE.match(chosen) or len(chosen) > REPORT_SLUG_MAX):
        raise DomainError(_("Use lower-case letters, digits and hyphens only."), field="slug")
    # Browsers post CRLF: keep blank-line paragraph breaks as plain "\n\n".
    introduction = (introduction or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    with write_transaction():
        snapshot = latest_ok(consultation.id)
        if snapshot is None:
            raise Conflict(_("There is no analysis to publish yet."))
        taken = set(  # a consultation has a handful of reports
            db.session.scalars(
                sa.select(PublishedReport.slug).where(
                    PublishedReport.consultation_id == consultation.id
                )
            )
        )
        if chosen in taken:
            raise DomainError(_("A report already has this address."), field="slug")
        # Left blank: the organiser never chose an address, so any free one will do.
        slug = chosen or _free_slug(_slugify(title), taken)
        report = PublishedReport(
            consultation_id=consultation.id,
            snapshot_id=snapshot.id,
            slug=slug,
            title=title,
            introduction=introduction,
            published_by_id=user.id,
            embargo_until=embargo_until,
            data_public=bool(data_public),
            language=language,
        )
        report.pdfs.append(
            ReportPdf(language=report.pdf_language, state=PdfState.PENDING, requested_at=utcnow())
        )
        db.session.add(report)
        db.session.flush()
        record_event(
            user,
            consultation.id,
            "publish_report",
            "report",
            report.id,
            slug=slug,
            title=title,
            snapshot_id=snapshot.id,
            embargo_until=embargo_until.isoformat() if embargo_until else None,
            data_public=bool(data_public),
        )
    schedule_report_pdf(report.id, report.pdf_language)
    return report


def set_published(user, consultation: Consultation, report_slug: str, published: bool):
    """Unpublish a report (only the team can read it then), or publish it again."""
    ensure_role(user, consultation, Role.ORGANISER)
    with write_transaction():
        report = _report_by_slug(consultation, report_slug)
        if published == (report.unpublished_at is None):
            return report  # already so: nothing to do, nothing to log
        report.unpublished_at = None if published else utcnow()
        action = "republish_report" if published else "unpublish_report"
        record_event(
            user, consultation.id, action, "report", report.id, slug=report.slug, title=report.title
        )
        retry_now = published and _retry_failed_pdfs(report)
    if retry_now:
        from consult.reports.pdf_jobs import schedule_report_pdf

        schedule_report_pdf(report.id, report.pdf_language)
    return report


def _retry_failed_pdfs(report: PublishedReport) -> bool:
    """Publishing again is the organiser's way to retry PDFs whose rendering failed: the
    report's own language is asked for now (True: the caller schedules it once committed),
    the others when a reader next asks for them."""
    failed = [pdf for pdf in report.pdfs if pdf.state is PdfState.FAILED]
    for pdf in failed:
        pdf.state, pdf.error, pdf.requested_at = PdfState.PENDING, None, None
    own = report.pdf_in(report.pdf_language)
    if own in failed:
        own.requested_at = utcnow()
        return True
    return False


def _report_by_slug(consultation: Consultation, report_slug: str) -> PublishedReport:
    report = db.session.scalar(
        sa.select(PublishedReport).where(
            PublishedReport.consultation_id == consultation.id,
            PublishedReport.slug == report_slug,
        )
    )
    if report is None:
        raise NotFound(_("There is no report at this address."))
    return report


def get_report(slug: str, report_slug: str, user) -> tuple[Consultation, PublishedReport]:
    """A report ``user`` may read: public ones for anyone, every one for the team.

    An unpublished or embargoed report is NotFound to everyone else, so its existence
    does not leak before its date.
    """
    consultation = get_visible_consultation(slug, user)
    report = _report_by_slug(consultation, report_slug)
    if not report.is_public(utcnow()) and not has_role(user, consultation, *TEAM):
        raise NotFound(_("There is no report at this address."))
    return consultation, report


def data_is_public(user, consultation: Consultation, report: PublishedReport) -> bool:
    """Whether ``user`` may download the report's data files: the team always; readers
    when the dashboard is public or the organiser published the data with the report."""
    if has_role(user, consultation, *TEAM):
        return True
    return bool(consultation.dashboard_public or report.data_public)


ADOPTED = (Outcome.ADOPTED, Outcome.ADOPTED_IN_PART)


def _shown(comment: Comment | None, statement: Statement | None) -> bool:
    """Whether an answered contribution's text may be shown publicly."""
    if comment is not None:
        return comment.deleted_at is None and comment.moderation_state in VISIBLE
    return statement is not None and statement.moderation_state in VISIBLE


def _heard_text(comment, statement, language: str) -> tuple[str, str | None]:
    """A contribution's words as the reader sees them, and the language they were
    translated from (None if shown as written): a proposed wording as written (the
    answer is about those words), else its approved translation into ``language``."""
    if comment is not None and comment.proposed_text:
        return comment.proposed_text, None
    item = comment if comment is not None else statement
    if item is None:
        return "", None
    shown = reading_of(item, language)
    return shown.text, shown.original_language if shown.translated else None


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
    language = language or current_language()
    for response, comment, statement in responses:
        if not _shown(comment, statement):
            continue  # deleted or moderated-out text stays in the moderation views
        lineage = response.clause_lineage_key
        if lineage is None and comment is not None:
            lineage = lineage_of_statement.get(comment.statement_id)
        text, translated_from = _heard_text(comment, statement, language)
        by_lineage.setdefault(lineage, []).append(
            {
                "kind": "comment" if comment is not None else "statement",
                "text": text,
                "translated_from": translated_from,
                "adopted": response.outcome in ADOPTED,
                "outcome": response.outcome,
                "outcome_label": outcome_label(response.outcome),
                "reason": response.reason,
            }
        )
    out, authority = [], consultation.authoritative
    for clause in clauses:
        items = by_lineage.pop(clause.lineage_key, [])
        items.sort(key=lambda i: not i["adopted"])
        shown = reading(clause, language, authority)
        out.append(
            {
                "position": clause.position,
                "text": shown.text,
                # Its badge, and the authoritative wording alongside where it differs.
                "reading": shown,
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
                "reading": None,
                "adopted": [i for i in rest if i["adopted"]],
                "declined": [i for i in rest if not i["adopted"]],
                "sourced": False,
            }
        )
    return out
