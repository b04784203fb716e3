"""Taking part: voting in place, the statement-by-statement flow, and one's own record."""

from __future__ import annotations

from flask import Blueprint, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.consultations.models import Consultation
from consult.consultations.services import get_visible_consultation
from consult.errors import DomainError, LoginRequired
from consult.extensions import limiter
from consult.participation import mine, reading, votes
from consult.participation.participants import Actor, find_participant, new_anonymous_key
from consult.web import safe_next_url, wants_fragment

blueprint = Blueprint("participation", __name__)

ANON_SESSION_KEY = "anon"


def actor_for(consultation: Consultation, *, create_key: bool = False) -> Actor:
    """The person acting: their account, or this browser's pseudonymous key (made on demand)."""
    if current_user.is_authenticated:
        return Actor(user=current_user._get_current_object())
    keys = session.get(ANON_SESSION_KEY, {})
    key = keys.get(str(consultation.id))
    if key is None and create_key and consultation.allow_anonymous:
        key = new_anonymous_key()
        session[ANON_SESSION_KEY] = {**keys, str(consultation.id): key}
    return Actor(anonymous_key=key)


def pseudonymous_keys() -> dict[str, str]:
    return dict(session.get(ANON_SESSION_KEY, {}))


def rate_limit_key() -> str:
    """Per account, else per pseudonymous browser, else per address."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    keys = session.get(ANON_SESSION_KEY)
    if keys:
        return "anon:" + ",".join(sorted(keys.values()))
    return f"ip:{request.remote_addr}"


def vote_box_response(consultation, box: reading.VoteBox, error=None, status=200):
    """The vote box fragment of one statement, as htmx swaps it in."""
    response = make_response(
        render_template(
            "participation/_vote.html",
            consultation=consultation,
            box=box,
            error=error,
            next_url=request.form.get("next") or request.path,
        ),
        status,
    )
    response.vary.add("HX-Request")
    return response


@blueprint.post("/c/<slug>/statements/<int:statement_id>/vote")
@limiter.limit("120 per minute", key_func=rate_limit_key)
def vote(slug: str, statement_id: int):
    """Agree, disagree, pass or withdraw; htmx gets the updated vote box, others a redirect."""
    consultation = get_visible_consultation(slug, current_user)
    actor = actor_for(consultation, create_key=True)
    try:
        value = votes.parse_choice(request.form.get("choice"))
        tally = votes.record_vote(consultation, statement_id, actor, value)
    except DomainError as error:
        if isinstance(error, LoginRequired) or not wants_fragment() or error.status == 404:
            raise
        # The box as it stands (the vote did not change it). Alone it shows no
        # discussion link, so its comment count is not needed.
        participant = find_participant(consultation, actor)
        box = reading.vote_boxes([statement_id], participant, with_comment_counts=False)
        return vote_box_response(consultation, box[statement_id], error.message, error.status)
    if wants_fragment():
        box = reading.VoteBox(statement_id=statement_id, tally=tally, my_vote=value)
        return vote_box_response(consultation, box)
    default = url_for("consultations.show", slug=slug, _anchor=f"s-{statement_id}")
    target = request.form.get("next")
    return redirect(safe_next_url(target) if target else default)


@blueprint.get("/c/<slug>/me")
def my_participation(slug: str):
    consultation = get_visible_consultation(slug, current_user)
    actor = actor_for(consultation)
    if not actor.is_known:
        raise LoginRequired(_("Log in to see your participation."))
    record = mine.my_participation(consultation, find_participant(consultation, actor))
    return render_template("participation/me.html", consultation=consultation, record=record)


# Comments, statements and the voting flow live in their own module, on this blueprint.
from consult.participation.views_discussion import register_discussion  # noqa: E402

register_discussion(blueprint)
