"""Signing in with an institution: leave for its provider, come back, and (for a new
account) fill in the stakeholder profile the provider does not know."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _

from consult.auth.forms import ProfileForm
from consult.errors import DomainError
from consult.i18n import current_language
from consult.sso import signin, signup
from consult.sso.limits import count_sign_in_request
from consult.web import add_form_error, safe_next_url

blueprint = Blueprint("sso", __name__)

FLOW_KEY = "sso_flow"  # what the browser keeps while at the provider (state, nonce, verifier)
PENDING_KEY = "sso_pending"  # a vouched-for person without account, until the profile is in
INVALID = 422


def callback_url() -> str:
    """The address the providers send people back to (the admin registers it with them):
    on ``SITE_URL`` when it is set (behind a proxy that ends TLS, the request would say
    http), else on the request's own host, as the links in mails are."""
    from consult.mail.compose import absolute_url

    return absolute_url("sso.callback")


@blueprint.get("/sso/<int:provider_id>/start")
def start(provider_id: int):
    count_sign_in_request()
    url, kept = signin.begin(provider_id, callback_url(), safe_next_url(request.args.get("next")))
    session[FLOW_KEY] = kept
    return redirect(url)


@blueprint.get("/sso/callback")
def callback():
    count_sign_in_request()
    # Taken out first, so an answer is used once: a replay finds nothing to match.
    kept = session.pop(FLOW_KEY, None)
    outcome = signin.finish(kept, request.args, callback_url())
    next_url = kept.get("next") if isinstance(kept, dict) else None
    if isinstance(outcome, signin.NeedsProfile):
        session[PENDING_KEY] = {**outcome.pending, "next": next_url}
        return redirect(url_for(".complete"))
    return _signed_in(outcome, next_url)


def _signed_in(outcome: signin.SignedIn, next_url: str | None, *, new_account: bool = False):
    from consult.auth.views import _start_session  # the one way a session starts

    _start_session(outcome.user)  # a fresh session: what to say is flashed after it
    name = outcome.institution
    if new_account:
        flash(
            _(
                "Welcome, %(name)s. Your account is ready; you sign in with %(institution)s.",
                name=outcome.user.display_name,
                institution=name,
            ),
            "success",
        )
    elif outcome.linked_now:
        flash(
            _(
                "Your account is linked to %(name)s: from now on you can sign in with it.",
                name=name,
            ),
            "success",
        )
    if outcome.vouched_now:
        flash(
            _(
                "%(name)s vouched for you: your profile shows you as a verified member of "
                "%(name)s.",
                name=name,
            ),
            "success",
        )
    return redirect(safe_next_url(next_url))


@blueprint.route("/sso/complete", methods=["GET", "POST"])
def complete():
    pending = session.get(PENDING_KEY)
    details = signup.pending_sign_up(pending)
    form = ProfileForm(
        formdata=request.form if request.method == "POST" else None,
        display_name=details.name,
    )
    if details.vouches_for_organisation:
        del form.organisation  # the institution's vouch sets it
    if request.method == "POST":
        if form.validate():
            try:
                outcome = signup.complete_sign_up(
                    pending,
                    display_name=form.display_name.data,
                    sector=form.sector.data,
                    country=form.country.data,
                    organisation=form.organisation.data if "organisation" in form else None,
                    locale=current_language(),
                )
            except DomainError as error:
                if error.field is None:
                    raise
                add_form_error(form, error)
            else:
                return _signed_in(outcome, pending.get("next"), new_account=True)
        return render_template("sso/complete.html", form=form, details=details), INVALID
    return render_template("sso/complete.html", form=form, details=details)
