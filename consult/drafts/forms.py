"""Drafting forms; text per offered language, each form with a CSRF token (Flask-WTF)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from consult.drafts.models import CLAUSE_TEXT_MAX, HEADING_MAX, PREAMBLE_MAX
from consult.drafts.publishing import SUMMARY_MAX
from consult.drafts.translations import DEFAULT, parse_standing, standing_choices
from consult.i18n import language_name


class CsrfOnlyForm(FlaskForm):
    """A button that changes something: only the CSRF token to check."""


class ClauseFormBase(FlaskForm):
    languages: list[str] = []
    ask_voters_again = BooleanField(
        _l("Ask earlier voters to look at this clause again"),
        description=_l(
            "They are asked anyway when the authoritative text changes. Tick this when a "
            "change to a translation changes what the clause means."
        ),
    )

    def texts(self, prefix: str) -> dict[str, str]:
        return {lang: self[f"{prefix}_{lang}"].data or "" for lang in self.languages}

    def standings(self) -> dict[str, str]:
        """The standing chosen for each translation (the authoritative text has none)."""
        return {
            lang: self[f"standing_{lang}"].data
            for lang in self.languages
            if f"standing_{lang}" in self
        }


def clause_form(
    languages: list[str], clause=None, authoritative: str | None = None, **kwargs
) -> ClauseFormBase:
    """A form with a heading and a text field for each of ``languages``, and for each
    language but the ``authoritative`` one how its translation stands."""

    class ClauseForm(ClauseFormBase):
        pass

    ClauseForm.languages = list(languages)
    for lang in languages:
        if lang != authoritative:
            setattr(
                ClauseForm,
                f"standing_{lang}",
                SelectField(
                    _l("This translation is (%(language)s)", language=language_name(lang)),
                    choices=standing_choices(),
                    default=DEFAULT.value,
                ),
            )
    for lang in languages:
        name = language_name(lang)
        setattr(
            ClauseForm,
            f"heading_{lang}",
            StringField(
                _l("Heading (%(language)s)", language=name),
                validators=[Optional(), Length(max=HEADING_MAX)],
            ),
        )
        setattr(
            ClauseForm,
            f"text_{lang}",
            TextAreaField(
                _l("Text (%(language)s)", language=name),
                validators=[Length(max=CLAUSE_TEXT_MAX)],
                render_kw={"rows": 5, "lang": lang},
            ),
        )
    if clause is not None:
        for lang in languages:
            kwargs.setdefault(f"heading_{lang}", (clause.heading or {}).get(lang, ""))
            kwargs.setdefault(f"text_{lang}", clause.text.get(lang, ""))
            if lang != authoritative:
                standing = parse_standing((clause.translations or {}).get(lang)) or DEFAULT
                kwargs.setdefault(f"standing_{lang}", standing.value)
        kwargs.setdefault("ask_voters_again", clause.ask_voters_again)
    return ClauseForm(**kwargs)


class PreambleFormBase(FlaskForm):
    languages: list[str] = []

    def texts(self) -> dict[str, str]:
        return {lang: self[f"preamble_{lang}"].data or "" for lang in self.languages}


def preamble_form(languages: list[str], version=None, **kwargs) -> PreambleFormBase:
    """A text box for the preamble in each of ``languages`` (blank lines part paragraphs)."""

    class PreambleForm(PreambleFormBase):
        pass

    PreambleForm.languages = list(languages)
    for lang in languages:
        setattr(
            PreambleForm,
            f"preamble_{lang}",
            TextAreaField(
                _l("Preamble (%(language)s)", language=language_name(lang)),
                validators=[Length(max=PREAMBLE_MAX)],
                render_kw={"rows": 12, "lang": lang},
            ),
        )
    if version is not None:
        for lang in languages:
            paragraphs = (version.preamble or {}).get(lang, [])
            kwargs.setdefault(f"preamble_{lang}", "\n\n".join(paragraphs))
    return PreambleForm(**kwargs)


class AuthoritativeForm(FlaskForm):
    language = SelectField(_l("Authoritative language"), validate_choice=False)


class PublishForm(FlaskForm):
    change_summary = TextAreaField(
        _l("What changed in this version"),
        validators=[
            InputRequired(_l("Say what changed in this version.")),
            Length(max=SUMMARY_MAX),
        ],
        render_kw={"rows": 3},
    )


class PromoteForm(FlaskForm):
    into = SelectField(_l("Put it into"), validate_choice=False)
    language = SelectField(_l("As the text in"), validate_choice=False)
