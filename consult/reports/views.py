"""Dashboard, method notes, exports and published reports: thin views over the services."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from consult.db_types import utcnow
from consult.errors import Conflict, DomainError, NotFound
from consult.i18n import current_language
from consult.jobs import request_analysis
from consult.participation.participants import actor_for, find_participant
from consult.reports import dashboard, services, snapshots
from consult.reports.labels import statement_infos
from consult.reports.view_model import OutdatedSnapshot
from consult.web import add_form_error, render_page_or_fragment, wants_fragment

blueprint = Blueprint("reports", __name__)


def _age_seconds(moment: datetime) -> float:
    return max((datetime.now(UTC) - moment).total_seconds(), 0.0)


@blueprint.get("/c/<slug>/dashboard")
def show_dashboard(slug: str):
    consultation = services.dashboard_consultation(slug, current_user)
    since = request.args.get("since", type=int)
    latest_id = snapshots.latest_ok_id(consultation.id)
    if wants_fragment() and since is not None and since == (latest_id or 0):
        response = Response(status=204)  # nothing newer: htmx leaves the page alone
        response.vary.add("HX-Request")
        return response
    overview = services.overview(consultation)
    status = snapshots.analysis_status(consultation.id, has_votes=overview.votes > 0)
    snapshot, view = status.snapshot, None
    if snapshot is not None:
        try:
            figures = snapshots.view_of(snapshot)
        except OutdatedSnapshot:  # stored by an older version: a fresh run replaces it
            request_analysis(consultation.id)
            snapshot, status = None, replace(status, snapshot=None, computing=True)
        else:
            you = find_participant(consultation, actor_for(consultation))
            infos = statement_infos(consultation.id)
            view = dashboard.build(figures, infos, you.id if you else None)
    team = services.is_team(current_user, consultation)
    return render_page_or_fragment(
        "reports/dashboard.html",
        "reports/_dashboard.html",
        consultation=consultation,
        snapshot=snapshot,
        view=view,
        computing=status.computing,
        overview=overview,
        activity=dashboard.activity(overview.votes_by_day),
        failure=status.failure if team else None,
        team=team,
        organiser=team and services.is_organiser(current_user, consultation),
        reports=_published(consultation, team),
        age=_age_seconds(snapshot.created_at) if snapshot else None,
    )


def _published(consultation, team: bool):
    from consult.reports.publishing import reports_of

    return reports_of(consultation, public_only=not team)


@blueprint.get("/c/<slug>/dashboard/method")
def method_notes(slug: str):
    consultation = services.dashboard_consultation(slug, current_user)
    snapshot = snapshots.latest_ok(consultation.id, with_result=False)
    return render_template("reports/method.html", consultation=consultation, snapshot=snapshot)


@blueprint.app_template_filter("format_age")
def format_age(seconds: float) -> str:
    from datetime import timedelta

    from flask_babel import format_timedelta

    return format_timedelta(timedelta(seconds=seconds), threshold=1.1)


@blueprint.app_template_global("segment_label")
def segment_label(family: str, key) -> str:
    from consult.reports.labels import segment_name

    return segment_name(family, key)


@blueprint.get("/c/<slug>/dashboard/history")
def clause_history(slug: str):
    from consult.reports.history import clause_history as history

    consultation = services.dashboard_consultation(slug, current_user)
    return render_template(
        "reports/history.html", consultation=consultation, clauses=history(consultation)
    )


@blueprint.get("/c/<slug>/exports")
def exports(slug: str):
    consultation = services.organiser_consultation(slug, current_user)
    return _exports_page(consultation, _publish_form())


def _publish_form():
    from consult.reports.publishing import PublishForm

    return PublishForm()


def _exports_page(consultation, form) -> str:
    from consult.reports import publishing
    from consult.reports.exports import EXPORTS

    return render_template(
        "reports/exports.html",
        consultation=consultation,
        names=EXPORTS,
        snapshot=snapshots.latest_ok(consultation.id, with_result=False),
        reports=publishing.reports_of(consultation),
        now=utcnow(),
        form=form,
    )


def _download(build, name: str, media: str) -> Response:
    """Stream what ``build()`` yields. ``build`` runs as the body streams, in the stream's
    own session (the view's session is closed by then), so it must read the database
    itself rather than iterate results or objects loaded by the view."""

    def body():
        yield from build()

    response = Response(stream_with_context(body()), mimetype=media)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _check_decodable(consultation_id: int, snapshot_id: int | None) -> None:
    """OutdatedSnapshot (409) now, while the status can still say so: raised inside the
    streaming body it would cut the download short behind a 200. The decoded view is
    cached, so the body does not decode it again."""
    if snapshot_id is not None:
        snapshots.view_of(snapshots.get_snapshot(consultation_id, snapshot_id))


@blueprint.get("/c/<slug>/exports/<name>")
def export_file(slug: str, name: str):
    from consult.reports.exports import Export, check_name, media_type

    consultation = services.organiser_consultation(slug, current_user)
    check_name(name)  # NotFound for an unknown name, before streaming starts
    cid = consultation.id
    snapshot_id = snapshots.latest_ok_id(cid)
    try:
        _check_decodable(cid, snapshot_id)
    except OutdatedSnapshot:
        request_analysis(cid)  # as the dashboard does: a fresh run replaces it
        raise
    return _download(
        lambda: Export.load(cid, snapshot_id).stream(name),
        f"{consultation.slug}-{name}",
        media_type(name),
    )


@blueprint.post("/c/<slug>/reports")
def publish(slug: str):
    from consult.reports import publishing

    consultation = services.organiser_consultation(slug, current_user)
    form = _publish_form()
    if form.validate_on_submit():
        try:
            report = publishing.publish_report(
                current_user,
                consultation,
                form.title.data,
                form.introduction.data,
                form.slug.data,
                embargo_until=form.embargo_utc(),
                data_public=form.data_public.data,
                language=current_language(),
            )
        except DomainError as error:
            add_form_error(form, error)
        else:
            flash(_("The report is published."), "success")
            return redirect(
                url_for("reports.show_report", slug=consultation.slug, report_slug=report.slug)
            )
    return _exports_page(consultation, form), 400


@blueprint.post("/c/<slug>/reports/<report_slug>/<action>")
def set_published(slug: str, report_slug: str, action: str):
    from consult.reports import publishing

    if action not in ("unpublish", "republish"):
        raise NotFound(_("There is no such action."))
    consultation = services.organiser_consultation(slug, current_user)
    publishing.set_published(current_user, consultation, report_slug, action == "republish")
    if action == "unpublish":
        flash(_("The report is unpublished: only the team can read it now."), "success")
    else:
        flash(_("The report is published again."), "success")
    return redirect(url_for("reports.exports", slug=consultation.slug))


def _report_context(slug: str, report_slug: str) -> dict:
    from consult.reports import publishing
    from consult.reports.render import report_context

    _consultation, report = publishing.get_report(slug, report_slug, current_user)
    try:
        return report_context(report)
    except OutdatedSnapshot as exc:  # a report stays frozen on its run: nothing recomputes it
        raise Conflict(
            _(
                "This report was published from an analysis stored by an older version of"
                " Consult; its organisers can publish it again from a current analysis."
            )
        ) from exc


@blueprint.get("/c/<slug>/reports/<report_slug>")
def show_report(slug: str, report_slug: str):
    from consult.reports.exports import EXPORTS
    from consult.reports.publishing import data_is_public

    context = _report_context(slug, report_slug)
    report = context["report"]
    return render_template(
        "reports/report.html",
        now=utcnow(),
        data_public=data_is_public(current_user, context["consultation"], report),
        team=services.is_team(current_user, context["consultation"]),
        data_files=EXPORTS,
        **context,
    )


@blueprint.get("/c/<slug>/reports/<report_slug>.<fmt>")
def report_download(slug: str, report_slug: str, fmt: str):
    if fmt == "pdf":
        return _report_pdf(slug, report_slug)
    if fmt != "html":
        raise NotFound(_("There is no download of that kind."))
    from consult.reports.render import report_html

    context = _report_context(slug, report_slug)
    html = report_html(context)
    name = f"{context['consultation'].slug}-{report_slug}.html"
    return _download(lambda: iter([html]), name, "text/html; charset=utf-8")


PDF_RETRY_SECONDS = 10


def _report_pdf(slug: str, report_slug: str):
    """The stored PDF, never one built in the request. While it is being rendered: a page
    that says so, 202 Accepted with Retry-After; if rendering failed: 503 (the team sees
    the error on the report page)."""
    from consult.reports import pdf_jobs, publishing
    from consult.reports.models import PdfState

    consultation, report = publishing.get_report(slug, report_slug, current_user)
    if pdf_jobs.needs_scheduling(report):
        pdf_jobs.mark_requested(report.id)
        pdf_jobs.schedule_report_pdf(report.id)  # inline mode renders it here and now
    if report.pdf_state is PdfState.READY:
        pdf = report.pdf
        response = Response(pdf, mimetype="application/pdf")
        name = f"{consultation.slug}-{report_slug}.pdf"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    page = render_template("reports/pdf_pending.html", consultation=consultation, report=report)
    status = 503 if report.pdf_state is PdfState.FAILED else 202
    return page, status, {"Retry-After": str(PDF_RETRY_SECONDS)}


@blueprint.get("/c/<slug>/reports/<report_slug>/data/<name>")
def report_export(slug: str, report_slug: str, name: str):
    from consult.errors import Forbidden
    from consult.reports import publishing
    from consult.reports.exports import Export, check_name, media_type

    consultation, report = publishing.get_report(slug, report_slug, current_user)
    check_name(name)
    if not publishing.data_is_public(current_user, consultation, report):
        raise Forbidden(
            _("The organisers of this consultation have not made this report's data public.")
        )
    # Readers get the public data; the team's copy is the same, so nobody is surprised
    # by what a published link serves.
    cid, snapshot_id = consultation.id, report.snapshot_id
    _check_decodable(cid, snapshot_id)
    return _download(
        lambda: Export.load(cid, snapshot_id, public=True).stream(name),
        f"{consultation.slug}-{report_slug}-{name}",
        media_type(name),
    )
