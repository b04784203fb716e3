"""Single sign-on forms: the admin's provider, and switching it on or off. A new account's
missing profile details reuse the account's own ``ProfileForm`` (consult.auth.forms)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField, TextAreaField, URLField
from wtforms.validators import AnyOf, InputRequired, Length

from consult.auth.models import ORGANISATION_MAX
from consult.sso.models import CLIENT_ID_MAX, ISSUER_MAX
from consult.sso.providers import SECRET_MAX


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ProviderForm(FlaskForm):
    name = StringField(
        _l("Institution"),
        description=_l(
            "As people know it. If it vouches for the organisation, this becomes the "
            "organisation in its people's profiles."
        ),
        filters=[_strip],
        validators=[
            InputRequired(_l("Enter the institution's name.")),
            Length(max=ORGANISATION_MAX),
        ],
    )
    issuer = URLField(
        _l("Issuer address"),
        description=_l(
            "Its OpenID Connect issuer, like https://login.ministry.example. Its settings "
            "are read from that address followed by /.well-known/openid-configuration."
        ),
        filters=[_strip],
        validators=[InputRequired(_l("Enter the issuer's address.")), Length(max=ISSUER_MAX)],
    )
    client_id = StringField(
        _l("Client id"),
        filters=[_strip],
        validators=[
            InputRequired(_l("Enter the client id the institution gave you.")),
            Length(max=CLIENT_ID_MAX),
        ],
    )
    client_secret = PasswordField(
        _l("Client secret"),
        description=_l("Kept encrypted on the server and never shown again."),
        validators=[Length(max=SECRET_MAX)],
    )
    domains = TextAreaField(
        _l("Email domains it vouches for"),
        description=_l(
            "One per line, like ministry.example. Only addresses in these domains can sign in "
            "with it; list subdomains too if they are used."
        ),
        validators=[InputRequired(_l("List at least one email domain.")), Length(max=5000)],
    )
    vouches_for_organisation = BooleanField(
        _l("It vouches for the organisation: its people show as verified members of it")
    )
    enabled = BooleanField(_l("People can sign in with it now"), default=True)


class SwitchForm(FlaskForm):
    enabled = HiddenField(validators=[AnyOf(("0", "1"), message=_l("Choose on or off."))])
