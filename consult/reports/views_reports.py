"""Exports and published reports: thin views over the services.

Downloads stream from data read inside the stream's own session (``_download``); a
report's PDF is a stored file, rendered by the job runner (``pdf_jobs``).
"""

from __future__ import annotations

from flask import (
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

from consult.auth.permissions import login_required
from consult.db_types import utcnow
from consult.errors import Conflict, DomainError, NotFound
from consult.i18n import current_language
from consult.jobs import request_analysis
from consult.reports import services, snapshots
from consult.reports.blueprint import blueprint
from consult.reports.render import report_link
from consult.reports.view_model import OutdatedSnapshot
from consult.web import add_form_error

blueprint.add_app_template_global(report_link)


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


@blueprint.get("/c/<slug>/exports/participant-profiles.csv")
@login_required
def export_profiles(slug: str):
    """Participants' profiles, numbered as in the Polis files: organisers only, never part
    of a published report's data."""
    from consult.reports.profiles_export import PROFILES_FILE, profiles_csv

    consultation = services.organiser_consultation(slug, current_user)
    cid = consultation.id
    return _download(lambda: profiles_csv(cid), f"{consultation.slug}-{PROFILES_FILE}", "text/csv")


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
    from consult.reports import populations, publishing
    from consult.reports.render import report_context, text_language

    population = populations.parse_population(request.args.get("population"))
    consultation, report = publishing.get_report(slug, report_slug, current_user)
    language = text_language(consultation, request.args.get("language"))
    try:
        return report_context(report, population, language)
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
    from consult.reports.pdf_jobs import reader_language
    from consult.reports.publishing import data_is_public

    context = _report_context(slug, report_slug)
    report = context["report"]
    pdf_language = reader_language(context["consultation"], report, request.args.get("language"))
    return render_template(
        "reports/report.html",
        now=utcnow(),
        pdf_language=pdf_language,
        pdf=report.pdf_in(pdf_language),
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
    return _download(lambda: iter([html]), name, "text/html")


PDF_RETRY_SECONDS = 10


def _report_pdf(slug: str, report_slug: str):
    """The stored PDF in the reader's language, never one built in the request. While it
    is being rendered (the first reader of a language has it rendered): a page that says
    so, 202 Accepted with Retry-After; if rendering failed: 503 (the team sees the error
    on the report page)."""
    from consult.reports import pdf_jobs, publishing
    from consult.reports.models import PdfState

    consultation, report = publishing.get_report(slug, report_slug, current_user)
    language = pdf_jobs.reader_language(consultation, report, request.args.get("language"))
    pdf = pdf_jobs.pdf_of(report.id, language)
    if pdf_jobs.needs_scheduling(report, pdf):
        pdf_jobs.mark_requested(report.id, language)
        pdf_jobs.schedule_report_pdf(report.id, language)  # inline mode renders it here and now
        pdf = pdf_jobs.pdf_of(report.id, language)
    if pdf.state is PdfState.READY:
        response = Response(pdf.pdf, mimetype="application/pdf")
        name = f"{consultation.slug}-{report_slug}-{language}.pdf"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        response.headers["Content-Language"] = language
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
        return response
    page = render_template(
        "reports/pdf_pending.html", consultation=consultation, report=report, pdf=pdf
    )
    status = 503 if pdf.state is PdfState.FAILED else 202
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
