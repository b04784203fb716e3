"""Organiser forms; each carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

from datetime import UTC

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from consult.auth.models import EMAIL_MAX
from consult.consultations.models import ModerationMode, Role
from consult.i18n import current_language, html_lang, language_name
from consult.organise.services import (
    NOTE_MAX,
    PSEUDONYMS_PER_HOUR_MAX,
    PSEUDONYMS_PER_HOUR_MIN,
    SUMMARY_MAX,
    TITLE_MAX,
    Settings,
)

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class SettingsFormBase(FlaskForm):
    languages = SelectMultipleField(
        _l("Languages offered"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[InputRequired(_l("Offer at least one of the listed languages."))],
    )
    opens_at = DateTimeLocalField(
        _l("Opens at (UTC)"), format=DATETIME_FORMAT, validators=[Optional()]
    )
    closes_at = DateTimeLocalField(
        _l("Closes at (UTC)"), format=DATETIME_FORMAT, validators=[Optional()]
    )
    moderation_mode = SelectField(
        _l("Moderation"),
        choices=[SelectChoice(mode.value, mode.label) for mode in ModerationMode],
    )
    allow_anonymous = BooleanField(_l("People without an account may take part"))
    allow_statements = BooleanField(_l("Participants may add statements"))
    dashboard_public = BooleanField(_l("Anyone may read the analysis dashboard"))
    pseudonymous_per_hour = IntegerField(
        _l("New anonymous participants per network address per hour"),
        description=_l(
            "People in one hall or office often share one address: raise this for an event."
        ),
        # Left empty: unchanged (10 for a new consultation).
        validators=[Optional(), NumberRange(PSEUDONYMS_PER_HOUR_MIN, PSEUDONYMS_PER_HOUR_MAX)],
        render_kw={"placeholder": "10", "min": PSEUDONYMS_PER_HOUR_MIN},
    )

    def _authoritative(self) -> str | None:
        # Only a value sent counts: with none, the service picks (the shown default is the
        # interface language, which need not be among the languages sent).
        field = self._fields.get("authoritative_language")
        return field.data if field is not None and field.raw_data else None

    def settings(self) -> Settings:
        langs = current_app.config["LANGUAGES"]

        def utc(value):
            return value.replace(tzinfo=UTC) if value else None

        return Settings(
            title={lang: self[f"title_{lang}"].data or "" for lang in langs},
            summary={lang: self[f"summary_{lang}"].data or "" for lang in langs},
            languages=self.languages.data or [],
            opens_at=utc(self.opens_at.data),
            closes_at=utc(self.closes_at.data),
            moderation_mode=self.moderation_mode.data,
            allow_anonymous=self.allow_anonymous.data,
            allow_statements=self.allow_statements.data,
            dashboard_public=self.dashboard_public.data,
            pseudonymous_per_hour=self.pseudonymous_per_hour.data,
            authoritative=self._authoritative(),
        )


def settings_form(consultation=None, *, with_slug: bool = False, **kwargs) -> SettingsFormBase:
    """The settings form, with a title and summary field per interface language."""
    langs = current_app.config["LANGUAGES"]

    class SettingsForm(SettingsFormBase):
        pass

    if with_slug:
        SettingsForm.slug = StringField(
            _l("Address (letters, digits and hyphens)"),
            validators=[InputRequired(), Length(max=80)],
        )
        # The service checks it is among the languages offered, naming this field.
        SettingsForm.authoritative_language = SelectField(
            _l("Authoritative language"),
            description=_l(
                "Where translations differ, this language's text is the one that counts. "
                "It must be one of the languages offered."
            ),
            validate_choice=False,
        )
    for lang in langs:
        name = language_name(lang)
        setattr(SettingsForm, f"title_{lang}", StringField(
            _l("Title (%(language)s)", language=name),
            validators=[Optional(), Length(max=TITLE_MAX)], render_kw={"lang": lang},
        ))  # fmt: skip
        setattr(SettingsForm, f"summary_{lang}", TextAreaField(
            _l("Summary (%(language)s)", language=name),
            validators=[Optional(), Length(max=SUMMARY_MAX)], render_kw={"lang": lang, "rows": 3},
        ))  # fmt: skip
    if consultation is not None:
        for lang in langs:
            kwargs.setdefault(f"title_{lang}", consultation.title.get(lang, ""))
            kwargs.setdefault(f"summary_{lang}", (consultation.summary or {}).get(lang, ""))
        kwargs.setdefault("languages", consultation.languages)
        for name in ("opens_at", "closes_at", "allow_anonymous", "allow_statements",
                     "dashboard_public", "pseudonymous_per_hour"):  # fmt: skip
            kwargs.setdefault(name, getattr(consultation, name))
        kwargs.setdefault("moderation_mode", consultation.moderation_mode.value)
    else:
        kwargs.setdefault("languages", list(langs))
        if with_slug:
            kwargs.setdefault("authoritative_language", current_language())
        kwargs.setdefault("allow_statements", True)
        kwargs.setdefault("dashboard_public", True)
    form = SettingsForm(**kwargs)
    form.languages.choices = [SelectChoice(lang, language_name(lang)) for lang in langs]
    if with_slug:
        form.authoritative_language.choices = [
            SelectChoice(lang, language_name(lang), {"lang": html_lang(lang)}) for lang in langs
        ]
    for name in ("opens_at", "closes_at"):
        if form[name].data and form[name].data.tzinfo:
            form[name].data = form[name].data.replace(tzinfo=None)
    return form


def _mail_language_field():
    # The service checks the value against the site's languages, naming this field.
    return SelectField(
        _l("Language of the invitation mail"),
        description=_l("Used unless the address belongs to an account with its own language."),
        validate_choice=False,
    )


class MailLanguageMixin:
    """The language an invitation is mailed in: the inviter's by default."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("language", current_language())
        super().__init__(*args, **kwargs)
        self.language.choices = [
            SelectChoice(lang, language_name(lang), {"lang": html_lang(lang)})
            for lang in current_app.config["LANGUAGES"]
        ]


class AppointForm(MailLanguageMixin, FlaskForm):
    email = EmailField(
        _l("Their email address"),
        description=_l(
            "If no account uses it yet, they get the role when they register or log in with it "
            "within 30 days."
        ),
        validators=[InputRequired(_l("Enter an email address.")), Length(max=EMAIL_MAX)],
    )
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, role.label) for role in (Role.MODERATOR, Role.ORGANISER)],
    )
    language = _mail_language_field()


class VerifyForm(FlaskForm):
    decision = SelectField(
        _l("Decision"),
        choices=[SelectChoice("verified", _l("Verify")), SelectChoice("declined", _l("Decline"))],
        validate_choice=False,
    )
    note = TextAreaField(_l("Note (required to decline)"), validators=[Length(max=NOTE_MAX)])


class TakePartForm(MailLanguageMixin, FlaskForm):
    """Addresses to invite to take part (consult.organise.invitations checks each)."""

    addresses = TextAreaField(
        _l("Email addresses"),
        description=_l("Separated by commas, spaces or new lines; up to 50 at a time."),
        validators=[InputRequired(_l("Enter at least one email address.")), Length(max=20000)],
    )
    language = _mail_language_field()


class SiteOrganiserForm(FlaskForm):
    email = EmailField(
        _l("Email of their account"),
        validators=[InputRequired(_l("Enter an email address.")), Length(max=EMAIL_MAX)],
    )
