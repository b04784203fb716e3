"""The preferences form: one choice per kind of notice (off, as it happens, daily digest)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from consult.notifications.models import Delivery, NotificationKind


def preferences_form(current: dict[NotificationKind, Delivery], formdata=None) -> FlaskForm:
    """A form with a radio group per kind, named by the kind's value, set to ``current``."""

    class PreferencesForm(FlaskForm):
        pass

    choices = [SelectChoice(delivery.value, delivery.label) for delivery in Delivery]
    for kind in NotificationKind:
        field = RadioField(kind.label, choices=choices, default=current[kind].value)
        setattr(PreferencesForm, kind.value, field)
    return PreferencesForm(formdata=formdata) if formdata is not None else PreferencesForm()
