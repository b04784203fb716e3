"""Participation forms: they carry the CSRF token and render fields; services validate."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, TextAreaField

from consult.drafts.models import CLAUSE_TEXT_MAX
from consult.participation.models import COMMENT_MAX, STATEMENT_MAX


def stance_choices():
    return [
        ("support", _l("I support this")),
        ("oppose", _l("I oppose this")),
        ("amend", _l("I suggest a change")),
    ]


class CommentForm(FlaskForm):
    # No default: the stance is the commenter's choice, never one made for them.
    stance = RadioField(_l("Your position"), choices=stance_choices, validate_choice=False)
    body = TextAreaField(_l("Your comment"), render_kw={"rows": 4, "maxlength": COMMENT_MAX})
    proposed_text = TextAreaField(
        _l("Proposed wording (for a suggested change)"),
        description=_l("Write the whole clause as you would like it to read."),
        render_kw={"rows": 4, "maxlength": CLAUSE_TEXT_MAX},
    )
    parent_id = HiddenField()


class EditCommentForm(FlaskForm):
    body = TextAreaField(_l("Your comment"), render_kw={"rows": 4, "maxlength": COMMENT_MAX})
    proposed_text = TextAreaField(
        _l("Proposed wording"), render_kw={"rows": 4, "maxlength": CLAUSE_TEXT_MAX}
    )


class StatementForm(FlaskForm):
    text = TextAreaField(
        _l("Your statement"),
        description=_l(
            "One clear point others can agree or disagree with, in %(n)d characters or fewer.",
            n=STATEMENT_MAX,
        ),
        render_kw={"rows": 3, "maxlength": STATEMENT_MAX},
    )


class ReportForm(FlaskForm):
    reason = TextAreaField(
        _l("What is wrong with this comment?"), render_kw={"rows": 3, "maxlength": 1000}
    )


class TranslationForm(FlaskForm):
    # The languages are set per item; the service checks the choice (a clear 422).
    language = SelectField(_l("Into"), choices=[], validate_choice=False)
    text = TextAreaField(_l("Your translation"), render_kw={"rows": 3})
