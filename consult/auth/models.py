"""Accounts: a User and the stakeholder profile that says who they speak for."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult import geo
from consult.db_types import UTCDateTime, enum_type, utcnow
from consult.enums import LabelledEnum
from consult.extensions import db

EMAIL_MAX = 254
NAME_MAX = 80
ORGANISATION_MAX = 160


class Sector(LabelledEnum):
    """Stakeholder sectors, in the order they are offered."""

    GOVERNMENT = "government", _l("Government")
    INTERGOVERNMENTAL = "intergovernmental", _l("Intergovernmental organisation")
    INDUSTRY = "industry", _l("Industry")
    ACADEMIA = "academia", _l("Academia and research")
    CIVIL_SOCIETY = "civil_society", _l("Civil society organisation")
    CITIZEN = "citizen", _l("Individual citizen")
    OTHER = "other", _l("Other")


class Verification(LabelledEnum):
    UNVERIFIED = "unverified", _l("Not checked yet")
    VERIFIED = "verified", _l("Verified")
    DECLINED = "declined", _l("Declined")


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the owner proved they read mail at ``email`` (a link, or an institution's
    # provider vouching for it); null: not confirmed yet.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped to end every copy of the account's sessions (logout everywhere, password
    # change, deactivation): a session remembers the generation it was issued under.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Site-level verifiers (and admins) decide stakeholder verification.
    is_verifier: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Site-level organisers (and admins) may start consultations (consult.organise).
    is_organiser: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    profile: Mapped[StakeholderProfile] = relationship(
        back_populates="user",
        uselist=False,
        cascade="all, delete-orphan",
        foreign_keys="StakeholderProfile.user_id",
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated accounts cannot log in
        return self.is_active_account

    def get_id(self) -> str:
        # Flask-Login keeps this in the session (and would in a remember cookie): with the
        # generation in it, a session issued before the generation was bumped loads no one.
        return f"{self.id}:{self.session_generation}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


@sa.event.listens_for(User.is_active_account, "set", active_history=True)
def _end_sessions_on_deactivation(user: User, value, previous, _initiator) -> None:
    """Deactivating an account, wherever it is done, ends every session it had."""
    if value is False and previous is not False and sa.inspect(user).persistent:
        user.session_generation = User.session_generation + 1


class LoginThrottle(db.Model):
    """Failed logins for one account key (a hash of the normalised email, known or not),
    shared by every worker and host, for exponential back-off."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StakeholderProfile(db.Model):
    """Sector, country and organisation; world region and income group derive from country."""

    __tablename__ = "stakeholder_profile"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    sector: Mapped[Sector] = mapped_column(enum_type(Sector, "sector"))
    country: Mapped[str] = mapped_column(sa.String(2))
    organisation: Mapped[str | None] = mapped_column(sa.String(ORGANISATION_MAX))
    verification: Mapped[Verification] = mapped_column(
        enum_type(Verification, "verification"), default=Verification.UNVERIFIED
    )
    verification_note: Mapped[str | None] = mapped_column(sa.Text)
    verified_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The participant asked the site's verifiers to check the profile, with a note
    # (a web page or a contact that vouches for them).
    verification_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verification_request_note: Mapped[str | None] = mapped_column(sa.Text)

    user: Mapped[User] = relationship(back_populates="profile", foreign_keys=[user_id])

    @property
    def region(self) -> str | None:
        return geo.region_of(self.country)

    @property
    def income_group(self) -> str | None:
        return geo.income_group_of(self.country)

    @property
    def is_verified(self) -> bool:
        return self.verification is Verification.VERIFIED
