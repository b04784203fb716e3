"""Every moderation, drafting and organiser endpoint, walked as each kind of visitor.

Anonymous visitors are sent to log in; a participant and the moderator of another
consultation get 403; moderators may do the moderation and drafting work but not the
organiser's; organisers may do everything. Objects of one consultation cannot be reached
through the address of another (404).
"""

import itertools

import pytest

from consult.consultations.models import Role
from consult.consultations.services import current_version
from consult.drafts import services as drafts
from consult.participation.models import ModerationState
from tests.conftest import PASSWORD, IsolatedClient, csrf_from

TEAM, ORGANISER, PUBLIC, ANY_TEAM = "team", "organiser", "public", "any-team"
VERIFIER = "verifier"  # site verifiers decide verification: no consultation role suffices
ROLES = ("anonymous", "participant", "other_moderator", "moderator", "organiser")
EXPECTED = {
    # required -> role -> expected outcome
    TEAM: dict(zip(ROLES, ("login", 403, 403, "ok", "ok"), strict=True)),
    ORGANISER: dict(zip(ROLES, ("login", 403, 403, 403, "ok"), strict=True)),
    PUBLIC: dict(zip(ROLES, ("ok", "ok", "ok", "ok", "ok"), strict=True)),
    # pages about every consultation one works on: the other moderator has their own
    ANY_TEAM: dict(zip(ROLES, ("login", 403, "ok", "ok", "ok"), strict=True)),
    VERIFIER: dict(zip(ROLES, ("login", 403, 403, 403, 403), strict=True)),
}


@pytest.fixture
def world(db, team, contribute, quick_user):
    c = team.consultation
    author = contribute.participant(c, team.participant)
    counter = itertools.count()

    def statement(state=ModerationState.PENDING):
        return contribute.statement(
            c, f"Statement {next(counter)}.", author, moderation_state=state
        )

    approved = statement(ModerationState.APPROVED)
    comment = contribute.comment(c, approved, "A comment.", author, proposed_text="Better.")
    lineage = current_version(c).clauses[0].lineage_key

    def flip(obj):
        db.session.refresh(obj)
        state = obj.moderation_state
        action = "reject" if state is ModerationState.APPROVED else "approve"
        return {"action": action, "seen_state": state.value, "reason": "Checked."}

    def fresh_report():
        target = statement(ModerationState.APPROVED)
        return contribute.report(c, team.participant, statement=target).id

    def fresh_comment():
        return contribute.comment(c, approved, "Say it so.", author, proposed_text="So.").id

    def fresh_clause():
        return drafts.add_clause(team.organiser, c, {}, {"en": f"New {next(counter)}."}).lineage_key

    def order():
        return [k.lineage_key for k in drafts.ensure_working_version(team.organiser, c).clauses][
            ::-1
        ]

    def fresh_role():
        from consult.organise.services import appoint

        user = quick_user(f"member{next(counter)}@example.org")
        return appoint(team.organiser, c, user.email, Role.MODERATOR).id

    def fresh_invitation():
        from consult.organise.invitations import invite

        return invite(team.organiser, c, f"guest{next(counter)}@example.org", Role.MODERATOR).id

    def status():
        db.session.refresh(c)
        return {"status": "closed" if c.status.value == "open" else "open"}

    def settings(slug=None):
        data = {"title_en": "Retitled", "languages": ["en", "zh"], "moderation_mode": "pre"}
        return {**data, "slug": slug} if slug else data

    s = "/c/test-consultation"
    endpoints = [
        ("GET", "/moderation", None, ANY_TEAM),
        ("GET", "/organise", None, ANY_TEAM),
        ("GET", f"{s}/moderate", None, TEAM),
        ("POST", f"{s}/moderate/statements/{approved.id}", lambda: flip(approved), TEAM),
        ("POST", f"{s}/moderate/comments/{comment.id}", lambda: flip(comment), TEAM),
        ("POST", lambda: f"{s}/moderate/reports/{fresh_report()}",
         lambda: {"action": "dismiss", "seen_state": "approved"}, TEAM),
        ("POST", "/moderation/bulk",
         lambda: {"items": [f"statement:{statement().id}:pending"], "action": "approve"}, TEAM),
        ("GET", f"{s}/moderate/responses", None, TEAM),
        ("POST", f"{s}/moderate/responses/comments/{comment.id}",
         lambda: {"outcome": "noted", "reason": "Thanks."}, TEAM),
        ("GET", f"{s}/draft", None, TEAM),
        ("GET", f"{s}/draft/clauses/new", None, TEAM),
        ("POST", f"{s}/draft/clauses/new", lambda: {"text_en": "Added."}, TEAM),
        ("GET", f"{s}/draft/clauses/{lineage}", None, TEAM),
        ("POST", f"{s}/draft/clauses/{lineage}",
         lambda: {"text_en": "Edited.", "text_zh": "改了。"}, TEAM),
        ("POST", lambda: f"{s}/draft/clauses/{fresh_clause()}/remove", None, TEAM),
        ("GET", f"{s}/draft/reorder", None, TEAM),
        ("POST", f"{s}/draft/reorder", lambda: {"order": order()}, TEAM),
        ("POST", f"{s}/draft/publish",
         lambda: fresh_clause() and {"change_summary": "More."}, TEAM),
        ("POST", f"{s}/draft/discard", lambda: fresh_clause() and {}, TEAM),
        ("POST", lambda: f"{s}/draft/promote/comments/{fresh_comment()}",
         lambda: {"language": "en", "into": "new"}, TEAM),
        ("GET", f"{s}/draft/versions", None, PUBLIC),
        ("GET", f"{s}/draft/compare?from=1&to=1", None, PUBLIC),
        ("GET", "/organise/new", None, ORGANISER),
        ("POST", "/organise/new", lambda: settings(f"new-{next(counter)}"), ORGANISER),
        ("GET", f"{s}/organise", None, ORGANISER),
        ("POST", f"{s}/organise", settings, ORGANISER),
        ("POST", f"{s}/organise/status", status, ORGANISER),
        ("GET", f"{s}/organise/team", None, ORGANISER),
        ("POST", f"{s}/organise/team",
         lambda: {"email": quick_user(f"new{next(counter)}@example.org").email,
                  "role": "moderator"}, ORGANISER),
        ("POST", lambda: f"{s}/organise/team/{fresh_role()}/remove", None, ORGANISER),
        ("POST", f"{s}/organise/team",
         lambda: {"email": f"invitee{next(counter)}@example.org", "role": "moderator"}, ORGANISER),
        ("POST", lambda: f"{s}/organise/team/invitations/{fresh_invitation()}/revoke", None,
         ORGANISER),
        ("GET", f"{s}/organise/verification", None, ORGANISER),
        ("POST", f"{s}/organise/verification/{team.participant.id}",
         lambda: {"decision": "verified"}, VERIFIER),
        ("GET", f"{s}/organise/audit", None, ORGANISER),
        ("GET", f"{s}/organise/audit.csv", None, ORGANISER),
        ("GET", f"{s}/exports/participant-profiles.csv", None, ORGANISER),
    ]  # fmt: skip
    return endpoints, {
        "statement": statement, "comment": comment, "lineage": lineage,
        "invitation": fresh_invitation,
    }  # fmt: skip


def _client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


def _login(client, user):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302


def _call(client, method, url, data):
    url = url() if callable(url) else url
    if method == "GET":
        return url, client.get(url)
    payload = data() if callable(data) else (data or {})
    token = csrf_from(client.get("/").get_data(as_text=True))
    return url, client.post(url, data={"csrf_token": token, **payload})


def test_every_endpoint_answers_each_kind_of_visitor(app, team, world):
    endpoints, _ = world
    failures = []
    for role in ROLES:
        client = _client(app)
        if role != "anonymous":
            _login(client, getattr(team, role))
        for method, url, data, required in endpoints:
            url, response = _call(client, method, url, data)
            expected = EXPECTED[required][role]
            status = response.status_code
            location = response.headers.get("Location", "")
            if expected == "login":
                ok = status == 302 and location.startswith("/login?next=")
            elif expected == "ok":
                ok = status in (200, 302) and not location.startswith("/login")
            else:
                ok = status == expected
            if not ok:
                failures.append(f"{role} {method} {url}: {status} {location}, wanted {expected}")
    assert not failures, "\n".join(failures)


def test_every_team_form_needs_its_csrf_token(app, team, world):
    """The app-wide CSRF check refuses each POST without a token, before the view runs."""
    endpoints, _ = world
    client = _client(app)
    _login(client, team.organiser)
    failures = []
    for method, url, data, _required in endpoints:
        if method != "POST":
            continue
        url = url() if callable(url) else url
        payload = data() if callable(data) else (data or {})
        response = client.post(url, data=payload)
        if response.status_code != 400 or "form expired" not in response.get_data(as_text=True):
            failures.append(f"POST {url}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_objects_cannot_be_reached_through_another_consultation(app, team, world, quick_user):
    _, things = world
    admin = quick_user("admin@example.org", admin=True)  # holds every role everywhere
    client = _client(app)
    _login(client, admin)
    statement, comment = things["statement"](), things["comment"]
    invitation = things["invitation"]()
    o = "/c/other"
    attempts = [
        ("POST", f"{o}/moderate/statements/{statement.id}",
         {"action": "approve", "seen_state": "pending"}),
        ("POST", f"{o}/moderate/comments/{comment.id}",
         {"action": "approve", "seen_state": "pending"}),
        ("POST", f"{o}/moderate/responses/comments/{comment.id}",
         {"outcome": "noted", "reason": "x"}),
        ("POST", f"{o}/draft/promote/comments/{comment.id}", {"language": "en"}),
        ("GET", f"{o}/draft/clauses/{things['lineage']}", None),
        ("POST", f"{o}/draft/clauses/{things['lineage']}", {"text_en": "Hijacked."}),
        ("POST", f"{o}/draft/clauses/{things['lineage']}/remove", {}),
        ("POST", f"{o}/organise/verification/{team.participant.id}", {"decision": "verified"}),
        ("POST", f"{o}/organise/team/invitations/{invitation}/revoke", {}),
    ]  # fmt: skip
    for method, url, data in attempts:
        _, response = _call(client, method, url, data)
        assert response.status_code == 404, (url, response.status_code)
