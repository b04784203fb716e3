"""Organiser pages: new consultation, settings and status, team, verification, audit log."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from consult.auth.models import Verification
from consult.auth.permissions import login_required
from consult.consultations.models import Invitation, Role
from consult.drafts.forms import CsrfOnlyForm
from consult.errors import DomainError, Forbidden
from consult.moderation.access import team_consultation
from consult.moderation.audit import EXPORT_LIMIT, audit_facets, audit_log, parse_filters
from consult.moderation.audit_export import audit_rows, csv_download
from consult.moderation.audit_sentences import describe_events
from consult.organise import (
    home,
    invitations,
    services,
    views_site,  # noqa: F401  (the admin's site organisers page)
)
from consult.organise.blueprint import blueprint
from consult.organise.forms import AppointForm, TakePartForm, VerifyForm, settings_form
from consult.organise.status import set_status, status_choices
from consult.verification import services as site_verification
from consult.web import add_form_error

INVALID = 422


@blueprint.app_context_processor
def organise_links():
    """The header's "My consultations" and "New consultation" links, asked for when drawn."""
    return {"organise_links": lambda: home.header_links(current_user)}


@blueprint.get("/organise")
@login_required
def my_consultations():
    grouped = home.my_consultations(current_user)
    may_create = services.can_create_consultation(current_user)
    if grouped is None and not may_create:
        raise Forbidden(_("You organise or moderate no consultation."))
    return render_template("organise/home.html", grouped=grouped or {}, may_create=may_create)


def _organised(slug: str):
    return team_consultation(slug, current_user, Role.ORGANISER)


@blueprint.route("/organise/new", methods=["GET", "POST"])
@login_required
def new():
    if not services.can_create_consultation(current_user):
        raise Forbidden(_("Only site admins and organisers may start a consultation."))
    form = settings_form(with_slug=True)
    if request.method == "POST":
        if form.validate():
            try:
                consultation = services.create_consultation(
                    current_user, form.slug.data, form.settings()
                )
            except DomainError as error:
                add_form_error(form, error)
            else:
                flash(_("The consultation is created as a draft."), "success")
                return redirect(url_for(".settings", slug=consultation.slug))
        return render_template("organise/new.html", form=form), INVALID
    return render_template("organise/new.html", form=form)


def _settings_page(consultation, form, status=200, status_error=None):
    return render_template(
        "organise/settings.html",
        consultation=consultation,
        form=form,
        statuses=status_choices(consultation),
        button_form=CsrfOnlyForm(),
        status_error=status_error,
    ), status


@blueprint.route("/c/<slug>/organise", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    consultation = _organised(slug)
    if request.method == "GET":
        return _settings_page(consultation, settings_form(consultation))
    form = settings_form()
    if form.validate():
        try:
            services.update_settings(current_user, consultation, form.settings())
        except DomainError as error:
            add_form_error(form, error)
        else:
            flash(_("The settings are saved."), "success")
            return redirect(url_for(".settings", slug=slug))
    return _settings_page(consultation, form, INVALID)


@blueprint.post("/c/<slug>/organise/status")
@login_required
def status(slug: str):
    consultation = _organised(slug)
    try:
        set_status(current_user, consultation, request.form.get("status", ""))
    except DomainError as error:  # shown with the status buttons, the settings kept
        if error.status == 403:
            raise
        code = INVALID if error.status == 400 else error.status
        return _settings_page(consultation, settings_form(consultation), code, error.message)
    flash(_("The status is changed."), "success")
    return redirect(url_for(".settings", slug=slug))


def _team_page(consultation, form, status=200, removal_error=None):
    return render_template(
        "organise/team.html",
        consultation=consultation,
        members=services.team_members(consultation),
        invitations=invitations.pending_invitations(consultation),
        form=form,
        removal_error=removal_error,
    ), status


@blueprint.route("/c/<slug>/organise/team", methods=["GET", "POST"])
@login_required
def team(slug: str):
    consultation = _organised(slug)
    form = AppointForm()
    if request.method == "GET":
        return _team_page(consultation, form)
    if form.validate():
        try:
            given = invitations.appoint_or_invite(
                current_user, consultation, form.email.data, form.role.data, form.language.data
            )
        except DomainError as error:
            if error.status == 403:
                raise
            add_form_error(form, error)
            return _team_page(consultation, form, 409 if error.status == 409 else INVALID)
        if isinstance(given, Invitation):
            flash(
                _(
                    "No confirmed account uses this email yet: an invitation is waiting for "
                    "it for 30 days (we have mailed it), and gives the role once its owner "
                    "registers or logs in and confirms the address."
                ),
                "success",
            )
        else:
            flash(_("The role is given."), "success")
        return redirect(url_for(".team", slug=slug))
    return _team_page(consultation, form, INVALID)


@blueprint.post("/c/<slug>/organise/team/<int:role_id>/remove")
@login_required
def remove_member(slug: str, role_id: int):
    consultation = _organised(slug)
    try:
        services.remove_member(current_user, consultation, role_id)
    except DomainError as error:  # e.g. the last organiser: said on the team page
        if error.status == 403:
            raise
        return _team_page(consultation, AppointForm(formdata=None), error.status, error.message)
    flash(_("The role is taken away."), "success")
    return redirect(url_for(".team", slug=slug))


@blueprint.post("/c/<slug>/organise/team/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(slug: str, invitation_id: int):
    consultation = _organised(slug)
    try:
        invitations.revoke(current_user, consultation, invitation_id)
    except DomainError as error:  # already accepted or withdrawn: said on the team page
        if error.status in (403, 404):
            raise
        return _team_page(consultation, AppointForm(formdata=None), error.status, error.message)
    flash(_("The invitation is withdrawn."), "success")
    return redirect(url_for(".team", slug=slug))


@blueprint.route("/c/<slug>/organise/take-part", methods=["GET", "POST"])
@login_required
def invite_to_take_part(slug: str):
    """Mail people an invitation to take part (consult.organise.invitations)."""
    consultation = _organised(slug)
    form = TakePartForm()
    status = 200
    if request.method == "POST":
        status = INVALID
        if form.validate():
            try:
                sent = invitations.invite_to_take_part(
                    current_user, consultation, form.addresses.data, form.language.data
                )
            except DomainError as error:
                if error.status == 403:
                    raise
                add_form_error(form, error)
                status = error.status if error.field is None else INVALID
            else:
                flash(
                    ngettext(
                        "An invitation to take part is on its way to %(num)d address.",
                        "Invitations to take part are on their way to %(num)d addresses.",
                        len(sent),
                    ),
                    "success",
                )
                return redirect(url_for(".invite_to_take_part", slug=slug))
    return render_template("organise/take_part.html", consultation=consultation, form=form), status


def _verification_page(consultation, status=200, **context):
    state = request.args.get("verification", "")
    return render_template(
        "organise/verification.html",
        consultation=consultation,
        rows=services.participants_to_verify(consultation, state or None),
        state=state,
        verifications=tuple(Verification),
        form=context.pop("form", None) or VerifyForm(formdata=None),
        can_decide=site_verification.is_verifier(current_user),
        **context,
    ), status


@blueprint.get("/c/<slug>/organise/verification")
@login_required
def verification(slug: str):
    return _verification_page(_organised(slug))


@blueprint.post("/c/<slug>/organise/verification/<int:user_id>")
@login_required
def verify(slug: str, user_id: int):
    consultation = _organised(slug)
    site_verification.ensure_verifier(current_user)  # 403 for organisers who only look
    form = VerifyForm(formdata=request.form)  # text only: an upload is no note
    if form.validate():
        try:
            services.verify_profile(
                current_user, consultation, user_id, form.decision.data, form.note.data
            )
        except DomainError as error:
            if error.status in (403, 404):
                raise
            return _verification_page(
                consultation, INVALID, form=form, error=error.message, error_user=user_id
            )
        flash(_("The profile is updated."), "success")
        return redirect(url_for(".verification", slug=slug))
    return _verification_page(
        consultation, INVALID, form=form, error=_("Check the form."), error_user=user_id
    )


# The audit tables (this log and the site's) read their events in words through this.
blueprint.add_app_template_global(describe_events, "audit_lines")


@blueprint.get("/c/<slug>/organise/audit")
@login_required
def audit(slug: str):
    consultation = _organised(slug)
    filters = parse_filters(request.args)
    return render_template(
        "organise/audit.html",
        consultation=consultation,
        events=audit_log(consultation.id, filters),
        facets=audit_facets(consultation.id),
        filters=filters,
    )


@blueprint.get("/c/<slug>/organise/audit.csv")
@login_required
def audit_csv(slug: str):
    """The filtered log as a CSV file, in the reader's language: organisers only."""
    consultation = _organised(slug)
    events = audit_log(consultation.id, parse_filters(request.args), limit=EXPORT_LIMIT)
    return csv_download(audit_rows(events), f"{consultation.slug}-audit.csv")
