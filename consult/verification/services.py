"""Stakeholder verification, decided for the whole site by its verifiers (the site admin,
and the accounts the admin gives the verifier role).

A profile's verification is global, so each decision is written once to the site's audit
log (no consultation) and once to the log of every consultation where the person takes
part, so that each consultation's organisers see what changed about their participants.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from consult import geo
from consult.auth.models import Sector, StakeholderProfile, User, Verification
from consult.auth.profile import has_open_request, open_request
from consult.auth.site_roles import SiteRole, set_role
from consult.consultations.models import Participant
from consult.database import write_transaction
from consult.db_types import utcnow
from consult.errors import DomainError, Forbidden, NotFound, checked_text
from consult.extensions import db
from consult.moderation.audit import record_event
from consult.moderation.models import ModerationEvent

PAGE_SIZE = 50
NOTE_MAX = 2000
QUERY_MAX = 200
PAGE_MAX = 100_000
ID_MAX = 2**31 - 1  # user.id is a 32-bit integer on PostgreSQL
DECISIONS = ("verified", "declined")
REQUESTED = "requested"  # the state filter's choice for open requests


def is_verifier(user) -> bool:
    """Site admins and holders of the verifier role decide verification."""
    return bool(getattr(user, "is_authenticated", False) and (user.is_admin or user.is_verifier))


def ensure_verifier(user) -> None:
    if not is_verifier(user):
        raise Forbidden(
            _("Verification is decided by the site's verifiers, not by a consultation's team.")
        )


def page_number(value: str | None) -> int:
    """A page number from a query string (1 when absent); a DomainError (400) otherwise."""
    value = (value or "1").strip()
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= PAGE_MAX:
        raise DomainError(_("Choose a page number from the list."), field="page")
    return int(value)


@dataclass(frozen=True)
class ProfileFilters:
    """What the verifiers' list shows: a search in name, email and organisation, the
    verification state, sector and country (each optional), and the page number."""

    query: str = ""
    state: Verification | None = None
    requested: bool = False  # only profiles whose owner asked for a check not yet made
    sector: Sector | None = None
    country: str | None = None
    page: int = 1

    @classmethod
    def parse(cls, args) -> ProfileFilters:
        """Filters from a query string; a DomainError (400) names what is wrong."""

        def choice(name, enum, message):
            value = (args.get(name) or "").strip()
            if not value:
                return None
            try:
                return enum(value)
            except ValueError:
                raise DomainError(message, field=name) from None

        query = (args.get("q") or "").strip()
        if len(query) > QUERY_MAX:
            raise DomainError(_("Search for at most %(n)d characters.", n=QUERY_MAX), "q")
        if "\x00" in query:
            raise DomainError(_("The search holds a character that cannot be searched for."), "q")
        country = (args.get("country") or "").strip()
        if country and not geo.is_known_country(country):
            raise DomainError(_("Choose a country from the list."), field="country")
        requested = (args.get("state") or "").strip() == REQUESTED
        return cls(
            query=query,
            state=None
            if requested
            else choice("state", Verification, _("Choose a state from the list.")),
            requested=requested,
            sector=choice("sector", Sector, _("Choose a sector from the list.")),
            country=geo.canonical_country(country) if country else None,
            page=page_number(args.get("page")),
        )

    def as_args(self, **changes) -> dict[str, str]:
        """The filters as query-string arguments (empty ones left out), for links."""
        values = {
            "q": self.query,
            "state": REQUESTED if self.requested else (self.state.value if self.state else ""),
            "sector": self.sector.value if self.sector else "",
            "country": self.country or "",
            "page": str(self.page) if self.page > 1 else "",
        }
        values.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v and not (k == "page" and v == "1")}


@dataclass(frozen=True)
class Page:
    rows: list  # (User, StakeholderProfile) pairs, or ModerationEvents
    number: int
    pages: int
    total: int
    # Users whose owner asked for a check that is not made yet (profile lists only).
    requested: frozenset[int] = frozenset()

    @property
    def past_the_end(self) -> bool:
        """Asked for a page after the last one (an old link to a list that shrank)."""
        return self.number > self.pages


def _page(query, count_query, number: int) -> Page:
    total = db.session.scalar(count_query) or 0
    rows = db.session.execute(query.limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE)).all()
    return Page(rows, number, max(1, math.ceil(total / PAGE_SIZE)), total)


def search_profiles(filters: ProfileFilters) -> Page:
    """Profiles matching ``filters``, 50 a page: first those whose owner asked for a
    check (longest waiting first), then the others not yet checked, then by name."""
    conditions = []
    if filters.query:
        conditions.append(
            sa.or_(
                User.display_name.icontains(filters.query, autoescape=True),
                User.email.icontains(filters.query, autoescape=True),
                StakeholderProfile.organisation.icontains(filters.query, autoescape=True),
            )
        )
    if filters.state:
        conditions.append(StakeholderProfile.verification == filters.state)
    if filters.requested:
        conditions.append(open_request())
    if filters.sector:
        conditions.append(StakeholderProfile.sector == filters.sector)
    if filters.country:
        conditions.append(StakeholderProfile.country == filters.country)
    joined = sa.select(User, StakeholderProfile).join(
        StakeholderProfile, StakeholderProfile.user_id == User.id
    )
    query = joined.where(*conditions).order_by(
        sa.case((open_request(), 0), else_=1),
        sa.case((open_request(), StakeholderProfile.verification_requested_at), else_=None),
        StakeholderProfile.verification != Verification.UNVERIFIED,
        User.display_name,
        User.id,
    )
    count = (
        sa.select(sa.func.count())
        .select_from(User)
        .join(StakeholderProfile, StakeholderProfile.user_id == User.id)
        .where(*conditions)
    )
    page = _page(query, count, filters.page)
    asked = frozenset(user.id for user, profile in page.rows if has_open_request(profile))
    return dataclasses.replace(page, requested=asked)


def _profile(member_id: int) -> StakeholderProfile:
    profile = db.session.get(StakeholderProfile, member_id) if 0 < member_id <= ID_MAX else None
    if profile is None:
        raise NotFound(_("No account has this number."))
    return profile


def decide(verifier, member_id: int, decision: str, note: str | None = None):
    """Verify a person's sector and organisation, or decline with a reason, for the whole
    site; recorded in the site log and in the log of each consultation they take part in."""
    ensure_verifier(verifier)
    profile = _profile(member_id)
    if member_id == verifier.id:  # nobody vouches for their own sector and organisation
        raise Forbidden(_("Another verifier must decide on your own profile."))
    if decision not in DECISIONS:
        raise DomainError(_("Choose verify or decline."), field="decision")
    missing = _("Say why the profile is declined; its owner will see it.")
    note = checked_text(
        note, "note", NOTE_MAX, _("Keep this under %(n)d characters.", n=NOTE_MAX),
        missing if decision == "declined" else None,
    )  # fmt: skip
    if "\x00" in note:
        raise DomainError(_("The note holds a character that cannot be stored."), field="note")
    with write_transaction():
        before = profile.verification.value
        profile.verification = Verification(decision)
        profile.verification_note = note or None
        profile.verified_by_id, profile.verified_at = verifier.id, utcnow()
        consultation_ids = db.session.scalars(
            sa.select(Participant.consultation_id)
            .where(Participant.user_id == member_id)
            .distinct()
        ).all()
        for consultation_id in (None, *sorted(consultation_ids)):
            record_event(verifier, consultation_id, f"profile_{decision}", "user", member_id,
                         note or None, before=before)  # fmt: skip
    return profile


def record_institution_vouch(member: User, institution: str) -> StakeholderProfile:
    """Within the caller's transaction: an institution's own sign-in (consult.sso) vouches
    that ``member`` belongs to it. The profile's organisation becomes the institution,
    verified with no verifier, and this is logged like a verifier's decision: in the site's
    log and in that of every consultation the person takes part in."""
    profile = member.profile
    before = profile.verification.value
    profile.organisation = institution
    profile.verification = Verification.VERIFIED
    profile.verification_note = None
    profile.verified_by_id, profile.verified_at = None, utcnow()
    consultation_ids = db.session.scalars(
        sa.select(Participant.consultation_id).where(Participant.user_id == member.id).distinct()
    ).all()
    for consultation_id in (None, *sorted(consultation_ids)):
        record_event(member, consultation_id, "profile_vouched", "user", member.id,
                     institution=institution, before=before)  # fmt: skip
    return profile


VERIFIER = SiteRole(
    flag="is_verifier",
    granted="grant_verifier",
    revoked="revoke_verifier",
    already=lambda: _("This person is already a verifier."),
    not_held=lambda: _("This person is not a verifier."),
    no_account=lambda: _("No account uses this email. Ask them to register first."),
)


def set_verifier(admin, email: str, grant: bool) -> User:
    """The site admin gives the verifier role to the account with ``email``, or takes it
    away; recorded in the site's audit log."""
    return set_role(VERIFIER, admin, email, grant)


def site_audit_log(page: int = 1) -> Page:
    """The site's own events (no consultation), newest first, 50 a page."""
    site = ModerationEvent.consultation_id.is_(None)
    query = sa.select(ModerationEvent).where(site).order_by(ModerationEvent.id.desc())
    count = sa.select(sa.func.count()).select_from(ModerationEvent).where(site)
    return _page(query, count, page)
