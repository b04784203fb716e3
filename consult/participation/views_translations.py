"""Proposing a translation of a statement or a comment: a small form on the statement page
and on each comment (htmx swaps it in place), and a page of its own without JavaScript."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from consult.consultations.services import get_visible_consultation
from consult.errors import DomainError
from consult.extensions import db
from consult.participation import translations
from consult.participation.blueprint import blueprint
from consult.participation.forms import TranslationForm
from consult.participation.models import COMMENT_MAX, STATEMENT_MAX, ModerationState, Statement
from consult.participation.participants import actor_for
from consult.web import add_form_error, render_page_or_fragment, wants_fragment


@blueprint.app_template_global("reading")
def reading(obj):
    """What a reader sees of a statement or comment (translations.reading_of)."""
    return translations.reading_of(obj)


@blueprint.app_template_global("language_label")
def language_label(code):
    return translations.language_label(code)


@blueprint.app_template_global("translation_limit")
def translation_limit(kind: str) -> int:
    return STATEMENT_MAX if kind == "statement" else COMMENT_MAX


@blueprint.route("/c/<slug>/s/<int:statement_id>/translate", methods=["GET", "POST"])
def translate_statement(slug: str, statement_id: int):
    return _translate(slug, "statement", statement_id)


@blueprint.route("/c/<slug>/comments/<int:comment_id>/translate", methods=["GET", "POST"])
def translate_comment(slug: str, comment_id: int):
    return _translate(slug, "comment", comment_id)


def _back_url(slug: str, target: translations.Target) -> str:
    if target.kind == "statement":
        return url_for(".show_statement", slug=slug, statement_id=target.obj.id)
    return url_for(
        ".show_statement",
        slug=slug,
        statement_id=target.obj.statement_id,
        _anchor=f"comment-{target.obj.id}",
    )


def _translate(slug: str, kind: str, item_id: int):
    """The form (GET), or a proposal (POST): the fragment again for htmx, with what was
    done or what to correct; without JavaScript a redirect back, or this page on an error."""
    consultation = get_visible_consultation(slug, current_user)
    target = translations.translatable(consultation, kind, item_id)
    form, status, message = None, 200, None
    if request.method == "POST":
        form = TranslationForm()
        if form.validate():
            try:
                proposed = translations.propose_translation(
                    consultation,
                    kind,
                    item_id,
                    actor_for(consultation, create_key=True),
                    current_user,
                    language=form.language.data,
                    text=form.text.data,
                )
            except DomainError as error:
                if error.field is None:
                    raise
                add_form_error(form, error)
                status = 409 if error.status == 409 else 422
            else:
                if proposed.moderation_state is ModerationState.APPROVED:
                    message = _("Thank you. Your translation is published.")
                else:
                    message = _(
                        "Thank you. Your translation will appear once a moderator has approved it."
                    )
                if not wants_fragment():
                    flash(message, "success")
                    return redirect(_back_url(slug, target))
                form = None  # an empty form: the same text cannot be sent twice by a click
        else:
            status = 422
    statement = target.obj
    if kind == "comment":
        statement = db.session.get(Statement, target.obj.statement_id)
    return render_page_or_fragment(
        "participation/translate.html",
        "participation/_translation_form.html",
        status=status,
        consultation=consultation,
        t_kind=kind,
        t_obj=target.obj,
        t_form=form,
        t_message=message,
        back_url=_back_url(slug, target),
        statement_number=statement.number,
    )
