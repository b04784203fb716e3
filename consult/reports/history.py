"""Clause history: how agreement with each clause moved across snapshots and draft versions,
beside what changed in its text and which contributions were adopted."""

from __future__ import annotations

import sqlalchemy as sa

from consult.consultations.models import Consultation
from consult.drafts.languages import text_change
from consult.drafts.models import Clause, DraftVersion
from consult.drafts.translations import reading
from consult.extensions import db
from consult.i18n import current_language, localized
from consult.moderation.models import ContributionResponse
from consult.reports import snapshots
from consult.reports.dashboard import Interval
from consult.reports.svg_lines import history_chart
from consult.reports.view_model import OutdatedSnapshot
from consult.textdiff import diff

MAX_POINTS = 24


def clause_history(consultation: Consultation, language: str | None = None) -> list[dict]:
    """Per clause of the current draft: its versions with text changes and adopted
    contributions, and per snapshot its agreement overall, by group and by sector."""
    rows = db.session.execute(
        sa.select(Clause, DraftVersion)
        .join(DraftVersion, Clause.version_id == DraftVersion.id)
        .where(
            DraftVersion.consultation_id == consultation.id,
            DraftVersion.published_at.is_not(None),
        )
        .order_by(DraftVersion.number, Clause.position)
    ).all()
    if not rows:
        return []
    language = language or current_language()
    latest = max(v.number for _c, v in rows)
    lineages: dict[str, list] = {}
    for clause, version in rows:
        lineages.setdefault(clause.lineage_key, []).append((clause, version))
    responses = db.session.scalars(
        sa.select(ContributionResponse).where(
            ContributionResponse.consultation_id == consultation.id,
            ContributionResponse.clause_lineage_key.is_not(None),
        )
    ).all()
    runs = []
    for snapshot in snapshots.history(consultation.id, MAX_POINTS):
        try:
            runs.append((snapshot, snapshots.view_of(snapshot)))
        except OutdatedSnapshot:  # stored by an older version: no figures to chart
            continue
    out = []
    for key, versions in lineages.items():
        current = [c for c, v in versions if v.number == latest]
        if not current:
            continue
        steps, previous_text, previous = [], None, None
        for clause, version in versions:
            text = localized(clause.text, language)
            steps.append(
                {
                    "version": version.number,
                    "published_at": version.published_at,
                    "summary": version.change_summary,
                    "diff": diff(previous_text, text, fold_variants=False)
                    if previous_text not in (None, text)
                    else None,
                    "changed": previous_text is not None and previous_text != text,
                    # Every language compared, not only the one shown: a translation-only
                    # change is named, not read as "text unchanged".
                    "languages": text_change(
                        previous.text if previous else None,
                        clause.text,
                        consultation.languages,
                        consultation.authoritative,
                    )
                    if previous
                    else None,
                    "adopted": [
                        r
                        for r in responses
                        if r.clause_lineage_key == key and r.version_id == version.id
                    ],
                }
            )
            previous_text, previous = text, clause
        statement_version = {c.statement_id: v.number for c, v in versions if c.statement_id}
        points = []
        newest_first = sorted(statement_version.items(), key=lambda kv: -kv[1])
        for snapshot, view in runs:
            # The newest wording that had votes in this run stands for the clause.
            for sid, number in newest_first:
                overall = view.overall(sid)
                if overall is None or not overall.voters:
                    continue
                points.append(
                    {
                        "snapshot": snapshot,
                        "version": number,
                        "overall": Interval.of(overall),
                        "groups": [Interval.of(f) for f in view.agreement("group", sid)],
                        "sectors": [
                            Interval.of(f) for f in view.agreement("sector", sid) if f.voters
                        ],
                    }
                )
                break
        shown = reading(current[0], language, consultation.authoritative)
        out.append(
            {
                "position": current[0].position,
                "heading": localized(current[0].heading, language),
                "text": shown.text,
                # Its badge, and the authoritative wording alongside where it differs.
                "reading": shown,
                "steps": steps,
                "points": points,
                "sector_names": sorted({i.segment for p in points for i in p["sectors"]}),
                "chart": history_chart(points) if len(points) > 1 else None,
            }
        )
    out.sort(key=lambda c: c["position"])
    return out
