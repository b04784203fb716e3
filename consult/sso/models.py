"""Institutions' OpenID Connect providers, and the identities people sign in with."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.auth.models import EMAIL_MAX, ORGANISATION_MAX, User
from consult.db_types import UTCDateTime, utcnow
from consult.extensions import db

ISSUER_MAX = 500
CLIENT_ID_MAX = 255
SUBJECT_MAX = 255  # OpenID Connect: "MUST NOT exceed 255 ASCII characters"


class IdentityProvider(db.Model):
    """An institution's sign-in service, registered by the site admin.

    ``domains`` are the email domains the institution vouches for (lower case, exact:
    a subdomain must be listed itself). The client secret is kept sealed
    (:mod:`consult.sso.sealing`), never in clear and never shown again.
    """

    __tablename__ = "identity_provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(ORGANISATION_MAX), unique=True)
    issuer: Mapped[str] = mapped_column(sa.String(ISSUER_MAX))
    client_id: Mapped[str] = mapped_column(sa.String(CLIENT_ID_MAX))
    client_secret_sealed: Mapped[str] = mapped_column(sa.Text)
    domains: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # The institution's word that the person belongs to it: their stakeholder profile's
    # organisation becomes the institution, verified by it.
    vouches_for_organisation: Mapped[bool] = mapped_column(default=False)
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def covers(self, email: str) -> bool:
        """Whether ``email``'s domain is one this institution vouches for."""
        domain = email.rpartition("@")[2].lower()
        return bool(domain) and domain in self.domains


class LinkedIdentity(db.Model):
    """A person at a provider (its ``sub``) linked to one account: that pair signs in to
    the account from then on, whatever address the provider gives later."""

    __tablename__ = "linked_identity"
    __table_args__ = (sa.UniqueConstraint("provider_id", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        sa.ForeignKey("identity_provider.id", ondelete="CASCADE")
    )
    subject: Mapped[str] = mapped_column(sa.String(SUBJECT_MAX))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX))  # as the provider last gave it
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the provider last vouched for the person's organisation (None: never).
    vouched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    provider: Mapped[IdentityProvider] = relationship()
    user: Mapped[User] = relationship()
