"""Verification forms: a verifier's decision, and the admin's choice of verifiers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from consult.auth.models import EMAIL_MAX
from consult.verification.services import NOTE_MAX


class DecisionForm(FlaskForm):
    # The service checks the value (verified or declined) and names the field when wrong.
    decision = StringField(
        _l("Decision"), validators=[InputRequired(_l("Choose verify or decline."))]
    )
    note = TextAreaField(_l("Note (required to decline)"), validators=[Length(max=NOTE_MAX)])
    back = HiddenField()  # the list's filters, to return to the same page


class VerifierForm(FlaskForm):
    email = EmailField(
        _l("Email of their account"),
        validators=[InputRequired(_l("Enter an email address.")), Length(max=EMAIL_MAX)],
    )
