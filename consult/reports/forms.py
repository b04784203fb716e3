"""The form an organiser publishes a report with (CSRF-protected by Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from consult.reports.models import REPORT_SLUG_MAX


class PublishForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[InputRequired(_l("Give the report a title.")), Length(max=200)]
    )
    slug = StringField(
        _l("Address (letters, digits and hyphens; optional)"),
        validators=[Optional(), Length(max=REPORT_SLUG_MAX)],
    )
    introduction = TextAreaField(
        _l("Introduction"),
        description=_l("What the consultation asked, who took part, and how to read the report."),
        validators=[Length(max=20000)],
    )
