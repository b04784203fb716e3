"""Pages reached by email: forgot / reset password, confirm the address, change it.

A mailed link opens a page with a button (or a form); only the POST uses the token, so
a mail scanner that opens every link uses nothing up. A link that no longer works gets
a page pointing at where to ask for a new one.
"""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.auth import email_accounts, tokens
from consult.auth.forms import ButtonForm, ChangeEmailForm, ForgotPasswordForm, ResetPasswordForm
from consult.auth.permissions import login_required
from consult.errors import DomainError, render_error
from consult.web import add_form_error, wants_fragment

blueprint = Blueprint("account_email", __name__)

INVALID = 422


# Where to ask for a new link, for each page a mailed link opens.
NEW_LINK = {
    "account_email.reset": "account_email.forgot",
    "account_email.confirm": "auth.edit_profile",  # its "Resend confirmation" button
    "account_email.confirm_change": "account_email.change_email",
}

NEW_LINK_ANCHOR = {"account_email.confirm": "email-heading"}


@blueprint.errorhandler(tokens.InvalidLink)
@blueprint.errorhandler(tokens.ExpiredLink)
def link_error(error: DomainError):
    """A used, outdated or expired link: say so, and link to where a new one comes from."""
    if wants_fragment() or request.endpoint not in NEW_LINK:
        return render_error(error.status, error.message)
    response = make_response(
        render_template(
            "auth/link_error.html",
            message=error.message,
            status=error.status,
            purpose=request.endpoint.rpartition(".")[2],
            new_link=url_for(
                NEW_LINK[request.endpoint], _anchor=NEW_LINK_ANCHOR.get(request.endpoint)
            ),
        ),
        error.status,
    )
    response.vary.add("HX-Request")
    return response


def link_sent_page(title: str, message: str):
    """The neutral answer: the same whether or not the address has an account."""
    return render_template("auth/link_sent.html", title=title, message=message)


@blueprint.route("/forgot", methods=["GET", "POST"])
def forgot():
    form = ForgotPasswordForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("auth/forgot.html", form=form), INVALID
        email_accounts.request_password_reset(form.email.data)
        return link_sent_page(
            _("Check your email"),
            _(
                "If an account uses %(email)s, we have sent it a link to choose a new "
                "password. The link works for one hour. No mail after a few minutes? Look "
                "in your spam folder, or check the address and try again.",
                email=form.email.data,
            ),
        )
    return render_template("auth/forgot.html", form=form)


@blueprint.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    user = email_accounts.check_reset_token(token)  # a bad link: its own 4xx page
    form = ResetPasswordForm()
    if request.method == "POST":
        if form.validate():
            try:
                email_accounts.reset_password(token, form.password.data)
            except DomainError as error:
                if error.field is None:
                    raise
                add_form_error(form, error)
            else:
                if current_user.is_authenticated:
                    from consult.auth.views import end_session

                    end_session()  # every session ended with the old password
                flash(
                    _(
                        "Your password is changed, and your account is logged out "
                        "everywhere. Log in with your new password."
                    ),
                    "success",
                )
                return redirect(url_for("auth.login"))
        return render_template("auth/reset.html", form=form, user=user, token=token), INVALID
    return render_template("auth/reset.html", form=form, user=user, token=token)


@blueprint.route("/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    # Where the person was going when they registered (an invitation's consultation):
    # kept on the mailed link, checked again here, carried on to the login form.
    next_path = email_accounts.kept_destination(request.args.get("next"))
    form = ButtonForm()
    if request.method == "POST" and form.validate():
        from consult.auth.views import announce_roles
        from consult.organise.invitations import accept_invitations

        user = email_accounts.confirm_email(token)
        flash(
            _("Thank you: your email address %(email)s is confirmed.", email=user.email), "success"
        )
        announce_roles(accept_invitations(user))
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(next_path or url_for("auth.edit_profile"))
        return redirect(url_for("auth.login", next=next_path))
    user = tokens.read_token(tokens.CONFIRM, token)[0]
    status = INVALID if request.method == "POST" else 200
    return render_template("auth/confirm.html", form=form, email=user.email), status


@blueprint.post("/account/email/confirmation")
@login_required
def resend_confirmation():
    if ButtonForm().validate():
        email_accounts.send_confirmation(current_user._get_current_object())
        flash(
            _(
                "We have sent a new link to %(email)s. Older links no longer work once one "
                "of them is used.",
                email=current_user.email,
            ),
            "success",
        )
    return redirect(url_for("auth.edit_profile"))


@blueprint.post("/account/password/link")
@login_required
def mail_password_link():
    """An account without a password (made through an institution's sign-in) asks for a
    link to choose one; the change-password and change-email pages offer it."""
    if ButtonForm().validate():
        email_accounts.request_first_password(current_user._get_current_object())
        flash(
            _(
                "We have sent a link to %(email)s. Open it within the hour to choose your "
                "password.",
                email=current_user.email,
            ),
            "success",
        )
    return redirect(url_for("auth.edit_profile"))


@blueprint.route("/account/email", methods=["GET", "POST"])
@login_required
def change_email():
    form = ChangeEmailForm()
    if not email_accounts.has_password(current_user):
        # No current password to ask for: the page offers to choose one first.
        status = INVALID if request.method == "POST" else 200
        return render_template("auth/change_email.html", form=form, has_password=False), status
    if request.method == "POST":
        if form.validate():
            try:
                email_accounts.request_email_change(
                    current_user._get_current_object(), form.email.data, form.password.data
                )
            except DomainError as error:
                add_form_error(form, error)
            else:
                flash(
                    _(
                        "We have sent a link to %(email)s. Your address changes when you open "
                        "it; until then your account keeps %(old)s.",
                        email=form.email.data,
                        old=current_user.email,
                    ),
                    "info",
                )
                return redirect(url_for("auth.edit_profile"))
        return render_template("auth/change_email.html", form=form, has_password=True), INVALID
    return render_template("auth/change_email.html", form=form, has_password=True)


@blueprint.route("/account/email/change/<token>", methods=["GET", "POST"])
def confirm_change(token: str):
    form = ButtonForm()
    if request.method == "POST" and form.validate():
        from consult.auth.views import announce_roles
        from consult.organise.invitations import accept_invitations

        user = email_accounts.confirm_email_change(token)
        flash(_("Your account now uses %(email)s.", email=user.email), "success")
        announce_roles(accept_invitations(user))  # invitations to the new address
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(url_for("auth.edit_profile"))
        return redirect(url_for("auth.login"))
    user, new_email = tokens.read_token(tokens.CHANGE_EMAIL, token)
    status = INVALID if request.method == "POST" else 200
    return render_template(
        "auth/confirm_change.html", form=form, email=new_email, old_email=user.email
    ), status
