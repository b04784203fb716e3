"""Taking part: voting in place and one's own record (discussion and flow: views_discussion)."""

from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.consultations.services import get_visible_consultation
from consult.errors import DomainError, LoginRequired
from consult.participation import mine, reading, votes
from consult.participation.blueprint import blueprint
from consult.participation.participants import actor_for, find_participant
from consult.web import safe_next_url, wants_fragment


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
def vote(slug: str, statement_id: int):
    """Agree, disagree, pass or withdraw; htmx gets the updated vote box, others a redirect."""
    consultation = get_visible_consultation(slug, current_user)
    actor = actor_for(consultation, create_key=True)
    as_fragment = wants_fragment()
    try:
        value = votes.parse_choice(request.form.get("choice"))
        tally = votes.record_vote(consultation, statement_id, actor, value)
    except DomainError as error:
        if isinstance(error, LoginRequired) or not as_fragment or error.status == 404:
            raise
        # The box as it stands (the vote did not change it). Alone it shows no
        # discussion link, so its comment count is not needed.
        participant = find_participant(consultation, actor)
        box = reading.vote_boxes([statement_id], participant, with_comment_counts=False)
        return vote_box_response(consultation, box[statement_id], error.message, error.status)
    if as_fragment:
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
