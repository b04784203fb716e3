"""The audit log in words, never in codes: status changes read as the phase they began
("from Draft to Scheduled"), settings changes name each setting with its old and new
value, reports go by their title, and no sentence of any action shows a raw enum value or
field name, in English or Chinese, on the page or in the CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from babel.dates import format_date, format_time

from consult.consultations.models import ModerationMode, Role, Status
from consult.consultations.schedule import Phase
from consult.db_types import utcnow
from consult.moderation.audit_actions import KNOWN
from consult.moderation.audit_sentences import describe_events
from consult.moderation.audit_settings import PROVIDER_FIELD_NAMES, SETTING_NAMES
from consult.moderation.models import ModerationEvent, Outcome
from consult.organise.status import set_status
from tests.conftest import post_form

SETTINGS = "/c/test-consultation/organise"
LOG = f"{SETTINGS}/audit"
CHINESE = {"Accept-Language": "zh-CN,zh;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB"}


def _cells(html: str) -> list[str]:
    cells = re.findall(r"<td>(.*?)</td>", html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


def _moment(value) -> str:
    written = (
        f"{format_date(value, 'long', locale='en')}, {format_time(value, 'short', locale='en')}"
    )
    return " ".join(f"{written} UTC".split())


def _event(db, consultation, actor, action: str, target_kind="consultation", **details):
    event = ModerationEvent(
        consultation_id=consultation.id,
        actor_id=actor.id,
        action=action,
        target_kind=target_kind,
        target_id=consultation.id,
        details=details,
    )
    db.session.add(event)
    db.session.commit()
    return event


def test_status_changes_read_as_the_phase_they_began(client, db, team, login):
    c = team.consultation
    c.status, c.opens_at = Status.DRAFT, utcnow() + timedelta(days=2)
    db.session.commit()
    set_status(team.organiser, c, "open")
    set_status(team.organiser, c, "draft")
    c.opens_at = None
    db.session.commit()
    set_status(team.organiser, c, "open")
    set_status(team.organiser, c, "archived")
    _event(db, c, team.organiser, "set_status", **{"from": "open", "to": "closed"})  # old
    login(team.organiser)
    cells = _cells(client.get(LOG, headers=ENGLISH).get_data(as_text=True))
    said = [cell for cell in cells if "changed the status" in cell]
    assert said == [
        "Org changed the status from Open to Closed",
        "Org changed the status from Open to Archived",
        "Org changed the status from Draft to Open",
        "Org changed the status from Scheduled to Draft",
        "Org changed the status from Draft to Scheduled",
    ]
    chinese = " ".join(_cells(client.get(LOG, headers=CHINESE).get_data(as_text=True)))
    for raw in ("open", "closed", "draft", "archived", "scheduled"):
        assert not re.search(rf"\b{raw}\b", chinese), raw


def test_settings_changes_read_with_names_and_values(client, db, team, login):
    login(team.organiser)
    form = {
        "title_en": "Test consultation",
        "title_zh": "新标题",
        "languages": ["en", "zh"],
        "moderation_mode": "post",
        "opens_at": "2030-01-02T10:00",
        "closes_at": "2030-02-01T18:30",
        "allow_statements": "y",
        "dashboard_public": "y",
        "allow_anonymous": "y",
    }
    assert post_form(client, SETTINGS, form).status_code == 302
    cells = _cells(client.get(LOG, headers=ENGLISH).get_data(as_text=True))
    line = next(cell for cell in cells if "changed the settings" in cell)
    opens = _moment(datetime(2030, 1, 2, 10, tzinfo=UTC))
    closes = _moment(datetime(2030, 2, 1, 18, 30, tzinfo=UTC))
    assert line.startswith("Org changed the settings: title (中文); ")
    assert f"opening time: not set → {opens}" in line
    assert f"closing time: not set → {closes}" in line
    pre, post = ModerationMode.PRE.label, ModerationMode.POST.label
    assert f"moderation: {pre} → {post}" in line
    assert "taking part without an account: no → yes" in line
    assert "languages" not in line, "the same languages in another order: no change"
    assert "_" not in line, "no field names"
    rows = list(csv.DictReader(io.StringIO(client.get(f"{LOG}.csv").get_data(as_text=True))))
    described = next(r["description"] for r in rows if r["action"] == "edit_settings")
    assert " ".join(described.split()) == line, "the CSV says the same"
    chinese = " ".join(_cells(client.get(LOG, headers=CHINESE).get_data(as_text=True)))
    assert "opens_at" not in chinese and "moderation_mode" not in chinese
    assert "2030年1月2日" in chinese, "dates as the reader's locale writes them"


def test_older_events_read_sensibly(app, db, team):
    c, org = team.consultation, team.organiser
    _event(db, c, org, "edit_settings", changed=["closes_at", "opens_at"])
    _event(db, c, org, "set_status", **{"from": "draft", "to": "open"})
    _event(db, c, org, "publish_report", "report", slug="summary-of-views")
    events = list(db.session.query(ModerationEvent).order_by(ModerationEvent.id))
    with app.test_request_context(headers=ENGLISH):
        said = [line.sentence for line in describe_events(events)]
    assert said == [
        "Org changed the settings: closing time, opening time",
        "Org changed the status from Draft to Open",
        "Org published the report “summary-of-views”",
    ]


def test_reports_go_by_their_title(app, db, team):
    from consult.reports.models import AnalysisSnapshot, SnapshotStatus
    from consult.reports.publishing import publish_report, set_published

    c = team.consultation
    db.session.add(AnalysisSnapshot(consultation_id=c.id, status=SnapshotStatus.OK))
    db.session.commit()
    app.config["ANALYSIS_MODE"] = "off"
    with app.test_request_context(headers=ENGLISH):
        publish_report(team.organiser, c, "Summary of views", "", "summary-of-views")
        set_published(team.organiser, c, "summary-of-views", False)
        set_published(team.organiser, c, "summary-of-views", True)
        events = list(
            db.session.query(ModerationEvent)
            .filter(ModerationEvent.target_kind == "report")
            .order_by(ModerationEvent.id)
        )
        said = [line.sentence for line in describe_events(events)]
    assert said == [
        "Org published the report “Summary of views”",
        "Org unpublished the report “Summary of views”",
        "Org published the report “Summary of views” again",
    ]


# Every action, with details of every kind a sentence may read.
SAMPLE = {
    "role": "moderator",
    "outcome": "adopted_in_part",
    "from": "draft",
    "to": "open",
    "from_phase": "draft",
    "to_phase": "scheduled",
    "number": 3,
    "language": "zh",
    "languages": ["en", "zh"],
    "email": "wang@example.org",
    "count": 12,
    "slug": "summary-of-views",
    "title": "Summary of views",
    "name": "Example University",
    "domains": ["example.edu"],
    "institution": "Example University",
}
SETTINGS_CHANGES = {
    "title": ["en", "zh"],
    "summary": ["zh"],
    "languages": [["en"], ["en", "zh"]],
    "authoritative_language": ["en", "zh"],
    "opens_at": [None, "2030-01-02T10:00:00+00:00"],
    "closes_at": ["2030-01-01T10:00:00+00:00", "2030-02-01T10:00:00+00:00"],
    "moderation_mode": ["pre", "post"],
    "allow_anonymous": [False, True],
    "pseudonymous_per_hour": [10, 50],
    "allow_statements": [True, False],
    "dashboard_public": [True, False],
}
RAW = (
    {m.value for enum in (Status, Phase, Role, Outcome, ModerationMode) for m in enum}
    | {name for name in (*SETTING_NAMES, *PROVIDER_FIELD_NAMES) if "_" in name}
    | {"summary-of-views"}
)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z][A-Za-z0-9_\-]*", text))


@pytest.mark.parametrize("headers", [ENGLISH, CHINESE], ids=["en", "zh"])
def test_no_sentence_shows_a_raw_code(app, db, team, headers):
    from consult.participation.models import Statement

    c, org = team.consultation, team.organiser
    original = db.session.query(Statement).filter_by(consultation_id=c.id).first()
    for action in KNOWN:
        details = {**SAMPLE, "duplicate_of": original.id}
        if action == "edit_settings":
            details["changes"] = SETTINGS_CHANGES
        if action == "sso_provider_changed":
            details["changed"] = sorted(PROVIDER_FIELD_NAMES)
        _event(db, c, org, action, **details)
    events = list(db.session.query(ModerationEvent).order_by(ModerationEvent.id))
    with app.test_request_context(headers=headers):
        lines = describe_events(events)
        found = {}
        for line in lines:
            template = str(KNOWN[line.event.action].sentence)
            raw = (RAW & _words(line.sentence)) - _words(template)
            if raw or "?" in line.sentence:  # "?": a detail the sentence needs is missing
                found[line.event.action] = (line.sentence, sorted(raw))
    assert len(lines) == len(KNOWN)
    assert not found, found
    assert not [line.sentence for line in lines if "_" in line.sentence], "no field names"
