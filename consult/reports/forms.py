"""The form an organiser publishes a report with (CSRF-protected by Flask-WTF)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, StringField, TextAreaField
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
        description=_l(
            "What the consultation asked, who took part, and how to read the report. "
            "Separate paragraphs with a blank line."
        ),
        validators=[Length(max=20000)],
    )
    embargo_until = DateTimeLocalField(
        _l("Not public before (UTC; optional)"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
    )
    data_public = BooleanField(
        _l("Publish the data files even while the analysis dashboard is hidden"),
    )

    def embargo_utc(self) -> datetime | None:
        """The embargo as an aware UTC moment (the field is read as UTC)."""
        moment = self.embargo_until.data
        return moment.replace(tzinfo=UTC) if moment else None
