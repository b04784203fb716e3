"""Names for statements, sectors, regions and income groups, as readers see them."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from consult.drafts.models import Clause, DraftVersion
from consult.extensions import db
from consult.i18n import localized
from consult.participation.models import ModerationState, Statement, StatementKind
from consult.participation.translations import reading_of

REGION_LABELS = {
    "east_asia_pacific": _l("East Asia & Pacific"),
    "europe_central_asia": _l("Europe & Central Asia"),
    "latin_america_caribbean": _l("Latin America & Caribbean"),
    "middle_east_north_africa": _l("Middle East & North Africa"),
    "north_america": _l("North America"),
    "south_asia": _l("South Asia"),
    "sub_saharan_africa": _l("Sub-Saharan Africa"),
}
INCOME_LABELS = {
    "low": _l("Low income"),
    "lower_middle": _l("Lower-middle income"),
    "upper_middle": _l("Upper-middle income"),
    "high": _l("High income"),
}


def segment_name(family: str, segment) -> str:
    """A readable name for one segment of a family (group, sector, region, income group)."""
    from consult.auth.models import Sector
    from consult.reports.svg import group_letter

    if segment is None or segment == "None":
        return _("Unknown")
    if family == "group":
        return _("Group %(letter)s", letter=group_letter(int(segment)))
    if family == "sector":
        try:
            return str(Sector(segment).label)
        except ValueError:
            return str(segment)
    if family == "region":
        return str(REGION_LABELS.get(segment, segment))
    if family == "income_group":
        return str(INCOME_LABELS.get(segment, segment))
    return _("Everyone")


@dataclass(frozen=True)
class StatementInfo:
    id: int
    label: str  # "Clause 3 (version 2)" or "Statement 41"
    text: str
    is_clause: bool
    current: bool  # a clause of the latest version, or an approved statement
    position: int  # clause position, or a large number for statements
    lineage_key: str | None
    visible: bool  # shown on public pages (not pending or rejected)
    heading: str = ""  # a clause's heading in the reader's language ("" for statements)
    # A participant's statement shown in an approved translation: the text it translates
    # and that text's language ("Translated from French"); None when shown as written.
    original: str | None = None
    original_language: str | None = None
    language: str | None = None  # the language of ``text``, when known

    @property
    def translated(self) -> bool:
        return self.original is not None

    @property
    def title(self) -> str:
        """The label and, for a clause with one, its heading: "Clause 3: Safety testing"."""
        if not self.heading:
            return self.label
        return _("%(label)s: %(heading)s", label=self.label, heading=self.heading)

    @property
    def listed(self) -> bool:
        """Counted and listed by the dashboard and reports: a clause of the current draft
        version or an approved participant statement (superseded wording is history)."""
        return self.visible and self.current


def statement_infos(
    consultation_id: int, language: str | None = None, *, translated: bool = False
) -> dict[int, StatementInfo]:
    """Every statement of the consultation with its label and text (two queries), the
    clauses in ``language`` (the interface language if None). With ``translated``, a
    participant's statement written in another language reads in its approved
    translation into that one, if any (one more query), the original kept alongside: for
    pages people read; exports keep the words as written."""
    clauses = db.session.execute(
        sa.select(Clause, DraftVersion.number, DraftVersion.published_at)
        .join(DraftVersion, Clause.version_id == DraftVersion.id)
        .where(DraftVersion.consultation_id == consultation_id, Clause.statement_id.is_not(None))
        .order_by(DraftVersion.number)
    ).all()
    published = [n for _c, n, p in clauses if p is not None]
    latest = max(published) if published else None
    by_statement: dict[int, tuple] = {}
    for clause, number, published_at in clauses:
        if published_at is not None:  # later versions overwrite: the newest text wins
            by_statement[clause.statement_id] = (clause, number)
    infos = {}
    statements = db.session.scalars(
        sa.select(Statement).where(Statement.consultation_id == consultation_id)
    )
    for statement in statements:
        visible = statement.moderation_state in (ModerationState.APPROVED, ModerationState.META)
        if statement.kind is StatementKind.CLAUSE and statement.id in by_statement:
            clause, number = by_statement[statement.id]
            current = number == latest
            label = _("Clause %(n)d", n=clause.position)
            if not current:
                label = _("Clause %(n)d (version %(v)d)", n=clause.position, v=number)
            infos[statement.id] = StatementInfo(
                statement.id,
                label,
                localized(clause.text, language),
                True,
                current,
                clause.position,
                clause.lineage_key,
                True,
                localized(clause.heading, language) if clause.heading else "",
            )
        else:
            shown = reading_of(statement, language) if translated else None
            infos[statement.id] = StatementInfo(
                statement.id,
                _("Statement %(n)d", n=statement.number),
                shown.text if shown else statement.text or "",
                False,
                statement.moderation_state is ModerationState.APPROVED,
                10_000 + statement.id,
                statement.lineage_key,
                visible and statement.kind is not StatementKind.CLAUSE,
                original=shown.original if shown else None,
                original_language=shown.original_language if shown else None,
                language=shown.language if shown else statement.language,
            )
    return infos
