"""Settings and status changes in the audit log: what an event keeps, and how it reads.

A settings change keeps each changed setting's old and new value (the title and summary:
only the languages whose text changed, the texts being long); the log reads them with the
settings' names and values as people write them ("opening time: not set → December 2,
2026, 3:00 PM UTC"), never as field names. A status change keeps the phase on each side,
so opening before the opening time reads as scheduling it.
"""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.i18n import language_name

# A consultation's settings, as the audit log names them (consult/organise/services.py).
SETTING_NAMES = {
    "title": _l("title"),
    "summary": _l("summary"),
    "languages": _l("languages offered"),
    "authoritative_language": _l("authoritative language"),
    "opens_at": _l("opening time"),
    "closes_at": _l("closing time"),
    "moderation_mode": _l("moderation"),
    "allow_anonymous": _l("taking part without an account"),
    "pseudonymous_per_hour": _l("new anonymous participants per address per hour"),
    "allow_statements": _l("statements by participants"),
    "dashboard_public": _l("public dashboard"),
}
# An institution's sign-in (consult/sso/providers.py): names only, the values may be secret.
PROVIDER_FIELD_NAMES = {
    "name": _l("name"),
    "issuer": _l("issuer address"),
    "client_id": _l("client id"),
    "client_secret": _l("client secret"),
    "domains": _l("email domains"),
    "vouches_for_organisation": _l("vouching for the organisation"),
    "enabled": _l("switched on"),
}
TEXTS = ("title", "summary")
MOMENTS = ("opens_at", "closes_at")


def settings_changes(consultation, values: dict) -> dict:
    """For a settings event's details: each setting ``values`` changes, with its old and
    new value as JSON ([old, new]); for a text, the languages whose text changed."""
    changes = {}
    for name, new in values.items():
        old = getattr(consultation, name)
        if old == new or (name == "languages" and sorted(old or []) == sorted(new or [])):
            continue  # the offered languages are stored in the site's order: not a change
        if name in TEXTS:
            old, new = old or {}, new or {}
            changes[name] = sorted(k for k in {*old, *new} if old.get(k) != new.get(k))
        else:
            changes[name] = [_as_json(old), _as_json(new)]
    return changes


def _as_json(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def describe_settings(details: dict) -> str:
    """The changed settings in words, with old and new values; an older event, which kept
    only the names (``changed``), reads as the names."""
    changes = details.get("changes")
    if isinstance(changes, dict):
        parts = [_describe(name, change) for name, change in changes.items()]
        return "; ".join(parts) if parts else _("nothing changed")
    names = [setting_name(name) for name in details.get("changed") or []]
    return ", ".join(names) if names else _("nothing changed")


def setting_name(name: str) -> str:
    """A setting's name in the reader's language (an unknown one without underscores)."""
    return str(SETTING_NAMES.get(name) or name.replace("_", " "))


def provider_fields(names) -> str:
    """The changed fields of an institution's sign-in, by name."""
    names = names if isinstance(names, list) else []
    return ", ".join(str(PROVIDER_FIELD_NAMES.get(n) or n.replace("_", " ")) for n in names)


def _describe(name: str, change) -> str:
    if name in TEXTS and isinstance(change, list):
        languages = ", ".join(language_name(str(code)) for code in change)
        return _("%(setting)s (%(languages)s)", setting=setting_name(name), languages=languages)
    old, new = change if isinstance(change, list) and len(change) == 2 else (None, change)
    return _(
        "%(setting)s: %(old)s → %(new)s",
        setting=setting_name(name),
        old=_value(name, old),
        new=_value(name, new),
    )


def _value(name: str, value) -> str:
    """A setting's value as people write it."""
    from consult.consultations.models import ModerationMode
    from consult.consultations.schedule import format_moment

    if value is None or value == []:
        return _("not set")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in MOMENTS:
        try:
            return format_moment(datetime.fromisoformat(str(value)))
        except ValueError:
            return str(value)
    if name == "moderation_mode":
        try:
            return str(ModerationMode(value).label)
        except ValueError:
            return str(value)
    if name in ("languages", "authoritative_language"):
        codes = value if isinstance(value, list) else [value]
        return ", ".join(language_name(str(code)) for code in codes)
    return str(value)


def status_reading(status, phase) -> str | None:
    """One side of a status change in words: the phase when the event kept it (open by
    status but before its opening time reads "Scheduled"), else the status's label; None
    for a value neither knows."""
    from consult.consultations.models import Status
    from consult.consultations.schedule import Phase

    try:
        member = Status(status)
    except ValueError:
        return None
    if member is Status.OPEN and phase in {p.value for p in Phase}:
        return str(Phase(phase).label)
    return str(member.label)
