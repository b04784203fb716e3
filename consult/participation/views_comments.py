"""The discussion of one statement or clause: its page, and posting, editing, deleting and
reporting comments."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.consultations.services import get_visible_consultation
from consult.errors import Conflict, DomainError, LoginRequired
from consult.i18n import current_language
from consult.input_guard import optional_id
from consult.participation import comments, lineage, reading
from consult.participation.blueprint import blueprint
from consult.participation.forms import CommentForm, EditCommentForm, ReportForm
from consult.participation.models import Stance
from consult.participation.participants import actor_for, find_participant
from consult.web import add_form_error, render_page_or_fragment, wants_fragment


def _statement_page(
    consultation,
    statement_id: int,
    form: CommentForm | None = None,
    status: int = 200,
    **announced,
):
    """The statement (or clause) page, or its thread alone for htmx. ``announced`` holds
    what an in-place post says (``announce``) and the comment to focus (``focus_comment``)."""
    actor = actor_for(consultation)
    statement = comments.discussable_statement(consultation, statement_id, actor)
    participant = find_participant(consultation, actor)
    clause = reading.clause_of_statement(statement)
    # A clause's page gathers the discussion of its earlier wordings; an earlier wording's
    # page says so, links the current text and offers nothing to act on.
    history = lineage.clause_lineage(consultation, statement)
    superseded = history is not None and history.is_superseded
    lineages = {statement.id: statement.lineage_key} if statement.lineage_key else None
    box = reading.vote_boxes([statement.id], participant, None if superseded else lineages)
    view = reading.ThreadView.from_args(request.args)
    earlier = lineage.earlier_discussion(history, view)
    return render_page_or_fragment(
        "participation/statement.html",
        "participation/_thread.html",
        status=status,
        consultation=consultation,
        statement=statement,
        clause=clause,
        box=reading.with_earlier_comments(box[statement.id], earlier.count),
        thread=reading.thread(statement, participant, view),
        history=history,
        superseded=superseded,
        earlier=earlier,
        read_only=lineage.ReadOnlyConsultation(consultation),
        view=view,
        stances=list(Stance),
        viewer=participant,
        form=form or CommentForm(),
        next_url=request.path,
        announce=announced.get("announce"),
        focus_comment=announced.get("focus_comment"),
    )


@blueprint.get("/c/<slug>/s/<int:statement_id>")
def show_statement(slug: str, statement_id: int):
    consultation = get_visible_consultation(slug, current_user)
    return _statement_page(consultation, statement_id)


@blueprint.post("/c/<slug>/s/<int:statement_id>/comments")
def post_comment(slug: str, statement_id: int):
    consultation = get_visible_consultation(slug, current_user)
    form = CommentForm()
    if not form.validate():
        return _statement_page(consultation, statement_id, form, status=422)
    parent = form.parent_id.data
    try:
        comment = comments.add_comment(
            consultation,
            statement_id,
            actor_for(consultation, create_key=True),
            body=form.body.data,
            stance=form.stance.data,
            proposed_text=form.proposed_text.data,
            # a reply to no possible comment id finds no comment (404), never an error
            parent_id=(optional_id(parent) or 0) if parent else None,
            language=current_language(),
        )
    except lineage.CommentOnEarlierWording as error:
        if error.current_statement_id is None:  # the clause left the draft
            raise Conflict(_("This clause is no longer in the draft.")) from None
        add_form_error(form, error)  # the text is kept, on the current wording's page
        return _statement_page(consultation, error.current_statement_id, form, status=409)
    except DomainError as error:
        if error.field is None:
            raise
        add_form_error(form, error)
        # 409 for a repeat of the comment just posted, 422 for a form to correct
        status = 409 if isinstance(error, comments.DuplicateComment) else 422
        return _statement_page(consultation, statement_id, form, status=status)
    pending = comment.moderation_state.value == "pending"
    if wants_fragment():
        # The thread again with an empty form (formdata=None: not refilled from this
        # POST), so a second click cannot send the same text again.
        announce = (
            _("Comment posted. It is awaiting moderation.") if pending else _("Comment posted.")
        )
        return _statement_page(
            consultation,
            statement_id,
            CommentForm(formdata=None),
            announce=announce,
            focus_comment=comment.id,
        )
    if pending:
        flash(_("Thank you. Your comment will appear once a moderator has approved it."), "success")
    return redirect(_comment_url(comment))


def _edit_form(comment) -> EditCommentForm:
    """The form, filled with the edit waiting for moderation if there is one."""
    if comment.pending_at is not None:
        return EditCommentForm(
            body=comment.pending_body, proposed_text=comment.pending_proposed_text
        )
    return EditCommentForm(obj=comment)


def _comment_fragment(consultation, comment, actor, announce: str):
    """One comment as its author sees it: what htmx swaps in after an edit, focused, with
    what the live region says."""
    viewer = find_participant(consultation, actor)
    fragment = "participation/_comment.html"
    return render_page_or_fragment(
        fragment,
        fragment,
        consultation=consultation,
        comment=comment,
        viewer=viewer,
        focus_comment=comment.id,
        comment_announce=announce,
    )


@blueprint.route("/c/<slug>/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit_comment(slug: str, comment_id: int):
    consultation = get_visible_consultation(slug, current_user)
    actor = actor_for(consultation)
    comment = comments.own_comment(consultation, comment_id, actor)
    form = _edit_form(comment)
    status = 200
    if request.method == "POST":
        if form.validate():
            try:
                comment = comments.edit_comment(
                    consultation,
                    comment_id,
                    actor,
                    body=form.body.data,
                    proposed_text=form.proposed_text.data,
                )
            except DomainError as error:
                if error.field is None:
                    raise
                add_form_error(form, error)
            else:
                if comment.pending_at is not None:
                    said = _("Your edit is awaiting moderation.")
                else:
                    said = _("Your comment has been updated.")
                if wants_fragment():
                    return _comment_fragment(consultation, comment, actor, said)
                flash(said, "success")
                return redirect(_comment_url(comment))
        status = 422
    return render_page_or_fragment(
        "participation/comment_edit.html",
        "participation/_comment_edit.html",
        status=status,
        consultation=consultation,
        comment=comment,
        form=form,
    )


@blueprint.post("/c/<slug>/comments/<int:comment_id>/edit/withdraw")
def withdraw_edit(slug: str, comment_id: int):
    consultation = get_visible_consultation(slug, current_user)
    actor = actor_for(consultation)
    comment = comments.withdraw_edit(consultation, comment_id, actor)
    if wants_fragment():
        return _comment_fragment(consultation, comment, actor, _("Your edit has been withdrawn."))
    flash(_("Your edit has been withdrawn."), "info")
    return redirect(_comment_url(comment))


def _comment_url(comment) -> str:
    consultation_slug = request.view_args["slug"]
    return url_for(
        ".show_statement",
        slug=consultation_slug,
        statement_id=comment.statement_id,
        _anchor=f"comment-{comment.id}",
    )


@blueprint.post("/c/<slug>/comments/<int:comment_id>/delete")
def delete_comment(slug: str, comment_id: int):
    consultation = get_visible_consultation(slug, current_user)
    actor = actor_for(consultation)
    comment = comments.own_comment(consultation, comment_id, actor)
    statement_id = comment.statement_id
    comments.delete_comment(consultation, comment_id, actor)
    flash(_("Your comment has been deleted."), "info")
    return redirect(url_for(".show_statement", slug=slug, statement_id=statement_id))


@blueprint.route("/c/<slug>/comments/<int:comment_id>/report", methods=["GET", "POST"])
def report_comment(slug: str, comment_id: int):
    consultation = get_visible_consultation(slug, current_user)
    if not current_user.is_authenticated:
        raise LoginRequired(_("Log in to report a comment."))
    comments.public_comment(consultation, comment_id)
    form = ReportForm()
    if request.method == "POST" and form.validate():
        try:
            reported = comments.report_comment(
                consultation, comment_id, current_user, form.reason.data
            )
        except DomainError as error:
            if error.field is None:
                raise
            add_form_error(form, error)
        else:
            flash(_("Thank you. Moderators will look at this comment."), "success")
            return redirect(_comment_url(reported))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "participation/report.html", consultation=consultation, comment_id=comment_id, form=form
    ), status
