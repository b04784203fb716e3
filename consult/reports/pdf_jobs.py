"""A published report's PDFs, one per language, rendered off the request path and stored.

WeasyPrint takes seconds on a real report, so the PDF is never built inside a request:
publishing schedules :data:`JOB` (by dotted path, like the analysis runs) on the same
runner the analysis uses (``ANALYSIS_MODE``): a thread that starts a niced child process,
an RQ job, inline (tests, scripts), or nothing ("off"). The download then serves the
stored bytes in the reader's language, or says that the PDF is being prepared (and has
it rendered, the first time a reader asks for a language other than the report's own).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from consult import jobs
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.extensions import db
from consult.reports.models import PdfState, PublishedReport, ReportPdf

log = logging.getLogger(__name__)

JOB = "consult.reports.pdf_jobs.render_report_pdf"
RQ_JOB = "consult.reports.pdf_jobs.rq_render_report_pdf"
JOB_TIMEOUT = 600
# A pending PDF asked for longer ago than this is asked for again (its runner died).
RETRY_AFTER = timedelta(minutes=10)


def render_report_pdf(report_id: int, language: str | None = None) -> PdfState | None:
    """Render the report's PDF in ``language`` (the report's own if None: jobs queued
    before PDFs had languages) and store it (READY), or store the error (FAILED)."""
    from consult.reports.render import report_context, report_html, report_pdf

    report = db.session.get(PublishedReport, report_id)
    if report is None:  # deleted meanwhile
        return None
    language = language or report.pdf_language
    # The PDF shows the text as of when rendering began: a take-down after this moment,
    # even one during rendering, makes it stale (see needs_scheduling).
    started = utcnow()
    try:
        # Templates build links and pick the language as in a request for the report.
        # force_locale too: the request context shares this thread's app context, whose
        # locale Flask-Babel may have cached already.
        with (
            current_app.test_request_context(headers={"Accept-Language": language}),
            force_locale(language),
        ):
            pdf = report_pdf(report_html(report_context(report, language=language)))
        error = None
    except Exception as exc:  # noqa: BLE001 - a failed rendering is stored, never raised
        log.exception("PDF of report %s in %s failed", report_id, language)
        pdf, error = None, f"{type(exc).__name__}: {exc}"[:2000]
    db.session.rollback()  # end the long read before taking the write lock
    state = PdfState.FAILED if error else PdfState.READY
    with write_transaction():
        if db.session.get(PublishedReport, report_id) is None:
            return None
        _upsert(report_id, language, state=state, pdf=pdf, error=error, rendered_at=started)
    return state


def schedule_report_pdf(report_id: int, language: str) -> None:
    """Have the report's PDF in ``language`` rendered off the request path; returns at
    once (except inline). The caller has committed the report (a child process or worker
    reads it)."""
    app = current_app._get_current_object()
    mode = jobs.analysis_mode(app)
    if mode == "off":
        return
    if mode == "inline":
        jobs.resolve(JOB)(report_id, language)
    elif mode == "rq":
        from rq import Queue

        Queue(jobs.QUEUE, connection=jobs.redis_connection(app)).enqueue(
            RQ_JOB, report_id, language, job_timeout=JOB_TIMEOUT
        )
    else:
        config = _child_config(app)
        threading.Thread(
            target=_run_in_child,
            args=(config, report_id, language),
            name=f"pdf-{report_id}-{language}",
            daemon=True,
        ).start()


def reader_language(consultation, report: PublishedReport, requested: str | None) -> str:
    """The language a reader's PDF is in: ``?language=`` or else the interface language,
    whichever is first among the consultation's languages; else the report's own (so a
    made-up ``?language=`` never starts a rendering)."""
    from consult.i18n import current_language

    offered = consultation.languages or []
    for language in (requested, current_language()):
        if language in offered:
            return language
    return report.pdf_language


def pdf_of(report_id: int, language: str) -> ReportPdf | None:
    """The stored PDF's row (without its bytes), read afresh: an inline rendering may
    have just replaced it."""
    return db.session.scalar(
        sa.select(ReportPdf)
        .where(ReportPdf.report_id == report_id, ReportPdf.language == language)
        .execution_options(populate_existing=True)
    )


def needs_scheduling(report: PublishedReport, pdf: ReportPdf | None) -> bool:
    """A PDF in a language nobody asked for yet, a pending one nobody asked for recently
    (its runner died), or a ready one holding text taken down, or lacking a translation
    approved, since it was rendered: the download asks for it again (and never serves the
    stale one meanwhile)."""
    if pdf is None:
        return True
    if pdf.state is PdfState.READY:
        cid, since = report.consultation_id, pdf.rendered_at
        taken_down = _text_taken_down_since(cid, since)
        return taken_down or _translation_approved_since(cid, pdf.language, since)
    if pdf.state is not PdfState.PENDING:
        return False
    asked = pdf.requested_at
    return asked is None or utcnow() - asked > RETRY_AFTER


# Moderation actions that take a contribution's text off the public pages.
TAKE_DOWN = ("reject", "duplicate")


def _text_taken_down_since(consultation_id: int, moment) -> bool:
    """Whether, after ``moment``, a moderator rejected a statement or comment of the
    consultation, or an author deleted or edited a comment: the report page follows at
    once, while a stored PDF would keep the old text for good."""
    from consult.moderation.models import ModerationEvent
    from consult.participation.models import Comment

    if moment is None:
        return False
    moderated = sa.select(ModerationEvent.id).where(
        ModerationEvent.consultation_id == consultation_id,
        ModerationEvent.action.in_(TAKE_DOWN),
        ModerationEvent.created_at > moment,
    )
    withdrawn = sa.select(Comment.id).where(
        Comment.consultation_id == consultation_id,
        sa.or_(Comment.deleted_at > moment, Comment.updated_at > moment),
    )
    return db.session.scalar(sa.select(sa.or_(moderated.exists(), withdrawn.exists())))


def _translation_approved_since(consultation_id: int, language: str, moment) -> bool:
    """Whether a translation of a participant's statement into ``language`` was approved
    after ``moment``: the PDF in that language would keep showing the original."""
    from consult.participation.models import ContentTranslation, ModerationState

    if moment is None:
        return False
    approved = sa.select(ContentTranslation.id).where(
        ContentTranslation.consultation_id == consultation_id,
        ContentTranslation.language == language,
        ContentTranslation.statement_id.is_not(None),
        ContentTranslation.moderation_state == ModerationState.APPROVED,
        ContentTranslation.moderated_at > moment,
    )
    return db.session.scalar(sa.select(approved.exists()))


def mark_requested(report_id: int, language: str) -> None:
    """The PDF in ``language`` is pending from now; any stale bytes are dropped with it."""
    with write_transaction():
        _upsert(
            report_id, language, state=PdfState.PENDING, requested_at=utcnow(), pdf=None, error=None
        )


_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}


def _upsert(report_id: int, language: str, **values) -> None:
    """Write the (report, language) row whether or not it exists: two readers asking for
    a new language at once must not collide on the unique key."""
    insert = _INSERTS[db.engine.dialect.name](ReportPdf).values(
        report_id=report_id, language=language, **values
    )
    db.session.execute(
        insert.on_conflict_do_update(index_elements=["report_id", "language"], set_=values)
    )


def _child_config(app: Flask) -> dict:
    config = {key: app.config[key] for key in jobs.CHILD_CONFIG_KEYS if key in app.config}
    config.update({k: v for k, v in app.config.items() if k.startswith(("ANALYSIS_", "SQLITE_"))})
    config["ANALYSIS_MODE"] = "off"
    return config


def _run_in_child(config: dict, report_id: int, language: str) -> None:
    """A spawned process, so WeasyPrint never holds the web worker's GIL."""
    child = multiprocessing.get_context("spawn").Process(
        target=_child_main,
        args=(config, report_id, language),
        name=f"consult-pdf-{report_id}-{language}",
        daemon=True,
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        log.error("PDF process for report %s exited with %s", report_id, child.exitcode)


def _child_main(config: dict, report_id: int, language: str) -> None:
    os.nice(jobs.CHILD_NICENESS)
    app = jobs.resolve(jobs.APP_FACTORY)(config)
    with app.app_context():
        try:
            jobs.resolve(JOB)(report_id, language)
        finally:
            db.session.remove()
            db.engine.dispose()


def rq_render_report_pdf(report_id: int, language: str | None = None) -> None:
    """The RQ job: build an app, render, store."""
    app = jobs.resolve(jobs.APP_FACTORY)()
    with app.app_context():
        try:
            jobs.resolve(JOB)(report_id, language)
        finally:
            db.session.remove()
