"""Site pages for verification: the verifiers' list of profiles and their decisions, the
admin's page of verifiers, and the site's audit log."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult import geo
from consult.auth import site_roles
from consult.auth.models import Sector, Verification
from consult.auth.permissions import login_required
from consult.errors import DomainError
from consult.i18n import current_language
from consult.moderation.audit import actor_names
from consult.verification import services
from consult.verification.forms import DecisionForm, VerifierForm
from consult.verification.services import ProfileFilters
from consult.web import add_form_error

blueprint = Blueprint("verification", __name__)

INVALID = 422
NOT_FOUND = 404  # a page number past the last page


def _list_page(filters: ProfileFilters, status=200, **context):
    page = services.search_profiles(filters)
    return render_template(
        "verification/index.html",
        page=page,
        filters=filters,
        states=tuple(Verification),
        sectors=tuple(Sector),
        countries=geo.country_choices(current_language()),
        back=urlencode(filters.as_args()),
        **context,
    ), NOT_FOUND if page.past_the_end else status


@blueprint.get("/verification")
@login_required
def index():
    services.ensure_verifier(current_user)
    return _list_page(ProfileFilters.parse(request.args))


@blueprint.post("/verification/<int:user_id>")
@login_required
def decide(user_id: int):
    services.ensure_verifier(current_user)
    form = DecisionForm(formdata=request.form)  # text only: an upload is no note
    # The list the verifier came from; its filters are checked again like any query string.
    filters = ProfileFilters.parse(dict(parse_qsl((form.back.data or "")[:1000])))
    if form.validate():
        try:
            services.decide(current_user, user_id, form.decision.data, form.note.data)
        except DomainError as error:
            if error.status != 400:
                raise
            return _list_page(filters, INVALID, error=error.message, error_user=user_id)
        flash(_("The profile is updated."), "success")
        return redirect(url_for(".index", **filters.as_args()))
    return _list_page(filters, INVALID, error=_("Check the form."), error_user=user_id)


def _verifiers_page(form, status=200):
    return render_template(
        "verification/verifiers.html", verifiers=site_roles.holders(services.VERIFIER), form=form
    ), status


@blueprint.route("/admin/verifiers", methods=["GET", "POST"])
@login_required(admin=True)
def verifiers():
    form = VerifierForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        return _verifiers_page(form)
    if form.validate():
        try:
            member = services.set_verifier(current_user, form.email.data, grant=True)
        except DomainError as error:
            add_form_error(form, error)
        else:
            flash(_("%(name)s is now a verifier.", name=member.display_name), "success")
            return redirect(url_for(".verifiers"))
    return _verifiers_page(form, INVALID)


@blueprint.post("/admin/verifiers/<int:user_id>/remove")
@login_required(admin=True)
def remove_verifier(user_id: int):
    member = site_roles.remove(services.VERIFIER, current_user, user_id)
    flash(_("%(name)s is no longer a verifier.", name=member.display_name), "success")
    return redirect(url_for(".verifiers"))


@blueprint.get("/admin/audit")
@login_required(admin=True)
def audit():
    page = services.site_audit_log(services.page_number(request.args.get("page")))
    events = [row[0] for row in page.rows]
    return render_template(
        "verification/audit.html", page=page, events=events, actors=actor_names(events)
    ), NOT_FOUND if page.past_the_end else 200
