"""The moderation queue over HTTP: pages, htmx fragments, conflicts, bulk actions, answers."""

from consult.moderation import services
from consult.participation.models import ModerationState
from tests.conftest import post_form

QUEUE = "/c/test-consultation/moderate"
HTMX = {"HX-Request": "true"}


def test_queue_page_and_nav_count(client, team, contribute, login):
    contribute.statement(team.consultation, "<i>Pending</i> statement.")
    login(team.moderator)
    html = client.get("/moderation").get_data(as_text=True)
    assert "&lt;i&gt;Pending&lt;/i&gt; statement." in html
    assert 'class="moderation-link"' in html and ">1</span>" in html
    fragment = client.get("/moderation?kind=comment", headers=HTMX)
    assert fragment.headers["Vary"] == "HX-Request" or "HX-Request" in fragment.headers["Vary"]
    body = fragment.get_data(as_text=True)
    assert body.startswith('<div id="moderation-queue">') and "Pending" not in body


def test_single_action_in_place_and_conflict(client, team, contribute, login, reload):
    statement = contribute.statement(team.consultation)
    login(team.moderator)
    url = f"{QUEUE}/statements/{statement.id}"
    refused = post_form(
        client, url, {"action": "reject", "seen_state": "pending"}, page=QUEUE, headers=HTMX
    )
    assert refused.status_code == 422
    assert "Give a reason" in refused.get_data(as_text=True)
    done = post_form(
        client, url, {"action": "approve", "seen_state": "pending"}, page=QUEUE, headers=HTMX
    )
    assert done.status_code == 200
    assert (
        done.get_data(as_text=True)
        .lstrip()
        .startswith(f'<li class="card queue-item" id="item-statement-{statement.id}"')
    )
    late = post_form(
        client, url, {"action": "reject", "seen_state": "pending", "reason": "Spam"}, page=QUEUE,
        headers=HTMX,
    )  # fmt: skip
    assert late.status_code == 409
    assert "Someone else moderated this item" in late.get_data(as_text=True)
    assert reload(statement).moderation_state is ModerationState.APPROVED
    no_js = post_form(
        client, url, {"action": "reject", "seen_state": "pending", "reason": "Spam"}, page=QUEUE
    )
    assert no_js.status_code == 409 and "Nothing was changed" in no_js.get_data(as_text=True)
    again = post_form(
        client,
        url,
        {"action": "reject", "seen_state": "approved", "reason": "Spam", "next": QUEUE},
        page=QUEUE,
    )
    assert again.status_code == 302 and again.headers["Location"] == QUEUE
    assert reload(statement).moderation_reason == "Spam"


def test_bulk_actions_with_and_without_htmx(client, team, contribute, login, reload):
    c = team.consultation
    one, two = contribute.statement(c, "One."), contribute.statement(c, "Two.")
    comment = contribute.comment(c, one, "Comment.")
    login(team.moderator)
    items = [f"statement:{one.id}:pending", f"comment:{comment.id}:pending"]
    response = post_form(
        client, "/moderation/bulk", {"items": items, "action": "reject"}, page=QUEUE, headers=HTMX
    )
    assert response.status_code == 422 and "Give a reason" in response.get_data(as_text=True)
    response = post_form(
        client, "/moderation/bulk",
        {"items": items, "action": "reject", "reason": "Off topic.", "next": QUEUE},
        page=QUEUE,
    )  # fmt: skip
    assert response.status_code == 302
    assert reload(one).moderation_state is ModerationState.REJECTED
    assert reload(comment).moderation_reason == "Off topic."
    items = [f"statement:{two.id}:pending", f"statement:{one.id}:pending"]
    data = {"items": items, "action": "approve", "consultation": "test-consultation"}
    response = post_form(client, "/moderation/bulk", data, page=QUEUE, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "1 items done." in html and "moderated this item" in html


def test_reports_in_the_queue(client, team, contribute, login, reload):
    statement = contribute.statement(team.consultation, moderation_state=ModerationState.APPROVED)
    report = contribute.report(team.consultation, team.participant, statement=statement)
    login(team.organiser)
    html = client.get(QUEUE).get_data(as_text=True)
    assert f"item-report-{report.id}" in html
    form = html[html.index(f'action="/c/{team.consultation.slug}/moderate/reports/{report.id}"') :]
    form = form[: form.index("</form>")]
    assert 'name="seen_state" value="approved"' in form, "the reported item's state, seen"
    assert f'id="reason-report-{report.id}"' in form and 'value="dismiss"' in form
    response = post_form(
        client, f"{QUEUE}/reports/{report.id}",
        {"action": "remove", "seen_state": "approved", "reason": "Insulting."}, page=QUEUE,
    )  # fmt: skip
    assert response.status_code == 302
    assert reload(statement).moderation_state is ModerationState.REJECTED
    assert services.waiting_count(team.organiser) == 0


def test_answering_contributions(client, team, contribute, login, reload):
    author = contribute.participant(team.consultation, team.participant)
    statement = contribute.statement(
        team.consultation, "Answer me.", author, moderation_state=ModerationState.APPROVED
    )
    login(team.moderator)
    page = f"{QUEUE}/responses"
    assert "Answer me." in client.get(page).get_data(as_text=True)
    url = f"{page}/statements/{statement.id}"
    refused = post_form(
        client, url, {"outcome": "not_adopted", "reason": ""}, page=page, headers=HTMX
    )
    assert refused.status_code == 422
    done = post_form(
        client, url, {"outcome": "not_adopted", "reason": "Out of scope."}, page=page, headers=HTMX
    )
    assert done.status_code == 200 and "Out of scope." in done.get_data(as_text=True)
