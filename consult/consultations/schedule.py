"""Where a consultation stands in its life, derived from its status and its dates.

No background job moves a consultation from scheduled to open or from open to closed:
the status an organiser sets says whether it runs at all, and the dates say when. Every
badge and sentence about a consultation (home, its page, the organiser pages, "my
consultations") reads ``Consultation.phase()`` or ``Consultation.schedule()``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_date, format_time, get_locale
from flask_babel import lazy_gettext as _l

from consult.enums import LabelledEnum


class Phase(LabelledEnum):
    DRAFT = "draft", _l("Draft")
    SCHEDULED = "scheduled", _l("Scheduled")
    OPEN = "open", _l("Open")
    CLOSED = "closed", _l("Closed")
    IMPORTED = "imported", _l("Imported (closed for input)")


def phase_of(
    status: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    imported_from: str | None,
    now: datetime,
) -> Phase:
    """The phase at ``now`` of a consultation with this ``status`` (a Status value) and
    these dates: open by status but before its opening time, it is scheduled; past its
    closing time it is closed, whatever its status; archived counts as closed."""
    if status == "open":
        if imported_from is None and opens_at and now < opens_at:
            return Phase.SCHEDULED
        if not (opens_at and now < opens_at) and not (closes_at and now >= closes_at):
            return Phase.OPEN
    if imported_from:
        return Phase.IMPORTED
    if status == "draft":
        return Phase.DRAFT
    return Phase.CLOSED


@dataclass(frozen=True)
class Schedule:
    """A consultation's phase and the one date worth saying about it: "Opens on" while
    scheduled, "Closes on" while open, "Closed on" once its closing time has passed (a
    consultation closed by hand before its closing time has no closing date to give)."""

    phase: Phase
    opens_on: datetime | None = None
    closes_on: datetime | None = None
    closed_on: datetime | None = None


def schedule_of(
    status: str,
    opens_at: datetime | None,
    closes_at: datetime | None,
    imported_from: str | None,
    now: datetime,
) -> Schedule:
    """The ``Schedule`` at ``now`` (same arguments as ``phase_of``)."""
    current = phase_of(status, opens_at, closes_at, imported_from, now)
    if current is Phase.SCHEDULED:
        return Schedule(current, opens_on=opens_at)
    if current is Phase.OPEN:
        return Schedule(current, closes_on=closes_at)
    if current is Phase.CLOSED and closes_at and closes_at <= now:
        return Schedule(current, closed_on=closes_at)
    return Schedule(current)


def phase_if_opened(opens_at: datetime | None, closes_at: datetime | None, now: datetime) -> Phase:
    """What setting the status to open at ``now`` would do: schedule it (an opening time
    still to come), open it, or nothing (closed: its closing time has passed)."""
    return phase_of("open", opens_at, closes_at, None, now)


def format_moment(value: datetime | None) -> str:
    """A moment as the reader's locale writes a long date and a short time, in the site's
    timezone, which it names: "December 2, 2026, 3:00 PM UTC", "2026年12月2日 15:00 UTC".
    Every "Opens on" and "Closes on" says the time too: a consultation may open in an hour."""
    if value is None:
        return ""
    pattern = re.sub(r"'([^']*)'", r"\1", str(get_locale().datetime_formats["long"]))
    time = f"{format_time(value, 'short')} {format_time(value, 'z')}"
    return pattern.replace("{1}", format_date(value, "long")).replace("{0}", time)
