"""A new account for a person an institution vouched for: the provider gave a verified
address in its domains and no account uses it (:func:`consult.sso.signin.finish`); the
person adds the stakeholder profile the provider does not know (sector, country, and the
organisation unless the institution vouches for it), and the account is made with the
address confirmed and the identity linked. Also: which institution vouches for a profile.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import has_request_context, request
from flask_babel import gettext as _

from consult.auth.models import NAME_MAX, ORGANISATION_MAX, StakeholderProfile, User
from consult.auth.services import UNUSABLE_PASSWORD, checked_sector_and_country, find_user_by_email
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.errors import Conflict, checked_text
from consult.extensions import db
from consult.sso.models import IdentityProvider, LinkedIdentity
from consult.sso.providers import enabled_provider
from consult.sso.signin import SignedIn, expired, note_sign_in

PENDING_SECONDS = 1800  # to fill in the profile of a new account


@dataclass(frozen=True)
class PendingSignUp:
    """A vouched-for person without account, as the profile page shows them."""

    provider: IdentityProvider
    email: str
    name: str

    @property
    def institution(self) -> str:
        return self.provider.name

    @property
    def vouches_for_organisation(self) -> bool:
        return self.provider.vouches_for_organisation


def pending_sign_up(pending) -> PendingSignUp:
    """What :func:`finish` kept for a person without account, while it is fresh and its
    provider still switched on; a 400 (start again) otherwise."""
    if (
        not isinstance(pending, dict)
        or not isinstance(pending.get("started"), int)
        or not isinstance(pending.get("provider"), int)
        or not all(isinstance(pending.get(key), str) for key in ("email", "subject", "name"))
    ):
        raise expired()
    if not 0 <= time.time() - pending["started"] <= PENDING_SECONDS:
        raise expired()
    provider = enabled_provider(pending["provider"])
    return PendingSignUp(provider, pending["email"], pending["name"])


def complete_sign_up(
    pending,
    *,
    display_name: str | None,
    sector,
    country: str | None,
    organisation: str | None,
    locale: str | None = None,
) -> SignedIn:
    """Make the account of a person the provider vouched for (``pending``, from
    :func:`finish`), with the profile details they gave; the address is confirmed.
    ``locale`` is the interface language they signed up in, which mails to them use."""
    provider = pending_sign_up(pending).provider
    name = checked_text(
        display_name, "display_name", NAME_MAX,
        _("Keep your name to %(n)d characters or fewer.", n=NAME_MAX), _("Enter your name."),
    )  # fmt: skip
    sector, country = checked_sector_and_country(sector, country)
    if not provider.vouches_for_organisation:
        organisation = checked_text(
            organisation, "organisation", ORGANISATION_MAX,
            _("Keep the organisation to %(n)d characters or fewer.", n=ORGANISATION_MAX),
        ) or None  # fmt: skip
    else:
        organisation = None  # the institution's vouch sets it
    email, subject = pending["email"], pending["subject"]
    taken = Conflict(
        _("An account with this address was made a moment ago. Sign in again to use it.")
    )
    if find_user_by_email(email) is not None:
        raise taken
    now = utcnow()
    try:
        with write_transaction():
            user = User(
                email=email,
                display_name=name,
                password_hash=UNUSABLE_PASSWORD,  # signs in with the institution; a reset sets one
                email_confirmed_at=now,
                locale=locale,
            )
            user.profile = StakeholderProfile(
                sector=sector, country=country, organisation=organisation
            )
            db.session.add(user)
            db.session.flush()
            identity = LinkedIdentity(
                provider_id=provider.id, subject=subject, user_id=user.id, email=email
            )
            db.session.add(identity)
            vouched = note_sign_in(provider, identity, user)
    except sa.exc.IntegrityError:
        raise taken from None
    return SignedIn(user, provider.name, True, vouched)


def vouching_institution(user) -> str | None:
    """The institution whose sign-in verified ``user``'s organisation, while that holds
    (the profile is still verified for that organisation, and no verifier decided since).
    Remembered for the rest of the request: a page of comments asks once per author."""
    profile = getattr(user, "profile", None)
    if profile is None or not profile.is_verified or profile.verified_by_id is not None:
        return None
    cache = request.environ.setdefault("consult.vouching", {}) if has_request_context() else {}
    key = (user.id, profile.organisation)
    if key not in cache:
        cache[key] = db.session.scalar(
            sa.select(IdentityProvider.name)
            .join(LinkedIdentity, LinkedIdentity.provider_id == IdentityProvider.id)
            .where(
                LinkedIdentity.user_id == user.id,
                LinkedIdentity.vouched_at.is_not(None),
                IdentityProvider.name == profile.organisation,
            )
            .limit(1)
        )
    return cache[key]
