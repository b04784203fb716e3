"""The audit log in words: sentences from one table, filters, the CSV export, the site log."""

from __future__ import annotations

import ast
import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from consult.drafts import services as drafts
from consult.drafts.publishing import publish_version
from consult.moderation.audit_actions import KNOWN
from consult.moderation.models import ModerationEvent
from consult.moderation.services import moderate
from tests.conftest import PASSWORD, IsolatedClient, post_form

LOG = "/c/test-consultation/organise/audit"
CSV = f"{LOG}.csv"
PACKAGE = Path(__file__).resolve().parents[2] / "consult"


def _cells(html: str) -> list[str]:
    """The text of the log's cells, as a reader sees it."""
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", html)]


def _as(app, user):
    app.test_client_class = IsolatedClient
    client = app.test_client()
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def history(db, team, contribute):
    """A moderator rejects statement N as spam; the organiser adds a clause and publishes."""
    c = team.consultation
    spam = contribute.statement(c, "Buy cheap watches.")
    moderate(team.moderator, c, "statement", spam.id, "reject", "pending", "spam")
    drafts.add_clause(team.organiser, c, {"en": "Data"}, {"en": "Share the data."})
    version = publish_version(team.organiser, c, "A clause on data.")
    return spam, version


def test_the_log_reads_in_sentences_with_names(app, team, history):
    spam, version = history
    html = _as(app, team.organiser).get(LOG).get_data(as_text=True)
    cells = _cells(html)
    assert f"Mod rejected statement {spam.number}" in cells and "spam" in cells
    assert f"Org published version {version.number} of the draft" in cells
    assert any(cell.startswith("Org added clause 3 “Data” to the draft") for cell in cells)
    raw = {"reject", "publish", "add_clause", "start_draft"}
    assert not raw & set(cells), "no raw action codes"
    assert not any(re.search(r"user #\d+", cell) for cell in cells), "people by name"
    assert '<option value="add_clause" >Added a clause</option>' in html


def test_every_recorded_action_has_a_sentence():
    """Collect the action of every record_event call in the code base: each has a sentence."""
    from consult.moderation import edits
    from consult.moderation.services import ACTIONS
    from consult.organise.site_organisers import ORGANISER
    from consult.verification.services import DECISIONS, VERIFIER

    dynamic = {  # codes built at run time, from the code's own lists of choices
        ("moderation/services.py", "action"): {a for acts in ACTIONS.values() for a in acts},
        ("verification/services.py", "f'profile_{decision}'"): {f"profile_{d}" for d in DECISIONS},
        ("moderation/edits.py", "f'{action}_edit'"): {f"{a}_edit" for a in edits.ACTIONS},
        ("auth/site_roles.py", "action"): {
            code for role in (VERIFIER, ORGANISER) for code in (role.granted, role.revoked)
        },
    }
    codes, unexplained = set(), []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for call in ast.walk(function):
                name = getattr(getattr(call, "func", None), "id", None)
                if not isinstance(call, ast.Call) or name != "record_event":
                    continue
                code = call.args[2] if len(call.args) > 2 else None
                code = code or next((k.value for k in call.keywords if k.arg == "action"), None)
                if isinstance(code, ast.Constant):
                    codes.add(code.value)
                    continue
                where = (str(path.relative_to(PACKAGE)), ast.unparse(code))
                assigned = _strings_assigned(function, ast.unparse(code))
                if assigned:
                    codes |= assigned
                elif where in dynamic:
                    codes |= dynamic[where]
                else:
                    unexplained.append(where)
    assert not unexplained, f"record_event with an action the test cannot list: {unexplained}"
    assert {"publish", "reject", "publish_report", "profile_verified"} <= codes
    assert codes - set(KNOWN) == set(), "every action code reads as a sentence"


def _strings_assigned(function, name: str) -> set[str]:
    return {
        node.value
        for assign in ast.walk(function)
        if isinstance(assign, ast.Assign)
        and any(getattr(t, "id", None) == name for t in assign.targets)
        for node in ast.walk(assign.value)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_an_unknown_code_reads_as_a_generic_sentence(app, db, team):
    c, org = team.consultation, team.organiser
    event = ModerationEvent(action="frobnicate", target_kind="widget", target_id=7)
    event.consultation_id, event.actor_id = c.id, org.id
    db.session.add(event)
    db.session.commit()
    cells = _cells(_as(app, team.organiser).get(LOG).get_data(as_text=True))
    assert "Org: “frobnicate” on widget #7" in cells


def test_filters_by_action_person_and_days(app, db, team, history):
    client = _as(app, team.organiser)
    only = _cells(client.get(f"{LOG}?action=reject").get_data(as_text=True))
    assert any(c.startswith("Mod rejected") for c in only)
    assert not any(c.startswith("Org") for c in only)
    by_org = client.get(f"{LOG}?person={team.organiser.id}").get_data(as_text=True)
    assert "Org published" in by_org and "Mod rejected" not in by_org
    assert f'<option value="{team.organiser.id}" selected>Org</option>' in by_org
    today = datetime.now(UTC).date().isoformat()
    assert "Mod rejected" in client.get(f"{LOG}?from={today}&to={today}").get_data(as_text=True)
    past = client.get(f"{LOG}?from=2020-01-01&to=2020-12-31").get_data(as_text=True)
    assert "Nothing recorded yet." in past
    assert 'value="2020-01-01"' in past, "the form keeps the filter"


@pytest.mark.parametrize(
    "query",
    ["action=%3Cscript%3E", "person=abc", "person=0", "person=99999999999999999999",
     "from=2026-13-01", "to=yesterday", "from=2026-02-02&to=2026-02-01", "target_kind=A%20B"],
)  # fmt: skip
def test_bad_filters_are_a_clear_400(app, team, query):
    client = _as(app, team.organiser)
    for url in (LOG, CSV):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, (url, query)
        assert "<html" in response.get_data(as_text=True).lower()


def test_csv_of_the_filtered_log(app, db, team, history, contribute):
    spam, _version = history
    team.moderator.display_name = "=cmd|' /C calc'!A0"
    db.session.commit()
    c = team.consultation
    other = contribute.statement(c, "More spam.")
    moderate(team.moderator, c, "statement", other.id, "reject", "pending", "@SUM(1+1)")
    client = _as(app, team.organiser)
    assert 'href="/c/test-consultation/organise/audit.csv?action=reject"' in client.get(
        f"{LOG}?action=reject"
    ).get_data(as_text=True)
    response = client.get(f"{CSV}?action=reject")
    assert response.status_code == 200
    assert response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="test-consultation-audit.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["target_id"] for r in rows] == [str(other.id), str(spam.id)], "newest first"
    # The number the pages and the Polis exports (comment-id) use, beside the internal id.
    assert [r["statement_number"] for r in rows] == [str(other.number), str(spam.number)]
    assert {r["action"] for r in rows} == {"reject"} and rows[0]["action_label"] == "Rejected"
    assert rows[0]["actor"] == "'=cmd|' /C calc'!A0", "formula cells neutralised"
    assert rows[0]["reason"] == "'@SUM(1+1)"
    assert rows[1]["description"] == f"'=cmd|' /C calc'!A0 rejected statement {spam.number}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", rows[0]["time_utc"])
    everything = list(csv.DictReader(io.StringIO(client.get(CSV).get_data(as_text=True))))
    assert {"publish", "add_clause", "start_draft", "reject"} <= {r["action"] for r in everything}


def test_only_organisers_download_the_log(app, team, history):
    anonymous = app.test_client().get(CSV)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    for user in (team.moderator, team.participant, team.other_moderator):
        assert _as(app, user).get(CSV).status_code == 403
    assert _as(app, team.organiser).get("/c/no-such-thing/organise/audit.csv").status_code == 404


def test_the_site_log_reads_in_sentences(app, db, team, quick_user):
    from consult.verification.services import set_verifier

    admin = quick_user("admin@example.org", admin=True)
    set_verifier(admin, team.moderator.email, True)
    set_verifier(admin, team.moderator.email, False)
    cells = _cells(_as(app, admin).get("/admin/audit").get_data(as_text=True))
    assert cells.index("Admin removed Mod as a verifier") < cells.index("Admin made Mod a verifier")


def test_served_by_gunicorn(db, team, history, database_url, tmp_path):
    from tests.reports.served import Browser
    from tests.serving import served

    spam, _version = history
    db.session.remove()
    db.engine.dispose()
    with served(database_url, tmp_path / "served", workers=1) as app:
        browser = Browser(app.base)
        browser.login(team.organiser.email, PASSWORD)
        fetched = browser.get(f"{CSV}?person={team.moderator.id}")
        assert fetched.status == 200
        assert fetched.headers.get_all("Content-Type") == ["text/csv; charset=utf-8"]
        rows = list(csv.DictReader(io.StringIO(fetched.body.decode("utf-8"))))
        assert [r["description"] for r in rows] == [f"Mod rejected statement {spam.number}"]
        assert browser.get(f"{CSV}?from=nonsense").status == 400
