"""Statements from participants and the one-at-a-time voting flow (comments: views_comments)."""

from __future__ import annotations

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from consult.consultations.services import get_visible_consultation
from consult.errors import DomainError, LoginRequired
from consult.i18n import current_language
from consult.input_guard import bounded_id
from consult.participation import flow, listing, reading, statements, votes
from consult.participation.blueprint import blueprint
from consult.participation.forms import StatementForm
from consult.participation.participants import actor_for, find_participant
from consult.web import add_form_error, render_page_or_fragment, wants_fragment

SKIPPED_KEY = "skipped"
# Writes are rate limited in one place: consult.ratelimits.POLICY.


def _duplicate_message(slug: str, error) -> Markup:
    """The refusal of a statement already there, linking it when others can vote on it."""
    if not error.approved:
        return Markup.escape(error.message)
    url = url_for(".show_statement", slug=slug, statement_id=error.statement_id)
    return Markup('{} <a href="{}">{}</a>').format(
        _("A statement like this exists:"),
        url,
        _("Statement %(n)d — vote on it", n=error.number),
    )


@blueprint.route("/c/<slug>/statements", methods=["GET", "POST"])
def statement_list(slug: str):
    consultation = get_visible_consultation(slug, current_user)
    actor = actor_for(consultation, create_key=request.method == "POST")
    form = StatementForm()
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                statement = statements.submit_statement(
                    consultation, actor, form.text.data, language=current_language()
                )
            except DomainError as error:
                if error.field is None and error.status != 409:
                    raise
                if isinstance(error, statements.DuplicateStatement):
                    form.form_errors.append(_duplicate_message(slug, error))
                else:
                    add_form_error(form, error)
                status = error.status if error.status == 409 else 422
            else:
                if statement.moderation_state.value == "pending":
                    flash(
                        _(
                            "Thank you. Your statement will be open for voting once a "
                            "moderator has approved it."
                        ),
                        "success",
                    )
                else:
                    flash(_("Thank you. Your statement is open for voting."), "success")
                return redirect(url_for(".statement_list", slug=slug))
        else:
            status = 422
    participant = find_participant(consultation, actor)
    # Search, filter, sort and page from the query string (a bad value answers 400; a
    # page past the last one, 404 with links to the first and last pages).
    found = listing.find_statements(consultation, participant, request.args)
    if found.past_the_end and status == 200:
        status = 404
    return render_page_or_fragment(
        "participation/statements.html",
        # htmx asks for the results alone; a refused statement shows the whole page again.
        "participation/_statement_results.html"
        if request.method == "GET"
        else "participation/statements.html",
        status=status,
        consultation=consultation,
        found=found,
        own=[
            s
            for s in statements.own_statements(consultation, participant)
            if s.moderation_state.value != "approved"
        ],
        form=form,
        next_url=request.full_path.rstrip("?"),
    )


def _flow_page(consultation, error: str | None = None, status: int = 200):
    actor = actor_for(consultation)
    participant = find_participant(consultation, actor)
    skipped = set(session.get(SKIPPED_KEY, {}).get(str(consultation.id), []))
    upcoming = flow.next_statement(consultation, participant, skipped)
    clause = reading.clause_of_statement(upcoming.statement) if upcoming.statement else None
    return render_page_or_fragment(
        "participation/flow.html",
        "participation/_flow_card.html",
        status=status,
        consultation=consultation,
        upcoming=upcoming,
        clause=clause,
        error=error,
    )


@blueprint.route("/c/<slug>/vote", methods=["GET", "POST"])
def vote_flow(slug: str):
    """One statement at a time; a vote here brings the next one."""
    consultation = get_visible_consultation(slug, current_user)
    if request.method == "POST":
        as_fragment = wants_fragment()
        actor = actor_for(consultation, create_key=True)
        statement_id = request.form.get("statement_id", type=bounded_id)
        try:
            if statement_id is None:
                raise DomainError(_("Choose a statement to vote on."))
            value = votes.parse_choice(request.form.get("choice"))
            read_in = request.form.get("read_in")
            votes.record_vote(consultation, statement_id, actor, value, read_in)
        except DomainError as error:
            if isinstance(error, LoginRequired) or not as_fragment:
                raise
            return _flow_page(consultation, error.message, error.status)
        if not as_fragment:
            return redirect(url_for(".vote_flow", slug=slug))
    return _flow_page(consultation)


@blueprint.post("/c/<slug>/vote/skip")
def skip_statement(slug: str):
    consultation = get_visible_consultation(slug, current_user)
    statement_id = request.form.get("statement_id", type=bounded_id)
    if statement_id is not None:
        skipped = dict(session.get(SKIPPED_KEY, {}))
        mine = skipped.get(str(consultation.id), [])
        skipped[str(consultation.id)] = [*mine[-200:], statement_id]
        session[SKIPPED_KEY] = skipped
    if wants_fragment():
        return _flow_page(consultation)
    return redirect(url_for(".vote_flow", slug=slug))
