"""Account forms; every one carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from consult import geo
from consult.auth.models import EMAIL_MAX, NAME_MAX, ORGANISATION_MAX, Sector
from consult.auth.profile import REQUEST_NOTE_MAX
from consult.auth.services import PASSWORD_MAX, PASSWORD_MIN
from consult.i18n import current_language


def sector_choices():
    return [("", _l("Choose your sector"))] + [(s.value, s.label) for s in Sector]


def country_choices():
    return [("", _l("Choose your country"))] + geo.country_choices(current_language())


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _new_password_field(label) -> PasswordField:
    """A new password's field: its length here, its strength in auth/passwords.py."""
    return PasswordField(
        label,
        description=_l(
            "At least %(n)d characters and hard to guess: a few uncommon words together work well.",
            n=PASSWORD_MIN,
        ),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(min=PASSWORD_MIN, max=PASSWORD_MAX),
        ],
    )


def _repeat_field(label, of: str) -> PasswordField:
    return PasswordField(
        label, validators=[DataRequired(), EqualTo(of, _l("The two passwords differ."))]
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"), filters=[_strip], validators=[DataRequired(), Length(max=EMAIL_MAX)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    next = HiddenField()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )
    new_password = _new_password_field(_l("New password"))
    confirm = _repeat_field(_l("Repeat new password"), "new_password")


class ProfileForm(FlaskForm):
    """The account's own name and stakeholder profile (consult.auth.profile checks it);
    registration asks for the same fields."""

    display_name = StringField(
        _l("Name shown to others"),
        validators=[DataRequired(_l("Enter your name.")), Length(max=NAME_MAX)],
    )
    sector = SelectField(
        _l("Stakeholder sector"),
        choices=sector_choices,
        validate_choice=True,
        validators=[DataRequired(_l("Choose a stakeholder sector from the list."))],
    )
    country = SelectField(
        _l("Country"),
        choices=country_choices,
        validators=[DataRequired(_l("Choose a country from the list."))],
    )
    organisation = StringField(
        _l("Organisation (optional)"), validators=[Optional(), Length(max=ORGANISATION_MAX)]
    )


class RegisterForm(ProfileForm):
    email = EmailField(
        _l("Email"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=EMAIL_MAX),
            Email(
                _l("Enter a valid email address, like name@example.org."),
                check_deliverability=False,
            ),
        ],
    )
    password = _new_password_field(_l("Password"))
    confirm = _repeat_field(_l("Repeat password"), "password")
    next = HiddenField()

    # The page's order (templates/auth/register.html), which the list of problems above
    # the form follows; the profile's fields, inherited, would otherwise come first.
    PAGE_ORDER = ("email", "display_name", "password", "confirm", "sector", "country")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first = [name for name in self.PAGE_ORDER if name in self._fields]
        rest = [name for name in self._fields if name not in first]
        self._fields = {name: self._fields[name] for name in first + rest}


class VerificationRequestForm(FlaskForm):
    note = TextAreaField(
        _l("Note for the verifiers (optional)"),
        description=_l(
            "For example a web page that lists you, or a colleague the verifiers may contact."
        ),
        validators=[Optional(), Length(max=REQUEST_NOTE_MAX)],
    )


def _email_field(label):
    return EmailField(
        label,
        filters=[_strip],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=EMAIL_MAX),
            Email(
                _l("Enter a valid email address, like name@example.org."),
                check_deliverability=False,
            ),
        ],
    )


class ForgotPasswordForm(FlaskForm):
    email = _email_field(_l("Email"))


class ResetPasswordForm(FlaskForm):
    password = _new_password_field(_l("New password"))
    confirm = _repeat_field(_l("Repeat new password"), "password")


class ChangeEmailForm(FlaskForm):
    email = _email_field(_l("New email address"))
    password = PasswordField(
        _l("Your password"),
        description=_l("Asked again so that a session left open elsewhere cannot do this."),
        validators=[DataRequired(_l("Enter your password.")), Length(max=PASSWORD_MAX)],
    )


class ButtonForm(FlaskForm):
    """A form that is only a button (and its CSRF token): confirming from a mailed link
    takes a click, since mail scanners open links and must not use them up."""
