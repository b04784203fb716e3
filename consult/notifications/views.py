"""Notification preferences, one-click unsubscribe, and Follow / Unfollow."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.auth.permissions import login_required
from consult.consultations.schedule import Phase
from consult.errors import DomainError
from consult.extensions import csrf
from consult.notifications import follow, preferences
from consult.notifications.forms import preferences_form
from consult.notifications.models import Delivery
from consult.web import add_form_error, safe_next_url

blueprint = Blueprint("notifications", __name__)

INVALID = 422


@blueprint.route("/account/notifications", methods=["GET", "POST"], endpoint="preferences")
@login_required
def preferences_page():
    user = current_user._get_current_object()
    current = preferences.preferences_of(user.id)
    if request.method == "GET":
        return render_template("notifications/preferences.html", form=preferences_form(current))
    form = preferences_form(current, formdata=request.form)
    if form.validate():
        try:
            choices = preferences.parse_choices(request.form)
            changed = preferences.save_preferences(user, choices)
        except DomainError as error:
            add_form_error(form, error)
        else:
            flash(_("Your choices are saved.") if changed else _("Nothing changed."), "success")
            return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form), INVALID


@blueprint.get("/unsubscribe/<token>")
def confirm_unsubscribe(token: str):
    """The page a person reaches from the link in a mail: what it stops, and one button;
    opened again once those kinds are off, it says so and offers no button."""
    user_id, kinds = preferences.read_unsubscribe_token(token)
    choices = preferences.preferences_of(user_id)
    still_on = [kind for kind in kinds if choices[kind] is not Delivery.OFF]
    already_off = [kind for kind in kinds if kind not in still_on]
    return render_template(
        "notifications/unsubscribe.html", token=token, kinds=still_on, already_off=already_off
    )


# A mail client's one-click unsubscribe (RFC 8058) is a POST with no session and no
# CSRF token, so this one route is exempt from CSRF on purpose. It is safe: the signed
# token in the address names the person and the kinds, and the route can only ever turn
# those kinds off; a forged request without the token changes nothing.
@blueprint.post("/unsubscribe/<token>")
@csrf.exempt
def unsubscribe(token: str):
    _user, kinds = preferences.unsubscribe(token)
    return render_template("notifications/unsubscribed.html", kinds=kinds)


def _following_said(phase: Phase) -> str:
    """What a new follower will hear about, by the phase (as the follow form says it)."""
    if phase is Phase.OPEN:
        return _(
            "You follow this consultation: we tell you when it closes soon or publishes a report."
        )
    if phase in (Phase.CLOSED, Phase.IMPORTED):
        return _("You follow this consultation: we tell you when it publishes a report.")
    return _(
        "You follow this consultation: we tell you when it opens, closes soon or "
        "publishes a report."
    )


@blueprint.post("/c/<slug>/follow")
@login_required
def set_following(slug: str):
    wanted = request.form.get("follow")
    if wanted not in ("1", "0"):
        raise DomainError(_("Say whether to follow or unfollow."))
    consultation = follow.set_following(current_user._get_current_object(), slug, wanted == "1")
    flash(
        _following_said(consultation.phase())
        if wanted == "1"
        else _("You no longer follow this consultation."),
        "success",
    )
    back = request.form.get("next")
    return redirect(safe_next_url(back) if back else url_for("consultations.show", slug=slug))
