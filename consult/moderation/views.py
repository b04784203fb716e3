"""The moderation queue, single and bulk actions, reports and answers to contributions."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.auth.permissions import login_required
from consult.consultations.services import current_version
from consult.drafts.services import working_version
from consult.errors import Conflict, DomainError, Forbidden
from consult.moderation import duplicates, edits, reports, responses, services
from consult.moderation import queue as moderation_queue
from consult.moderation.access import team_consultation, team_consultations
from consult.moderation.context import queue_context
from consult.moderation.forms import BulkForm, ModerateForm, ResponseForm
from consult.moderation.queue import QueueFilters
from consult.participation.models import ModerationState
from consult.web import render_page_or_fragment, safe_next_url, wants_fragment

blueprint = Blueprint("moderation", __name__)

INVALID = 422


@blueprint.app_context_processor
def navigation_count():
    """The header's queue link asks for its count only when it is drawn."""
    return {
        "moderation_waiting_count": lambda: services.waiting_count(current_user),
        "moderation_states": tuple(ModerationState),
    }


def _render_queue(consultations, filters: QueueFilters, status=200, **extra):
    slugs = {c.id: c.slug for c in consultations}
    by_slug = {c.slug: c for c in consultations}
    chosen = by_slug.get(filters.consultation)
    items = []
    if chosen or not filters.consultation:
        scope = [chosen.id] if chosen else list(slugs)
        items = moderation_queue.queue(
            current_user,
            consultation_id=chosen.id if chosen else None,
            kind=filters.kind or None,
            state=filters.state,
            on_statements=(
                moderation_queue.clause_statement_ids(scope, filters.clause)
                if filters.clause
                else None
            ),
            older_than=moderation_queue.AGES.get(filters.age),
        )
        if not chosen:
            items = [item for item in items if item.obj.consultation_id in slugs]
    shown = current_version(chosen) if chosen else None
    return render_page_or_fragment(
        "moderation/queue.html",
        "moderation/_queue.html",
        status=status,
        items=items,
        contexts=queue_context(items),
        consultations=consultations,
        titles={c.id: c.title for c in consultations},
        slugs=slugs,
        filters=filters,
        clauses=shown.clauses if shown else [],
        bulk_form=BulkForm(),
        edit_diff=edits.edit_diff,
        next_url=request.full_path.rstrip("?") if request.method == "GET" else extra.get("next"),
        **extra,
    )


@blueprint.get("/moderation")
@login_required
def queue():
    consultations = team_consultations(current_user)
    if not consultations:
        raise Forbidden(_("You do not moderate any consultation."))
    return _render_queue(consultations, moderation_queue.parse_filters(request.args))


@blueprint.get("/c/<slug>/moderate")
@login_required
def consultation_queue(slug: str):
    consultation = team_consultation(slug, current_user)
    filters = replace(moderation_queue.parse_filters(request.args), consultation=consultation.slug)
    return _render_queue([consultation], filters, consultation=consultation)


def _render_item(consultation, item, status=200, form=None, **context):
    default_next = url_for(".consultation_queue", slug=consultation.slug)
    return render_page_or_fragment(
        "moderation/item.html",
        "moderation/_item.html",
        status=status,
        item=item,
        contexts=queue_context([item]),
        consultation=consultation,
        titles={consultation.id: consultation.title},
        slugs={consultation.id: consultation.slug},
        form=form,
        edit_diff=edits.edit_diff,
        next_url=(form.next.data if form else None) or default_next,
        **context,
    )


def _finish(consultation, item, form, message):
    if wants_fragment():
        return _render_item(consultation, item, form=form, message=message)
    flash(message, "success")
    return redirect(safe_next_url(form.next.data or url_for(".queue")))


def _decide(consultation, item, decide):
    """Check the moderation form, then ``decide(form)`` -> (updated item, message).

    Done: the updated item (htmx) or a redirect. Refused: the item again with the reason
    (a conflict with another moderator's decision stays a 409 page without htmx)."""
    form = ModerateForm()
    if not form.validate():
        return _render_item(consultation, item, INVALID, form, error=_("Choose an action."))
    try:
        done, message = decide(form)
    except Conflict as error:
        if not wants_fragment():
            raise
        return _render_item(consultation, item, error.status, form, error=error.message)
    except DomainError as error:
        return _render_item(consultation, item, INVALID, form, error=error.message)
    return _finish(consultation, done, form, message)


@blueprint.post("/c/<slug>/moderate/<any(statements, comments, translations):plural>/<int:item_id>")
@login_required
def act(slug: str, plural: str, item_id: int):
    consultation = team_consultation(slug, current_user)
    kind = plural[:-1]
    obj = services.get_item(consultation, kind, item_id)

    def decide(form):
        wanted = form.duplicate_of.data if form.action.data == "duplicate" else None
        duplicate_of = duplicates.resolve_duplicate(consultation, obj, wanted)
        moderated = services.moderate(
            current_user, consultation, kind, obj.id, form.action.data, form.seen_state.data,
            form.reason.data, duplicate_of,
        )  # fmt: skip
        message = _("Done: the item is now %(state)s.", state=moderated.moderation_state.label)
        return services.QueueItem(kind, moderated, moderated.created_at), message

    return _decide(consultation, services.QueueItem(kind, obj, obj.created_at), decide)


@blueprint.post("/c/<slug>/moderate/reports/<int:report_id>")
@login_required
def act_on_report(slug: str, report_id: int):
    consultation = team_consultation(slug, current_user)
    report = reports.get_report(consultation, report_id)
    target = services.report_target(report)[1]

    def decide(form):
        resolved = reports.resolve_report(
            current_user, consultation, report.id, form.action.data, form.reason.data,
            form.seen_state.data,
        )  # fmt: skip
        item = services.QueueItem("report", resolved, resolved.created_at, target)
        return item, _("Done: the report is resolved.")

    item = services.QueueItem("report", report, report.created_at, target)
    return _decide(consultation, item, decide)


@blueprint.post("/c/<slug>/moderate/edits/<int:comment_id>")
@login_required
def act_on_edit(slug: str, comment_id: int):
    """Approve or reject the edit of an approved comment (``seen_state``: the edit's time)."""
    consultation = team_consultation(slug, current_user)
    comment = edits.get_pending_edit(consultation, comment_id)
    item = services.QueueItem("edit", comment, comment.pending_at or comment.created_at)

    def decide(form):
        decided = edits.decide_edit(
            current_user, consultation, comment.id, form.action.data, form.seen_state.data,
            form.reason.data,
        )  # fmt: skip
        message = (
            _("Done: the edit is published.")
            if form.action.data == "approve"
            else _("Done: the edit is rejected; the approved text stays.")
        )
        return services.QueueItem("edit", decided, item.created_at), message

    return _decide(consultation, item, decide)


@blueprint.post("/moderation/bulk")
@login_required
def bulk():
    consultations = team_consultations(current_user)
    if not consultations:
        raise Forbidden(_("You do not moderate any consultation."))
    form = BulkForm()
    filters = moderation_queue.parse_filters(request.form)
    next_url = safe_next_url(form.next.data or url_for(".queue"))
    selections = form.selections()
    error = None
    if not form.validate() or not selections:
        error = _("Tick at least one item.")
    else:
        try:
            outcome = services.bulk_moderate(
                current_user, selections, form.action.data, form.reason.data
            )
        except DomainError as refused:
            if refused.status == 403:
                raise
            error = refused.message
    if error:
        if wants_fragment():
            return _render_queue(consultations, filters, INVALID, bulk_error=error, next=next_url)
        flash(error, "error")
        return redirect(next_url)
    message = _("%(n)d items done.", n=outcome.done)
    if wants_fragment():
        return _render_queue(
            consultations, filters, bulk_message=message, bulk_problems=outcome.problems,
            next=next_url,
        )  # fmt: skip
    flash(message, "success")
    for problem in outcome.problems:
        flash(problem, "error")
    return redirect(next_url)


@blueprint.get("/c/<slug>/moderate/responses")
@login_required
def contributions(slug: str):
    consultation = team_consultation(slug, current_user)
    return render_page_or_fragment(
        "moderation/responses.html",
        "moderation/_responses.html",
        consultation=consultation,
        contributions=responses.contributions_to_answer(consultation),
        form=ResponseForm(),
        clauses=_draft_clauses(consultation),
    )


def _render_contribution(consultation, contribution, form, status=200, **context):
    """One contribution with its answer form: the page, or the fragment htmx swaps in."""
    return render_page_or_fragment(
        "moderation/response_page.html",
        "moderation/_contribution.html",
        status=status,
        consultation=consultation,
        contribution=contribution,
        form=form,
        clauses=_draft_clauses(consultation),
        **context,
    )


def _draft_clauses(consultation):
    shown = working_version(consultation) or current_version(consultation)
    return shown.clauses if shown else []


@blueprint.post("/c/<slug>/moderate/responses/<any(statements, comments):plural>/<int:item_id>")
@login_required
def respond(slug: str, plural: str, item_id: int):
    consultation = team_consultation(slug, current_user)
    kind = plural[:-1]
    obj = services.get_item(consultation, kind, item_id)
    form = ResponseForm()
    error = None
    if form.validate():
        try:
            response = responses.record_response(
                current_user, consultation, kind, obj.id, form.outcome.data, form.reason.data
            )
        except DomainError as refused:
            error = refused.message
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if error:
        contribution = responses.contribution(kind, obj, responses.response_for(kind, obj.id))
        return _render_contribution(consultation, contribution, form, INVALID, error=error)
    message = _("Your answer is saved; the author will see it.")
    if wants_fragment():
        contribution = responses.contribution(kind, obj, response)
        return _render_contribution(
            consultation, contribution, ResponseForm(formdata=None), message=message
        )
    flash(message, "success")
    return redirect(url_for(".contributions", slug=slug) + f"#{kind}-{obj.id}")
