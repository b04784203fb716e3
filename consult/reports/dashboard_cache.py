"""What the dashboard keeps per process so that a request does not grow with the
consultation: the page model of a snapshot (:func:`page_view`) and the overview counts
(:func:`overview_of`). Both are bounded LRU caches keyed by what they depend on, read
with cheap queries on every request, so nothing stale is shown after a new analysis, a
moderation, a published version or (for small consultations) a new vote.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

import sqlalchemy as sa
from flask import render_template
from flask_babel import get_locale
from markupsafe import Markup

from consult.extensions import db
from consult.i18n import current_language
from consult.reports import dashboard
from consult.reports import dashboard_figures as figures
from consult.reports.labels import statement_infos
from consult.reports.languages import LANGUAGES, language_groups
from consult.reports.view_model import SnapshotView

CACHE_SIZE = 32  # entries kept per process and cache (a few consultations x languages)
# Overview counts of a large consultation (over LARGE votes) are reused for this long
# while votes keep arriving: recounting 1.8M votes on every poll would cost a second.
OVERVIEW_REUSE_SECONDS = 10.0
OVERVIEW_MAX_AGE = 300.0  # and recounted at least this often (profile edits leave no mark)
LARGE = 100_000


class _Lru:
    def __init__(self):
        self.entries: OrderedDict[tuple, tuple[float, object]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key, value) -> None:
        with self.lock:
            self.entries[key] = (time.monotonic(), value)
            while len(self.entries) > CACHE_SIZE:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_pages = _Lru()
_overviews = _Lru()


def clear() -> None:
    """Forget everything (tests that change a module's constants between requests)."""
    _pages.clear()
    _overviews.clear()


def statements_mark(consultation_id: int) -> tuple:
    """What the statements' labels and listing depend on, in two aggregate queries: a
    new, moderated or renumbered statement or a newly published draft version changes it
    (clause wording changes only by publishing a version)."""
    from consult.drafts.models import DraftVersion
    from consult.participation.models import ModerationState, Statement

    state_code = sa.case(
        *[
            (Statement.moderation_state == state, code)
            for code, state in enumerate(ModerationState, start=1)
        ],
        else_=0,
    )
    statements = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.max(Statement.id),
            sa.func.max(Statement.moderated_at),
            sa.func.sum(Statement.id * state_code),
            sa.func.sum(Statement.number),
        ).where(Statement.consultation_id == consultation_id)
    ).one()
    versions = db.session.execute(
        sa.select(
            sa.func.count(), sa.func.max(DraftVersion.id), sa.func.max(DraftVersion.published_at)
        ).where(
            DraftVersion.consultation_id == consultation_id,
            DraftVersion.published_at.is_not(None),
        )
    ).one()
    return (*statements, *versions)


def translations_mark(consultation_id: int, language: str) -> tuple:
    """What the statements' translated texts in ``language`` depend on, in one aggregate
    query over its approved translations: approving one (new id, new time), setting one
    aside or sending it back to the moderators (the count and the sum of ids) changes it,
    so a translation approved after the snapshot shows at once."""
    from consult.participation.models import ContentTranslation, ModerationState

    return tuple(
        db.session.execute(
            sa.select(
                sa.func.count(),
                sa.func.max(ContentTranslation.id),
                sa.func.max(ContentTranslation.moderated_at),
                sa.func.sum(ContentTranslation.id),
            ).where(
                ContentTranslation.consultation_id == consultation_id,
                ContentTranslation.language == language,
                ContentTranslation.statement_id.is_not(None),
                ContentTranslation.moderation_state == ModerationState.APPROVED,
            )
        ).one()
    )


PARTS = ("summary", "findings", "languages")  # templates/reports/_<part>.html, rendered once


def _rendered(part: str, built: dict, consultation) -> Markup:
    html = render_template(f"reports/_{part}.html", view=built, consultation=consultation)
    return Markup(html)  # noqa: S704 (Jinja's output, autoescaped)


def page_view(consultation, snapshot, view: SnapshotView, you: int | None) -> dict:
    """:func:`consult.reports.dashboard.build` for the dashboard, with the run's figures
    by language (:mod:`consult.reports.languages`) and its summary, findings and language
    section already rendered (``html``), keyed by the snapshot (id and creation time, in
    this database), the reader's language, :func:`statements_mark` and
    :func:`translations_mark`: a new analysis, a moderated statement, a published version
    or an approved translation builds anew, never a stale page. The
    reader's own mark is added to the map per request."""
    key = (
        str(db.engine.url),
        snapshot.id,
        snapshot.created_at,
        str(get_locale()),
        statements_mark(consultation.id),
        translations_mark(consultation.id, current_language()),
    )
    found = _pages.get(key)
    if found is None:
        built = dashboard.build(view, statement_infos(consultation.id, translated=True))
        built["languages"] = language_groups(
            (snapshot.parameters or {}).get(LANGUAGES),
            list(consultation.languages or []),
            [row.info.id for row in built["broad"]],
            view.threshold,
        )
        built["html"] = {part: _rendered(part, built, consultation) for part in PARTS}
        _pages.put(key, built)
    else:
        built = found[1]
    if you is None:
        return built
    drawn = figures.place_you(built["map"], view, you)
    if not drawn["you"]:
        return built
    # The rendered findings hold the map once; the reader's copy has their mark.
    findings = str(built["html"]["findings"]).replace(
        str(built["map"]["svg"]), str(drawn["svg"]), 1
    )
    html = {**built["html"], "findings": Markup(findings)}  # noqa: S704 (both parts escaped)
    return {**built, "map": drawn, "html": html}


def activity_mark(consultation_id: int) -> tuple:
    """What the overview counts depend on, from indexed lookups: the newest vote event
    (every vote, change and withdrawal writes one), the participants, the approved
    comments and the statements."""
    from consult.consultations.models import Participant
    from consult.participation.models import Comment, ModerationState, VoteEvent

    last_event = db.session.scalar(
        sa.select(sa.func.max(VoteEvent.id)).where(VoteEvent.consultation_id == consultation_id)
    )
    participants = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(Participant.id)).where(
            Participant.consultation_id == consultation_id
        )
    ).one()
    comments = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(Comment.id), sa.func.max(Comment.deleted_at)).where(
            Comment.consultation_id == consultation_id,
            Comment.moderation_state == ModerationState.APPROVED,
        )
    ).one()
    return (last_event, *participants, *comments, *statements_mark(consultation_id))


def overview_of(consultation):
    """:func:`consult.reports.services.overview`, counted again only when
    :func:`activity_mark` moves (or after :data:`OVERVIEW_MAX_AGE`); for a consultation
    of over :data:`LARGE` votes, counts up to :data:`OVERVIEW_REUSE_SECONDS` old are
    reused while votes keep arriving (the page says the run's vote count apart)."""
    from consult.reports.services import overview

    base = (str(db.engine.url), consultation.id)
    mark = activity_mark(consultation.id)
    now = time.monotonic()
    found = _overviews.get(base)
    if found is not None:
        stamp, (seen, counts) = found
        age = now - stamp
        fresh = seen == mark and age < OVERVIEW_MAX_AGE
        if fresh or (counts.votes > LARGE and age < OVERVIEW_REUSE_SECONDS):
            return counts
    counts = overview(consultation)
    _overviews.put(base, (mark, counts))
    return counts
