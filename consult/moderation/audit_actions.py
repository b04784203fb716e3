"""The table of audit actions: each action code, its short label and the sentence it reads as.

One table says how every recorded action reads ("Wang Fang published version 3 of the
draft"); a sentence's named placeholders are filled from the event's actor, target and
details by :mod:`consult.moderation.audit_sentences`. A code missing from the table still
reads as :data:`GENERIC`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from consult.enums import LabelledEnum


class AuditAction(LabelledEnum):
    """An action code with its filter label and its sentence (placeholders: ``actor``,
    ``target``, and the event's details)."""

    def __new__(cls, value: str, label, sentence):
        member = object.__new__(cls)
        member._value_, member._label, member.sentence = value, label, sentence
        return member

    APPROVE = "approve", _l("Approved"), _l("%(actor)s approved %(target)s")
    REJECT = "reject", _l("Rejected"), _l("%(actor)s rejected %(target)s")
    META = "meta", _l("Marked as meta"), _l("%(actor)s marked %(target)s as meta")
    DUPLICATE = (
        "duplicate",
        _l("Marked as duplicate"),
        _l("%(actor)s marked %(target)s as a duplicate of statement %(original)s"),
    )
    APPROVE_EDIT = (
        "approve_edit",
        _l("Approved an edit"),
        _l("%(actor)s approved the edit of %(target)s"),
    )
    REJECT_EDIT = (
        "reject_edit",
        _l("Rejected an edit"),
        _l("%(actor)s rejected the edit of %(target)s"),
    )
    TRANSLATE = (
        "translate",
        _l("Published a translation"),
        _l("%(actor)s published %(target)s"),
    )
    RESPOND = "respond", _l("Answered"), _l("%(actor)s answered %(target)s: %(outcome)s")
    DISMISS_REPORT = (
        "dismiss_report",
        _l("Dismissed a report"),
        _l("%(actor)s dismissed report #%(id)s"),
    )
    PROMOTE = (
        "promote",
        _l("Put wording into the draft"),
        _l("%(actor)s put the wording of %(target)s into the draft"),
    )
    START_DRAFT = (
        "start_draft",
        _l("Started a version"),
        _l("%(actor)s started version %(number)s of the draft"),
    )
    EDIT_PREAMBLE = (
        "edit_preamble",
        _l("Edited the preamble"),
        _l("%(actor)s edited the preamble of version %(number)s of the draft (%(languages)s)"),
    )
    SET_AUTHORITATIVE_LANGUAGE = (
        "set_authoritative_language",
        _l("Named the authoritative language"),
        _l("%(actor)s made %(language)s the authoritative language of the draft"),
    )
    ADD_CLAUSE = "add_clause", _l("Added a clause"), _l("%(actor)s added %(target)s to the draft")
    EDIT_CLAUSE = "edit_clause", _l("Edited a clause"), _l("%(actor)s edited %(target)s")
    REMOVE_CLAUSE = (
        "remove_clause",
        _l("Removed a clause"),
        _l("%(actor)s removed a clause from the draft"),
    )
    REORDER_CLAUSES = (
        "reorder_clauses",
        _l("Reordered clauses"),
        _l("%(actor)s reordered the clauses of the draft"),
    )
    DISCARD_DRAFT = (
        "discard_draft",
        _l("Discarded changes"),
        _l("%(actor)s discarded the unpublished version %(number)s of the draft"),
    )
    PUBLISH = (
        "publish",
        _l("Published a version"),
        _l("%(actor)s published version %(number)s of the draft"),
    )
    PUBLISH_REPORT = (
        "publish_report",
        _l("Published a report"),
        _l("%(actor)s published the report “%(title)s”"),
    )
    UNPUBLISH_REPORT = (
        "unpublish_report",
        _l("Unpublished a report"),
        _l("%(actor)s unpublished the report “%(title)s”"),
    )
    REPUBLISH_REPORT = (
        "republish_report",
        _l("Published a report again"),
        _l("%(actor)s published the report “%(title)s” again"),
    )
    CREATE_CONSULTATION = (
        "create_consultation",
        _l("Created the consultation"),
        _l("%(actor)s created the consultation"),
    )
    EDIT_SETTINGS = (
        "edit_settings",
        _l("Changed the settings"),
        _l("%(actor)s changed the settings: %(changed)s"),
    )
    SET_STATUS = (
        "set_status",
        _l("Changed the status"),
        _l("%(actor)s changed the status from %(from)s to %(to)s"),
    )
    APPOINT = "appoint", _l("Appointed"), _l("%(actor)s appointed %(target)s as %(role)s")
    REMOVE_ROLE = (
        "remove_role",
        _l("Removed from the team"),
        _l("%(actor)s removed %(target)s as %(role)s"),
    )
    INVITE = (
        "invite",
        _l("Invited by email"),
        _l("%(actor)s invited %(email)s as %(role)s"),
    )
    INVITE_TO_TAKE_PART = (
        "invite_to_take_part",
        _l("Invited people to take part"),
        _l("%(actor)s mailed %(count)s people an invitation to take part"),
    )
    REVOKE_INVITATION = (
        "revoke_invitation",
        _l("Withdrew an invitation"),
        _l("%(actor)s withdrew the invitation of %(email)s as %(role)s"),
    )
    ACCEPT_INVITATION = (
        "accept_invitation",
        _l("Accepted an invitation"),
        _l("%(actor)s joined as %(role)s, invited as %(email)s"),
    )
    PROFILE_VERIFIED = (
        "profile_verified",
        _l("Verified a profile"),
        _l("%(actor)s verified the profile of %(target)s"),
    )
    PROFILE_DECLINED = (
        "profile_declined",
        _l("Declined a verification"),
        _l("%(actor)s declined to verify the profile of %(target)s"),
    )
    GRANT_VERIFIER = (
        "grant_verifier",
        _l("Made a verifier"),
        _l("%(actor)s made %(target)s a verifier"),
    )
    REVOKE_VERIFIER = (
        "revoke_verifier",
        _l("Removed a verifier"),
        _l("%(actor)s removed %(target)s as a verifier"),
    )
    GRANT_ORGANISER = (
        "grant_organiser",
        _l("Made a site organiser"),
        _l("%(actor)s let %(target)s start consultations"),
    )
    REVOKE_ORGANISER = (
        "revoke_organiser",
        _l("Removed a site organiser"),
        _l("%(actor)s stopped %(target)s starting consultations"),
    )
    PROFILE_CHANGED = (
        "profile_changed",
        _l("Changed a profile"),
        _l("%(actor)s changed their profile"),
    )
    VERIFICATION_REQUESTED = (
        "verification_requested",
        _l("Asked for verification"),
        _l("%(actor)s asked for their profile to be verified"),
    )
    EMAIL_CONFIRMED = (
        "email_confirmed",
        _l("Confirmed an email address"),
        _l("%(actor)s confirmed their email address"),
    )
    PASSWORD_RESET = (
        "password_reset",
        _l("Reset a password by email"),
        _l("%(actor)s chose a new password with a link sent by email"),
    )
    EMAIL_CHANGED = (
        "email_changed",
        _l("Changed an email address"),
        _l("%(actor)s changed their email address"),
    )
    # Single sign-on (consult/sso): the institution's vouch, and the admin's providers.
    PROFILE_VOUCHED = (
        "profile_vouched",
        _l("Verified by an institution"),
        _l("%(institution)s vouched, through its sign-in, that %(target)s belongs to it"),
    )
    SSO_PROVIDER_ADDED = (
        "sso_provider_added",
        _l("Added an institution's sign-in"),
        _l("%(actor)s added signing in with %(name)s (%(domains)s)"),
    )
    SSO_PROVIDER_CHANGED = (
        "sso_provider_changed",
        _l("Changed an institution's sign-in"),
        _l("%(actor)s changed signing in with %(name)s (%(changed)s)"),
    )
    SSO_PROVIDER_ENABLED = (
        "sso_provider_enabled",
        _l("Switched an institution's sign-in on"),
        _l("%(actor)s switched signing in with %(name)s on"),
    )
    SSO_PROVIDER_DISABLED = (
        "sso_provider_disabled",
        _l("Switched an institution's sign-in off"),
        _l("%(actor)s switched signing in with %(name)s off"),
    )


GENERIC = _l("%(actor)s: “%(action)s” on %(target)s")
KNOWN = {member.value: member for member in AuditAction}


def action_label(code: str) -> str:
    """The short label of an action code for the filter list; the code itself if unknown."""
    member = KNOWN.get(code)
    return str(member.label) if member else code
