"""Dashboard, method notes and clause history: thin views over the services.

Exports and published reports: :mod:`consult.reports.views_reports`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from flask import Response, render_template, request
from flask_login import current_user

from consult.input_guard import bounded_id
from consult.jobs import request_analysis
from consult.participation.participants import actor_for, find_participant
from consult.reports import dashboard, dashboard_cache, populations, services, snapshots
from consult.reports.blueprint import blueprint
from consult.reports.run_settings import run_settings
from consult.reports.view_model import OutdatedSnapshot
from consult.web import render_page_or_fragment, wants_fragment


def _age_seconds(moment: datetime) -> float:
    return max((datetime.now(UTC) - moment).total_seconds(), 0.0)


@blueprint.get("/c/<slug>/dashboard")
def show_dashboard(slug: str):
    consultation = services.dashboard_consultation(slug, current_user)
    wanted = populations.parse_population(request.args.get("population"))
    since = request.args.get("since", type=bounded_id)
    latest_id = snapshots.latest_ok_id(consultation.id)
    if wants_fragment() and since is not None and since == (latest_id or 0):
        response = Response(status=204)  # nothing newer: htmx leaves the page alone
        response.vary.add("HX-Request")
        return response
    overview = dashboard_cache.overview_of(consultation)
    status = snapshots.analysis_status(consultation.id, has_votes=overview.votes > 0)
    snapshot, view, population = status.snapshot, None, None
    if snapshot is not None:
        # The "all" run names its accounts-only twin; the page shows the one asked for.
        snapshot, population = populations.choose(snapshot, wanted)
        try:
            figures = snapshots.view_of(snapshot)
        except OutdatedSnapshot:  # stored by an older version: a fresh run replaces it
            request_analysis(consultation.id)
            snapshot, status = None, replace(status, snapshot=None, computing=True)
            population = None
        else:
            you = find_participant(consultation, actor_for(consultation))
            view = dashboard_cache.page_view(
                consultation, snapshot, figures, you.id if you else None
            )
    team = services.is_team(current_user, consultation)
    return render_page_or_fragment(
        "reports/dashboard.html",
        "reports/_dashboard.html",
        consultation=consultation,
        snapshot=snapshot,
        run=status.snapshot,  # the run of all participants: what "since" and "new votes" mean
        population=population,
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
    settings = run_settings(snapshot.parameters) if snapshot else []
    return render_template(
        "reports/method.html", consultation=consultation, snapshot=snapshot, settings=settings
    )


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
    from consult.reports.render import text_language

    consultation = services.dashboard_consultation(slug, current_user)
    language = text_language(consultation, request.args.get("language"))
    return render_template(
        "reports/history.html", consultation=consultation, clauses=history(consultation, language)
    )
