"""Register, log in, log out, change password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from consult.auth import services
from consult.auth.forms import ChangePasswordForm, LoginForm, RegisterForm
from consult.auth.permissions import login_required
from consult.errors import DomainError
from consult.extensions import limiter
from consult.web import add_form_error, safe_next_url

blueprint = Blueprint("auth", __name__)

INVALID = 422  # a form that was understood but refused: shown again with its messages


@blueprint.route("/register", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("consultations.home"))
    form = RegisterForm(next=request.args.get("next", ""))
    if request.method == "POST":
        if form.validate():
            try:
                user = services.register_user(
                    email=form.email.data,
                    display_name=form.display_name.data,
                    password=form.password.data,
                    sector=form.sector.data,
                    country=form.country.data,
                    organisation=form.organisation.data,
                )
            except DomainError as error:
                add_form_error(form, error)
            else:
                _start_session(user)
                flash(
                    _("Welcome, %(name)s. Your account is ready.", name=user.display_name),
                    "success",
                )
                return redirect(safe_next_url(form.next.data))
        return render_template("auth/register.html", form=form), INVALID
    return render_template("auth/register.html", form=form)


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
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
            else:
                _start_session(user)
                return redirect(safe_next_url(form.next.data))
        return render_template("auth/login.html", form=form), INVALID
    return render_template("auth/login.html", form=form)


def _start_session(user) -> None:
    """Log in on a fresh session (no fixation), keeping the language, and move what the
    visitor did pseudonymously to the account."""
    from consult.participation.participants import claim_pseudonymous, pseudonymous_keys

    language = session.get("lang")
    pseudonymous = pseudonymous_keys()
    session.clear()
    if language:
        session["lang"] = language
    login_user(user)
    if pseudonymous:
        claim_pseudonymous(user, pseudonymous)


@blueprint.post("/logout")
def logout():
    language = session.get("lang")
    logout_user()
    session.clear()
    if language:
        session["lang"] = language
    flash(_("You are logged out."), "info")
    return redirect(url_for("consultations.home"))


@blueprint.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if request.method == "POST":
        if form.validate():
            try:
                services.change_password(
                    current_user, form.current_password.data, form.new_password.data
                )
            except DomainError as error:
                add_form_error(form, error)
            else:
                flash(_("Your password has been changed."), "success")
                return redirect(url_for("consultations.home"))
        return render_template("auth/password.html", form=form), INVALID
    return render_template("auth/password.html", form=form)
