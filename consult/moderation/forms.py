"""Moderation forms; each carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from consult.input_guard import optional_id
from consult.moderation.duplicates import SEARCH_MAX
from consult.moderation.models import Outcome
from consult.moderation.services import REASON_MAX


class ModerateForm(FlaskForm):
    """One item: the clicked button names the action; ``seen_state`` guards against races."""

    action = HiddenField(validators=[InputRequired()])
    seen_state = HiddenField(validators=[InputRequired()])
    reason = TextAreaField(
        _l("Reason (shown to the author)"), validators=[Optional(), Length(max=REASON_MAX)]
    )
    # A statement number, or words from the text of the statement this one repeats.
    duplicate_of = StringField(
        _l("Duplicate of statement (number or words from it)"),
        validators=[Optional(), Length(max=SEARCH_MAX)],
    )
    next = HiddenField()


class BulkForm(FlaskForm):
    """Many items at once: each checkbox is ``kind:id:seen_state``."""

    items = SelectMultipleField(validate_choice=False)
    action = HiddenField(validators=[InputRequired()])
    reason = TextAreaField(
        _l("Reason for rejecting (shown to the authors)"),
        validators=[Optional(), Length(max=REASON_MAX)],
    )
    next = HiddenField()

    def selections(self) -> list[tuple[str, int, str]]:
        parsed = []
        for value in self.items.data or []:
            kind, _, rest = value.partition(":")
            item_id, _, seen = rest.partition(":")
            number = optional_id(item_id)  # past the id range: no such item
            if kind in ("statement", "comment", "translation") and number is not None:
                parsed.append((kind, number, seen))
        return parsed


class ResponseForm(FlaskForm):
    outcome = SelectField(
        _l("Answer"),
        choices=[SelectChoice(o.value, o.label) for o in Outcome],
        validators=[InputRequired(_l("Choose an answer: there is no default."))],
    )
    reason = TextAreaField(
        _l("Reason (shown to the author)"),
        validators=[InputRequired(_l("Give a reason: the author will see it.")),
                    Length(max=REASON_MAX)],
    )  # fmt: skip
