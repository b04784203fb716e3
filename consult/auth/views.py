"""Register, log in, log out, change password."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from consult.auth import email_accounts, profile, services, sessions
from consult.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    VerificationRequestForm,
)
from consult.auth.permissions import login_required
from consult.errors import DomainError
from consult.i18n import current_language, localized
from consult.web import add_form_error, safe_next_url

blueprint = Blueprint("auth", __name__)

INVALID = 422  # a form that was understood but refused: shown again with its messages


@blueprint.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next")))
    form = RegisterForm(next=request.args.get("next", ""))
    if request.method == "POST":
        if form.validate():
            try:
                next_path = email_accounts.kept_destination(form.next.data)
                email_accounts.register(
                    next_path=next_path,
                    email=form.email.data,
                    display_name=form.display_name.data,
                    password=form.password.data,
                    sector=form.sector.data,
                    country=form.country.data,
                    organisation=form.organisation.data,
                    locale=current_language(),  # mails to the account speak it
                )
            except DomainError as error:
                add_form_error(form, error)
            else:
                # The same page whether the address was new (an account and a link to
                # confirm it) or had an account (a mail saying so): nothing told here.
                return render_template(
                    "auth/registered.html",
                    email=form.email.data,
                    next=next_path,
                )
        return render_template("auth/register.html", form=form), INVALID
    return render_template("auth/register.html", form=form)


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next_url(request.args.get("next")))
    form = LoginForm(next=request.args.get("next", ""))
    if request.method == "POST":
        if form.validate():
            try:
                user = services.authenticate(form.email.data, form.password.data)
            except DomainError as error:
                add_form_error(form, error)
                if error.status == 429:  # locked: say when to come back, in the form too
                    response = make_response(render_template("auth/login.html", form=form), 429)
                    response.headers["Retry-After"] = str(error.retry_after)
                    return response
            else:
                _start_session(user)
                return redirect(safe_next_url(form.next.data))
        return render_template("auth/login.html", form=form), INVALID
    return render_template("auth/login.html", form=form)


def _start_session(user) -> None:
    """Log in on a fresh session (no fixation), keeping the language, and move what the
    visitor did pseudonymously to the account."""
    from consult.organise.invitations import accept_invitations
    from consult.participation.participants import claim_pseudonymous, pseudonymous_keys
    from consult.participation.views import announce_claim

    language = session.get("lang")
    pseudonymous = pseudonymous_keys()
    session.clear()
    if language:
        session["lang"] = language
    login_user(user)
    announce_roles(accept_invitations(user))  # roles waiting for this (confirmed) address
    if pseudonymous:
        # Say what moved, and keep any differing votes for the person to choose between.
        announce_claim(claim_pseudonymous(user, pseudonymous))


def end_session() -> None:
    """End this session (the generation is bumped by the caller), keeping the language."""
    language = session.get("lang")
    logout_user()
    session.clear()
    if language:
        session["lang"] = language


@blueprint.post("/logout")
def logout():
    # Logging out ends every copy of the session, not only this browser's cookie: a
    # copied cookie must not outlive its owner's logout.
    if current_user.is_authenticated:
        sessions.end_every_session(current_user._get_current_object())
    end_session()
    flash(
        _(
            "You are logged out, here and on every other device or browser where this "
            "account was logged in."
        ),
        "info",
    )
    return redirect(url_for("consultations.home"))


@blueprint.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    sessions.end_every_session(current_user._get_current_object())
    end_session()
    flash(_("You are logged out on every device and browser. Log in again here."), "info")
    return redirect(url_for("auth.login"))


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if not email_accounts.has_password(current_user):
        # An account made through an institution's sign-in: no current password to
        # ask for; the page offers a link to choose a first one instead.
        status = INVALID if request.method == "POST" else 200
        return render_template("auth/password.html", form=form, has_password=False), status
    if request.method == "POST":
        if form.validate():
            try:
                services.change_password(
                    current_user, form.current_password.data, form.new_password.data
                )
            except DomainError as error:
                add_form_error(form, error)
            else:
                sessions.restamp(current_user._get_current_object())
                flash(
                    _(
                        "Your password has been changed. Every other session of your "
                        "account has ended; this one goes on."
                    ),
                    "success",
                )
                return redirect(url_for("consultations.home"))
        return render_template("auth/password.html", form=form, has_password=True), INVALID
    return render_template("auth/password.html", form=form, has_password=True)


@blueprint.route("/account/profile", methods=["GET", "POST"])
@login_required
def edit_profile():
    user = current_user._get_current_object()
    form = ProfileForm(obj=user.profile, display_name=user.display_name)
    if request.method == "GET":
        form.sector.data = user.profile.sector.value
        return _profile_page(form)
    if form.validate():
        try:
            change = profile.update_profile(
                user,
                display_name=form.display_name.data,
                sector=form.sector.data,
                country=form.country.data,
                organisation=form.organisation.data,
            )
        except DomainError as error:
            add_form_error(form, error)
        else:
            if change.verification_reset:
                flash(
                    _(
                        "Your profile is saved. Its verification has ended because your "
                        "sector or organisation changed; you can ask for a new check."
                    ),
                    "info",
                )
            elif change.changed:
                flash(_("Your profile is saved."), "success")
            else:
                flash(_("Nothing changed."), "info")
            return redirect(url_for("auth.edit_profile"))
    return _profile_page(form, INVALID)


def _profile_page(form, status=200):
    return render_template("auth/profile.html", form=form, profile=current_user.profile), status


@blueprint.route("/account/verification", methods=["GET", "POST"])
@login_required
def verification():
    user = current_user._get_current_object()
    form = VerificationRequestForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                profile.request_verification(user, form.note.data)
            except DomainError as error:
                add_form_error(form, error)
                status = error.status if error.field is None else INVALID
            else:
                flash(_("Thank you. The site's verifiers will check your profile."), "success")
                return redirect(url_for("auth.verification"))
        else:
            status = INVALID
    return render_template(
        "auth/verification.html",
        form=form,
        profile=user.profile,
        open_request=profile.has_open_request(user.profile),
    ), status


def announce_roles(accepted) -> None:
    """Say at login which roles the invitations gave."""
    for item in accepted:
        flash(
            _(
                "You were invited to “%(title)s” as %(role)s: the role is yours now.",
                role=item.role.label,
                title=localized(item.consultation.title),
            ),
            "success",
        )
