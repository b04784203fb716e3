"""Taking part: voting in place and one's own record (discussion and flow: views_discussion)."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from consult.auth.permissions import login_required
from consult.consultations.models import Consultation
from consult.consultations.services import get_visible_consultation
from consult.errors import DomainError, LoginRequired, NotFound
from consult.extensions import db
from consult.input_guard import bounded_id
from consult.participation import lineage, mine, reading, votes
from consult.participation.blueprint import blueprint
from consult.participation.labels import vote_announcement, vote_label
from consult.participation.models import Statement
from consult.participation.participants import Claim, actor_for, find_participant
from consult.web import safe_next_url, wants_fragment


def vote_box_response(consultation, box: reading.VoteBox, error=None, status=200, announce=None):
    """The vote box fragment of one statement, as htmx swaps it in; ``announce`` is what
    the page's live region says (static/js/consult.js reads it and moves focus to the box)."""
    response = make_response(
        render_template(
            "participation/_vote.html",
            consultation=consultation,
            box=box,
            error=error,
            announce=announce,
            next_url=request.form.get("next") or request.path,
            read_in=votes.read_in(consultation, request.form.get("read_in")),
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
        tally = votes.record_vote(
            consultation, statement_id, actor, value, request.form.get("read_in")
        )
    except DomainError as error:
        if isinstance(error, votes.ClauseChanged) and not as_fragment:
            return _to_current_wording(consultation, statement_id)
        if isinstance(error, LoginRequired) or not as_fragment or error.status == 404:
            raise
        # The box as it stands (the vote did not change it). Alone it shows no
        # discussion link, so its comment count is not needed.
        participant = find_participant(consultation, actor)
        box = reading.vote_boxes([statement_id], participant, with_comment_counts=False)
        return vote_box_response(consultation, box[statement_id], error.message, error.status)
    if as_fragment:
        box = reading.VoteBox(statement_id=statement_id, tally=tally, my_vote=value)
        return vote_box_response(consultation, box, announce=vote_announcement(value, tally))
    # Without JavaScript: back to the page, at the box voted in, saying what was recorded.
    flash(vote_announcement(value, tally), "success")
    target = request.form.get("next")
    if not target:
        return redirect(url_for("consultations.show", slug=slug, _anchor=f"s-{statement_id}"))
    back = safe_next_url(target)
    return redirect(back if "#" in back else f"{back}#vote-{statement_id}")


def _to_current_wording(consultation, statement_id: int):
    """Without JavaScript, a vote on a clause's earlier wording leads to its current text
    (or to the draft, if the clause was removed), saying the vote was not recorded."""
    history = lineage.clause_lineage(consultation, db.session.get(Statement, statement_id))
    current = history.current_statement_id if history else None
    if current is None:
        flash(_("This clause is no longer in the draft, so your vote was not recorded."), "info")
        return redirect(url_for("consultations.show", slug=consultation.slug))
    flash(
        _(
            "This clause has changed since you opened it, so your vote was not recorded. "
            "Here is its current text: please read it and vote again."
        ),
        "info",
    )
    return redirect(
        url_for(
            ".show_statement",
            slug=consultation.slug,
            statement_id=current,
            _anchor=f"vote-{current}",
        )
    )


@blueprint.get("/c/<slug>/me")
def my_participation(slug: str):
    consultation = get_visible_consultation(slug, current_user)
    actor = actor_for(consultation)
    if not actor.is_known:
        raise LoginRequired(_("Log in to see your participation."))
    record = mine.my_participation(consultation, find_participant(consultation, actor))
    return render_template("participation/me.html", consultation=consultation, record=record)


# After logging in: where the account and the pseudonymous visitor voted differently, the
# pairs wait in the session ([consultation id, statement id, account vote, new vote]) until
# the person chooses; the newer vote counts meanwhile.
CONFLICTS_KEY = "vote_conflicts"
CONFLICTS_KEPT = 50


def announce_claim(claim: Claim) -> None:
    """Say what moved to the account at login, and offer the choice where votes differed."""
    if claim.votes:
        flash(
            ngettext(
                "%(num)d vote you made before logging in was added to your account.",
                "%(num)d votes you made before logging in were added to your account.",
                claim.votes,
            ),
            "success",
        )
    written = claim.comments + claim.statements
    if written:
        flash(
            ngettext(
                "%(num)d comment or statement you wrote before logging in is now in your account.",
                "%(num)d comments and statements you wrote before logging in are now in your "
                "account.",
                written,
            ),
            "success",
        )
    if claim.conflicts:
        session[CONFLICTS_KEY] = [
            [c.consultation_id, c.statement_id, c.account_vote, c.new_vote]
            for c in claim.conflicts[:CONFLICTS_KEPT]
        ]
        message = ngettext(
            "Before logging in you voted differently on %(num)d statement than your account "
            "had; your newer vote counts for now.",
            "Before logging in you voted differently on %(num)d statements than your account "
            "had; your newer votes count for now.",
            len(claim.conflicts),
        )
        flash(
            Markup('{} <a href="{}">{}</a>').format(
                message, url_for("participation.vote_choices"), _("Choose which votes to keep")
            ),
            "info",
        )


@blueprint.route("/me/vote-choices", methods=["GET", "POST"])
@login_required
def vote_choices():
    """Choose, for each statement voted on differently before logging in, the vote to keep."""
    pending = [tuple(item) for item in session.get(CONFLICTS_KEY, [])]
    if request.method == "POST":
        statement_id = request.form.get("statement_id", type=bounded_id)
        conflict = next((c for c in pending if c[1] == statement_id), None)
        if conflict is None:
            raise NotFound(_("There is no vote to choose here."))
        value = votes.parse_choice(request.form.get("choice"))
        if value not in conflict[2:]:
            raise DomainError(_("Choose one of your two votes."))
        consultation = db.session.get(Consultation, conflict[0])
        votes.record_vote(consultation, statement_id, actor_for(consultation), value)
        session[CONFLICTS_KEY] = [list(c) for c in pending if c != conflict]
        flash(_("Kept your vote: %(vote)s.", vote=vote_label(value)), "success")
        return redirect(url_for(".vote_choices"))
    choices = reading.vote_choices(pending, current_user)
    return render_template(
        "participation/vote_choices.html", choices=choices, choice_names=votes.VALUE_NAMES
    )
