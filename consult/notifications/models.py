"""What people want to hear about, what they were sent, and which consultations they follow."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from consult.db_types import BigIntKey, UTCDateTime, enum_type, utcnow
from consult.enums import LabelledEnum
from consult.extensions import db

SUBJECT_MAX = 120


class NotificationKind(LabelledEnum):
    """What a notice is about; each kind is switched on or off, as it happens or daily."""

    ANSWER = "answer", _l("A moderator answers my comment, proposed wording or statement")
    CLAUSE_CHANGED = "clause_changed", _l("A clause I voted on changes in a new version")
    MODERATION = "moderation", _l("My statement or comment is approved or rejected")
    SCHEDULE = "schedule", _l("A consultation I follow opens, or closes in 3 days")
    REPORT = "report", _l("A consultation I follow publishes a report")


class Delivery(LabelledEnum):
    OFF = "off", _l("Off")
    IMMEDIATE = "immediate", _l("As it happens")
    DIGEST = "digest", _l("In a daily digest")


# What a person hears about before they choose: everything, as it happens.
DEFAULT_DELIVERY = dict.fromkeys(NotificationKind, Delivery.IMMEDIATE)


class NotificationPreference(db.Model):
    """One person's choice for one kind; no row means :data:`DEFAULT_DELIVERY`."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[NotificationKind] = mapped_column(
        enum_type(NotificationKind, "notification_kind"), primary_key=True
    )
    delivery: Mapped[Delivery] = mapped_column(enum_type(Delivery, "notification_delivery"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NotificationSent(db.Model):
    """One notice of one kind about one subject to one person: claimed (inserted) before
    it is sent, so a unique key makes sure nothing is ever sent twice, even when two
    scans race. ``delivery`` says what became of it: sent at once, kept for the daily
    digest (``sent_at`` null until the digest goes), or not sent (the kind was off)."""

    __tablename__ = "notification_sent"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", "subject"),
        sa.Index("ix_notification_sent_delivery_sent_at", "delivery", "sent_at"),
    )

    id: Mapped[int] = mapped_column(BigIntKey, primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(enum_type(NotificationKind, "notification_kind"))
    # What it is about, e.g. "response:12", "version:7", "closes:3:2027-01-31T12:00:00+00:00".
    subject: Mapped[str] = mapped_column(sa.String(SUBJECT_MAX))
    delivery: Mapped[Delivery] = mapped_column(enum_type(Delivery, "notification_delivery"))
    # The ids the mail is written from (read again when it is written, in the reader's language).
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsultationFollow(db.Model):
    """Someone pressed Follow (``following``) or Unfollow on a consultation. People who
    took part follow it without pressing anything, unless they unfollowed it."""

    __tablename__ = "consultation_follow"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    following: Mapped[bool]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
