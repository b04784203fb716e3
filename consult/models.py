"""Every model in one namespace, so Alembic and ``flask shell`` see them all."""

from consult.auth.models import LoginThrottle, Sector, StakeholderProfile, User, Verification
from consult.consultations.models import (
    Consultation,
    ConsultationRole,
    Invitation,
    ModerationMode,
    Participant,
    Role,
    Status,
)
from consult.drafts.models import Clause, DraftVersion
from consult.moderation.models import ContributionResponse, ModerationEvent, Outcome
from consult.notifications.models import (
    ConsultationFollow,
    NotificationPreference,
    NotificationSent,
)
from consult.participation.models import (
    AbuseReport,
    Comment,
    ModerationState,
    Stance,
    Statement,
    StatementKind,
    Vote,
    VoteEvent,
    VoteValue,
)
from consult.participation.vote_counts import StatementVoteCount
from consult.reports.models import AnalysisSnapshot, SnapshotStatus
from consult.sso.models import IdentityProvider, LinkedIdentity

__all__ = [
    "AbuseReport",
    "AnalysisSnapshot",
    "Clause",
    "Comment",
    "Consultation",
    "ConsultationFollow",
    "ConsultationRole",
    "ContributionResponse",
    "DraftVersion",
    "IdentityProvider",
    "Invitation",
    "LinkedIdentity",
    "LoginThrottle",
    "ModerationEvent",
    "ModerationMode",
    "ModerationState",
    "NotificationPreference",
    "NotificationSent",
    "Outcome",
    "Participant",
    "Role",
    "Sector",
    "SnapshotStatus",
    "StakeholderProfile",
    "Stance",
    "Statement",
    "StatementKind",
    "StatementVoteCount",
    "Status",
    "User",
    "Verification",
    "Vote",
    "VoteEvent",
    "VoteValue",
]
