"""A consultation, who runs it, and who takes part in it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.consultations.schedule import Phase, Schedule, phase_of, schedule_of
from consult.db_types import UTCDateTime, enum_type, utcnow
from consult.enums import LabelledEnum
from consult.extensions import db

SLUG_MAX = 80


class Status(LabelledEnum):
    """The organiser's switch (what people read is the phase: see ``Consultation.phase``)."""

    DRAFT = "draft", _l("Draft")
    OPEN = "open", _l("Open")
    CLOSED = "closed", _l("Closed")
    ARCHIVED = "archived", _l("Archived")


class ModerationMode(LabelledEnum):
    PRE = "pre", _l("Before publication: contributions wait for approval")
    POST = "post", _l("After publication: contributions appear at once")


class Role(LabelledEnum):
    ORGANISER = "organiser", _l("Organiser")
    MODERATOR = "moderator", _l("Moderator")


class Consultation(db.Model):
    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(SLUG_MAX), unique=True)
    # Texts per language code, e.g. {"en": "...", "zh": "..."}.
    title: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    summary: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=lambda: ["en"])
    # The language whose clause text is authoritative (null: the first of ``languages``):
    # only a change to it asks earlier voters to look at a clause again.
    authoritative_language: Mapped[str | None] = mapped_column(sa.String(8))
    status: Mapped[Status] = mapped_column(
        enum_type(Status, "consultation_status"), default=Status.DRAFT
    )
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moderation_mode: Mapped[ModerationMode] = mapped_column(
        enum_type(ModerationMode, "moderation_mode"), default=ModerationMode.PRE
    )
    allow_anonymous: Mapped[bool] = mapped_column(default=False)
    # New pseudonymous identities one network address may start per hour (a conference
    # hall shares one address, so organisers can raise it).
    pseudonymous_per_hour: Mapped[int] = mapped_column(default=10, server_default="10")
    allow_statements: Mapped[bool] = mapped_column(default=True)
    dashboard_public: Mapped[bool] = mapped_column(default=True)
    # Where an imported consultation came from (e.g. "Polis export vtaiwan.uberx"); it is
    # listed as imported and closed for input, with no schedule.
    imported_from: Mapped[str | None] = mapped_column(sa.String(200))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    roles: Mapped[list[ConsultationRole]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan"
    )

    @property
    def authoritative(self) -> str:
        """The authoritative language's code."""
        if self.authoritative_language in (self.languages or []):
            return self.authoritative_language
        return (self.languages or ["en"])[0]

    def accepts_input(self, now: datetime | None = None) -> bool:
        """Open by status and inside its schedule: a consultation past its closing
        time accepts nothing, without anyone having to close it."""
        now = now or utcnow()
        if self.status is not Status.OPEN:
            return False
        if self.opens_at and now < self.opens_at:
            return False
        return not (self.closes_at and now >= self.closes_at)

    def phase(self, now: datetime | None = None) -> Phase:
        """Draft, scheduled, open, closed or imported at ``now``, from the status and the
        dates (see consult/consultations/schedule.py); badges and sentences read this."""
        return phase_of(
            self.status.value, self.opens_at, self.closes_at, self.imported_from, now or utcnow()
        )

    def schedule(self, now: datetime | None = None) -> Schedule:
        """The phase at ``now`` and the date to show with it ("Opens on ...")."""
        return schedule_of(
            self.status.value, self.opens_at, self.closes_at, self.imported_from, now or utcnow()
        )

    def __repr__(self) -> str:
        return f"<Consultation {self.slug}>"


class ConsultationRole(db.Model):
    __tablename__ = "consultation_role"
    __table_args__ = (sa.UniqueConstraint("consultation_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, "consultation_role_kind"))
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="roles")
    user = relationship("User", foreign_keys=[user_id])


class Invitation(db.Model):
    """An appointment by email before the person has an account: the role is granted when
    that address registers or logs in, unless the invitation expired or was revoked."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, "invitation_role"))
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation: Mapped[Consultation] = relationship()


class Participant(db.Model):
    """One person's presence in one consultation: the row votes point at.

    Either tied to an account (``user_id``) or pseudonymous, tied to a browser
    session by ``anonymous_key`` until an account claims it. Numbering
    participants per consultation also gives the analysis and the Polis exports
    their anonymous participant ids.
    """

    __tablename__ = "participant"
    __table_args__ = (
        sa.UniqueConstraint("consultation_id", "user_id"),
        sa.UniqueConstraint("consultation_id", "anonymous_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE")
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    anonymous_key: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user = relationship("User")
