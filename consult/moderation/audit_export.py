"""The audit log as a CSV file: the filtered events, one a row, in the reader's language."""

from __future__ import annotations

from flask import Response

from consult.moderation.audit_actions import action_label
from consult.moderation.audit_sentences import describe_events
from consult.moderation.models import ModerationEvent
from consult.reports.polis_csv import rows_to_csv

HEADER = [
    "time_utc",
    "actor",
    "action",
    "action_label",
    "target_kind",
    "target_id",
    "statement_number",
    "description",
    "reason",
]


def audit_rows(events: list[ModerationEvent]) -> list[list]:
    """One row per event, newest first: the code for machines, the sentence for people.
    ``target_id`` is the internal id; for a statement, ``statement_number`` is the number
    the pages, the sentence and the Polis exports (``comment-id``) use."""
    return [
        [
            line.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            line.actor,
            line.event.action,
            action_label(line.event.action),
            line.event.target_kind,
            line.event.target_id or "",
            line.statement_number or "",
            line.sentence,
            line.reason,
        ]
        for line in describe_events(events)
    ]


def csv_download(rows: list[list], filename: str) -> Response:
    """The rows as an attachment; every text cell is neutralised by ``rows_to_csv``."""
    response = Response(rows_to_csv(HEADER, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
