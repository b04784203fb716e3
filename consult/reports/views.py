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

from consult.errors import DomainError, NotFound
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
        reports=_published(consultation),
        age=_age_seconds(snapshot.created_at) if snapshot else None,
    )


def _published(consultation):
    from consult.reports.publishing import reports_of

    return reports_of(consultation)


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
    from consult.reports import publishing
    from consult.reports.exports import EXPORTS

    consultation = services.organiser_consultation(slug, current_user)
    return render_template(
        "reports/exports.html",
        consultation=consultation,
        names=EXPORTS,
        snapshot=snapshots.latest_ok(consultation.id, with_result=False),
        reports=publishing.reports_of(consultation),
        form=publishing.PublishForm(),
    )


def _download(chunks, name: str, media: str) -> Response:
    response = Response(stream_with_context(chunks), mimetype=media)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blueprint.get("/c/<slug>/exports/<name>")
def export_file(slug: str, name: str):
    from consult.reports.exports import Export, media_type

    consultation = services.organiser_consultation(slug, current_user)
    export = Export(consultation, snapshots.latest_ok(consultation.id))
    chunks = export.stream(name)  # NotFound for an unknown name, before streaming starts
    return _download(chunks, f"{consultation.slug}-{name}", media_type(name))


@blueprint.post("/c/<slug>/reports")
def publish(slug: str):
    from consult.reports import publishing
    from consult.reports.exports import EXPORTS

    consultation = services.organiser_consultation(slug, current_user)
    form = publishing.PublishForm()
    if form.validate_on_submit():
        try:
            report = publishing.publish_report(
                current_user, consultation, form.title.data, form.introduction.data, form.slug.data
            )
        except DomainError as error:
            add_form_error(form, error)
        else:
            flash(_("The report is published."), "success")
            return redirect(
                url_for("reports.show_report", slug=consultation.slug, report_slug=report.slug)
            )
    page = render_template(
        "reports/exports.html",
        consultation=consultation,
        names=EXPORTS,
        snapshot=snapshots.latest_ok(consultation.id, with_result=False),
        reports=publishing.reports_of(consultation),
        form=form,
    )
    return page, 400


def _report_context(slug: str, report_slug: str) -> dict:
    from consult.reports import publishing

    consultation, report = publishing.get_report(slug, report_slug, current_user)
    snapshot = report.snapshot
    return {
        "consultation": consultation,
        "report": report,
        "snapshot": snapshot,
        "view": dashboard.build(snapshots.view_of(snapshot), statement_infos(consultation.id)),
        "heard": publishing.what_we_heard(consultation),
    }


@blueprint.get("/c/<slug>/reports/<report_slug>")
def show_report(slug: str, report_slug: str):
    return render_template("reports/report.html", **_report_context(slug, report_slug))


@blueprint.get("/c/<slug>/reports/<report_slug>.<fmt>")
def report_download(slug: str, report_slug: str, fmt: str):
    from consult.reports.render import report_html, report_pdf

    if fmt not in ("html", "pdf"):
        raise NotFound(_("There is no download of that kind."))
    context = _report_context(slug, report_slug)
    html = report_html(context)
    name = f"{context['consultation'].slug}-{report_slug}.{fmt}"
    if fmt == "html":
        return _download(iter([html]), name, "text/html; charset=utf-8")
    return _download(iter([report_pdf(html)]), name, "application/pdf")


@blueprint.get("/c/<slug>/reports/<report_slug>/data/<name>")
def report_export(slug: str, report_slug: str, name: str):
    from consult.reports import publishing
    from consult.reports.exports import Export, media_type

    consultation, report = publishing.get_report(slug, report_slug, current_user)
    chunks = Export(consultation, report.snapshot).stream(name)
    return _download(chunks, f"{consultation.slug}-{report_slug}-{name}", media_type(name))
