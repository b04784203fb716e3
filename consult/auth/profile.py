"""A person's own stakeholder profile: changing it, and asking the site's verifiers to check it.

Verification vouches for a sector and an organisation, so changing either of those on a
verified (or declined) profile sends it back to "not checked yet". Every change is written
to the site's audit log (no consultation) as ``profile_changed``.

A request is open while the profile is not checked yet and was asked for after the last
decision (``verified_at``): so a decision answers it, and an edit that reopens the profile
lets its owner ask again.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from consult.auth.models import (
    NAME_MAX,
    ORGANISATION_MAX,
    Sector,
    StakeholderProfile,
    User,
    Verification,
)
from consult.auth.services import checked_sector_and_country
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.errors import Conflict, DomainError, checked_text
from consult.moderation.audit import record_event

REQUEST_NOTE_MAX = 1000
CHECKED_FIELDS = ("sector", "organisation")  # what a verifier vouches for


@dataclass(frozen=True)
class ProfileChange:
    """What an edit changed (field names), and whether it undid a verifier's decision."""

    changed: tuple[str, ...]
    verification_reset: bool


def _no_nul(value: str, field: str) -> str:
    if "\x00" in value:
        raise DomainError(_("This field holds a character that cannot be stored."), field=field)
    return value


def update_profile(
    user: User,
    *,
    display_name: str | None,
    sector: Sector | str | None,
    country: str | None,
    organisation: str | None,
) -> ProfileChange:
    """Change the account's name, sector, country and organisation.

    Raises DomainError naming the field at fault. Changing the sector or organisation of a
    verified or declined profile returns it to "not checked yet"; any change is recorded in
    the site's audit log with the values before and after."""
    name = checked_text(
        display_name, "display_name", NAME_MAX,
        _("Keep your name to %(n)d characters or fewer.", n=NAME_MAX), _("Enter your name."),
    )  # fmt: skip
    sector, country = checked_sector_and_country(sector, country)
    organisation = checked_text(
        organisation, "organisation", ORGANISATION_MAX,
        _("Keep the organisation to %(n)d characters or fewer.", n=ORGANISATION_MAX),
    )  # fmt: skip
    _no_nul(name, "display_name")
    _no_nul(organisation, "organisation")
    profile = user.profile
    wanted = {
        "display_name": name,
        "sector": sector,
        "country": country,
        "organisation": organisation or None,
    }
    current = {
        "display_name": user.display_name,
        "sector": profile.sector,
        "country": profile.country,
        "organisation": profile.organisation,
    }
    changed = tuple(key for key in wanted if wanted[key] != current[key])
    reset = profile.verification is not Verification.UNVERIFIED and any(
        key in CHECKED_FIELDS for key in changed
    )
    if not changed:
        return ProfileChange((), False)
    with write_transaction():
        user.display_name = name
        profile.sector, profile.country = sector, country
        profile.organisation = organisation or None
        if reset:
            profile.verification = Verification.UNVERIFIED
            profile.verification_note = None
        record_event(
            user, None, "profile_changed", "user", user.id,
            before={key: _plain(current[key]) for key in changed},
            after={key: _plain(wanted[key]) for key in changed},
            verification_reset=reset,
        )  # fmt: skip
    return ProfileChange(changed, reset)


def _plain(value):
    return value.value if isinstance(value, Sector) else value


def has_open_request(profile: StakeholderProfile) -> bool:
    """The owner asked for a check that no verifier has answered yet."""
    asked = profile.verification_requested_at
    return (
        profile.verification is Verification.UNVERIFIED
        and asked is not None
        and (profile.verified_at is None or profile.verified_at < asked)
    )


def open_request():
    """``has_open_request`` as a SQL condition on StakeholderProfile."""
    asked = StakeholderProfile.verification_requested_at
    return sa.and_(
        StakeholderProfile.verification == Verification.UNVERIFIED,
        asked.is_not(None),
        sa.or_(StakeholderProfile.verified_at.is_(None), StakeholderProfile.verified_at < asked),
    )


def request_verification(user: User, note: str | None) -> StakeholderProfile:
    """Ask the site's verifiers to check the profile, with an optional note (a web page
    or a contact who can vouch). Refused (Conflict) while a request is open, when the
    profile is verified, or when it was declined and has not been changed since."""
    note = checked_text(
        note, "note", REQUEST_NOTE_MAX,
        _("Keep the note to %(n)d characters or fewer.", n=REQUEST_NOTE_MAX),
    )  # fmt: skip
    _no_nul(note, "note")
    profile = user.profile
    if user.email_confirmed_at is None:  # verifiers vouch for a person reachable there
        raise Conflict(
            _(
                "Confirm your email address first: open the link we sent you, or ask for "
                "a new one on your account page."
            )
        )
    if profile.verification is Verification.VERIFIED:
        raise Conflict(_("Your profile is verified already; there is nothing to ask."))
    if profile.verification is Verification.DECLINED:
        raise Conflict(
            _(
                "A verifier declined your profile. Change your sector or organisation to "
                "what can be checked, then ask again."
            )
        )
    if has_open_request(profile):
        raise Conflict(
            _(
                "You have asked already, on %(date)s. A verifier will look at your profile; "
                "there is no need to ask again.",
                date=profile.verification_requested_at.date().isoformat(),
            )
        )
    with write_transaction():
        profile.verification_requested_at = utcnow()
        profile.verification_request_note = note or None
        record_event(user, None, "verification_requested", "user", user.id, note or None)
    return profile
