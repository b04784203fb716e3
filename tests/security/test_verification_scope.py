"""Issue 12, item 4: stakeholder verification is decided by the site's verifiers (the admin,
or accounts the admin makes verifiers), and each decision shows in the site's audit log and
in the log of every consultation where the person takes part, and nowhere else."""

from __future__ import annotations

from html import unescape

import pytest
import sqlalchemy as sa

from consult.auth.models import Sector, StakeholderProfile, User, Verification
from consult.moderation.models import ModerationEvent
from tests import team as shared
from tests.conftest import PASSWORD, IsolatedClient, csrf_from

# The shared fixtures of the team tests (assigned, so tests may name them as arguments).
contribute, quick_user, team = shared.contribute, shared.quick_user, shared.team

ORGANISE = "/c/test-consultation/organise/verification"


def _client(app, user=None):
    app.test_client_class = IsolatedClient
    client = app.test_client()
    if user is not None:
        token = csrf_from(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 302
    return client


def _post(client, url, data, page="/"):
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def _events(db, action_prefix="profile_"):
    """(consultation_id, action, target_id) of the logged events, oldest first."""
    db.session.commit()
    rows = db.session.execute(
        sa.select(
            ModerationEvent.consultation_id, ModerationEvent.action, ModerationEvent.target_id
        )
        .where(ModerationEvent.action.startswith(action_prefix))
        .order_by(ModerationEvent.id)
    )
    return [tuple(row) for row in rows]


@pytest.fixture
def verifier(quick_user, db):
    user = quick_user("verifier@example.org")
    user.is_verifier = True
    db.session.commit()
    return user


@pytest.fixture
def people(db, team, contribute, make_consultation):
    """The participant takes part in "test-consultation" and "other", not in "third"."""
    third = make_consultation("third")
    contribute.participant(team.consultation, team.participant)
    contribute.participant(team.other, team.participant)
    return third


def test_an_organiser_cannot_verify_their_participants(app, db, team, people, reload):
    organiser = _client(app, team.organiser)
    page = organiser.get(ORGANISE)
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "decided by the site's verifiers" in html and "Someone" in html
    assert f"{ORGANISE}/{team.participant.id}" not in html, "no decision form for organisers"
    for url in (f"{ORGANISE}/{team.participant.id}", f"/verification/{team.participant.id}"):
        response = _post(organiser, url, {"decision": "verified"})
        assert response.status_code == 403, url
        assert "site's verifiers" in unescape(response.get_data(as_text=True))
    assert organiser.get("/verification").status_code == 403
    assert ">Verification</a>" not in html, "no header link for organisers"
    assert team.participant.email not in html, "participants' emails are for verifiers only"
    profile = reload(db.session.get(StakeholderProfile, team.participant.id))
    assert profile.verification is Verification.UNVERIFIED and profile.verified_by_id is None
    assert _events(db) == []


def test_a_verifier_decides_and_each_log_where_the_person_takes_part_shows_it(
    app, db, team, people, verifier, reload
):
    third, pid = people, team.participant.id
    client = _client(app, verifier)
    assert ">Verification</a>" in client.get("/").get_data(as_text=True)
    assert team.participant.email in client.get("/verification").get_data(as_text=True)
    declined = _post(client, f"/verification/{pid}", {"decision": "declined"}, "/verification")
    assert declined.status_code == 422
    assert "Say why the profile is declined" in declined.get_data(as_text=True)
    assert _events(db) == [], "a refused decision leaves no trace"
    response = _post(
        client, f"/verification/{pid}",
        {"decision": "declined", "note": "No such ministry."}, "/verification",
    )  # fmt: skip
    assert response.status_code == 302 and response.headers["Location"] == "/verification"
    profile = reload(db.session.get(StakeholderProfile, pid))
    assert profile.verification is Verification.DECLINED
    assert (profile.verified_by_id, profile.verification_note) == (verifier.id, "No such ministry.")
    site, a, other = None, team.consultation.id, team.other.id
    assert sorted(_events(db), key=str) == sorted(
        [(site, "profile_declined", pid), (a, "profile_declined", pid),
         (other, "profile_declined", pid)], key=str,
    )  # fmt: skip
    assert not [e for e in _events(db) if e[0] == third.id]

    # The verifier who also organises a consultation may decide from its page too.
    team.organiser.is_verifier = True
    db.session.commit()
    organiser = _client(app, team.organiser)
    response = _post(organiser, f"{ORGANISE}/{pid}", {"decision": "verified"}, ORGANISE)
    assert response.status_code == 302
    assert reload(profile).verification is Verification.VERIFIED
    assert len(_events(db, "profile_verified")) == 3

    # Each consultation's organisers see the decisions in their own audit log.
    audit = organiser.get("/c/test-consultation/organise/audit").get_data(as_text=True)
    assert "profile_declined" in audit and "profile_verified" in audit
    assert "No such ministry." in audit


def test_the_admin_grants_and_revokes_the_verifier_role(app, db, team, quick_user, reload):
    admin = _client(app, quick_user("admin@example.org", admin=True))
    moderator = team.moderator
    refused = _post(admin, "/admin/verifiers", {"email": "ghost@example.org"}, "/admin/verifiers")
    assert refused.status_code == 422 and "No account uses this email" in refused.get_data(
        as_text=True
    )
    granted = _post(admin, "/admin/verifiers", {"email": moderator.email}, "/admin/verifiers")
    assert granted.status_code == 302 and reload(moderator).is_verifier
    again = _post(admin, "/admin/verifiers", {"email": moderator.email}, "/admin/verifiers")
    assert again.status_code == 422 and "already a verifier" in again.get_data(as_text=True)
    assert moderator.email in admin.get("/admin/verifiers").get_data(as_text=True)

    as_verifier = _client(app, moderator)
    assert as_verifier.get("/verification").status_code == 200
    for page in ("/admin/verifiers", "/admin/audit"):
        assert as_verifier.get(page).status_code == 403, "verifiers do not manage verifiers"
    assert _post(as_verifier, "/admin/verifiers", {"email": "x@example.org"}).status_code == 403

    removed = _post(admin, f"/admin/verifiers/{moderator.id}/remove", {})
    assert removed.status_code == 302 and not reload(moderator).is_verifier
    assert _post(admin, f"/admin/verifiers/{moderator.id}/remove", {}).status_code == 404
    assert as_verifier.get("/verification").status_code == 403
    assert _events(db, "") == [
        (None, "grant_verifier", moderator.id),
        (None, "revoke_verifier", moderator.id),
    ]
    log = admin.get("/admin/audit").get_data(as_text=True)
    assert log.index("revoke_verifier") < log.index("grant_verifier"), "newest first"


def test_grant_verifier_command(app, db, runner, team, reload):
    result = runner.invoke(args=["grant-verifier", team.moderator.email.upper()])
    assert result.exit_code == 0, result.output
    assert reload(team.moderator).is_verifier
    result = runner.invoke(args=["grant-verifier", "ghost@example.org"])
    assert result.exit_code == 2 and "No account uses this email" in result.output
    result = runner.invoke(args=["grant-verifier", "--revoke", team.moderator.email])
    assert result.exit_code == 0 and not reload(team.moderator).is_verifier
    assert [e[1] for e in _events(db, "")] == ["grant_verifier", "revoke_verifier"]


def _many_profiles(db, n=55):
    """``n`` accounts; every fifth in industry in Germany at an "Acme" firm, every third
    verified. Written straight to the database: their passwords are never used."""
    for i in range(n):
        user = User(email=f"person{i:02d}@example.org", display_name=f"Person {i:02d}",
                    password_hash="-")  # fmt: skip
        acme = i % 5 == 0
        user.profile = StakeholderProfile(
            sector=Sector.INDUSTRY if acme else Sector.CITIZEN,
            country="DE" if acme else "KE",
            organisation=f"Acme {i}" if acme else None,
            verification=Verification.VERIFIED if i % 3 == 0 else Verification.UNVERIFIED,
        )
        db.session.add(user)
    db.session.commit()


def test_search_filters_and_pages(app, db, verifier):
    _many_profiles(db)
    client = _client(app, verifier)

    def rows(query=""):
        response = client.get(f"/verification{query}")
        assert response.status_code == 200, query
        html = response.get_data(as_text=True)
        return html.count('class="card profile-row"'), html

    # 55 people and the verifier: 50 on the first page, 6 on the second.
    count, html = rows()
    assert count == 50 and "Page 1 of 2" in html and "56 profiles" in html
    assert 'href="/verification?page=2"' in html
    count, html = rows("?page=2")
    assert count == 6 and "Page 2 of 2" in html
    past = client.get("/verification?page=3")
    assert past.status_code == 404 and "There is no page 3" in past.get_data(as_text=True)
    assert rows("?q=acme")[0] == 11
    assert rows("?q=PERSON07%40example")[0] == 1
    assert rows("?q=Person%2001")[0] == 1
    assert rows("?q=%25")[0] == 0, "a % in the search is a character, not a wildcard"
    assert rows("?state=verified")[0] == 19
    assert rows("?sector=industry&country=de")[0] == 11
    assert rows("?sector=industry&state=verified")[0] == 4  # 0, 15, 30, 45
    count, html = rows("?state=unverified&page=1")
    assert count == 37 and "Page" not in html.split("profiles</p>")[1]


@pytest.mark.parametrize(
    "query",
    ["?state=maybe", "?sector=aliens", "?country=XX", "?page=0", "?page=abc", "?page=-1",
     "?page=99999999999999999999", "?q=" + "x" * 201, "?q=a%00b", "?page=%C2%B2"],
)  # fmt: skip
def test_bad_filters_are_refused_with_a_message(app, db, verifier, query):
    response = _client(app, verifier).get(f"/verification{query}")
    assert response.status_code == 400, query


def test_bad_decisions_are_refused(app, db, team, people, verifier, reload):
    client = _client(app, verifier)
    pid = team.participant.id
    for user_id in (999999, 2**31, 2**40):
        response = _post(client, f"/verification/{user_id}", {"decision": "verified"})
        assert response.status_code == 404, user_id
    for data in ({"decision": "maybe"}, {}, {"decision": "verified", "note": "x" * 2001}):
        response = _post(client, f"/verification/{pid}", data, "/verification")
        assert response.status_code == 422, data
    response = _post(client, f"/verification/{pid}", {"decision": "verified", "back": "page=0"})
    assert response.status_code == 400, "the filters to return to are checked too"
    own = _post(client, f"/verification/{verifier.id}", {"decision": "verified"})
    assert own.status_code == 403 and "your own profile" in own.get_data(as_text=True)
    response = client.post(f"/verification/{pid}", data={"decision": "verified"})
    assert response.status_code == 400 and "form expired" in response.get_data(as_text=True)
    assert _post(client, "/admin/verifiers", {"email": verifier.email}).status_code == 403
    assert client.get("/admin/audit?page=0").status_code == 403
    # The old per-consultation route needs a place on the consultation's team as well.
    third = _post(client, f"/c/third/organise/verification/{pid}", {"decision": "verified"})
    assert third.status_code == 403
    assert reload(db.session.get(StakeholderProfile, pid)).verification is Verification.UNVERIFIED
    assert _events(db) == []


def test_the_site_audit_log_pages_newest_first(app, db, quick_user):
    admin_user = quick_user("admin@example.org", admin=True)
    for i in range(55):
        db.session.add(ModerationEvent(consultation_id=None, actor_id=admin_user.id,
                                       action=f"test_{i:02d}", target_kind="user"))  # fmt: skip
    db.session.commit()
    admin = _client(app, admin_user)
    first = admin.get("/admin/audit").get_data(as_text=True)
    assert first.count('class="audit-event"') == 50 and first.index("test_54") < first.index(
        "test_53"
    )
    assert "test_04" not in first and "Page 1 of 2" in first
    second = admin.get("/admin/audit?page=2").get_data(as_text=True)
    assert second.count('class="audit-event"') == 5 and "test_00" in second
    assert admin.get("/admin/audit?page=x").status_code == 400


def test_odd_values_in_every_field_are_refused_without_a_server_error(
    app, db, team, people, quick_user
):
    from io import BytesIO

    admin = _client(app, quick_user("admin@example.org", admin=True))
    pid = team.participant.id
    odd = ["\x00", "a\x00b", "x" * 100_000, "\r\nLocation: //evil", "%", "é" * 3000, ""]
    forms = [
        (f"/verification/{pid}", ("decision", "note", "back"), {"decision": "declined"}),
        (f"{ORGANISE}/{pid}", ("decision", "note"), {"decision": "declined"}),
        ("/admin/verifiers", ("email",), {}),
    ]
    failures = []
    for url, fields, base in forms:
        for name in fields:
            for value in [*odd, "file"]:
                token = csrf_from(admin.get("/verification").get_data(as_text=True))
                sent = (BytesIO(b"%PDF"), "x.pdf") if value == "file" else value
                data = {"csrf_token": token, **base, name: sent}
                response = admin.post(url, data=data, content_type="multipart/form-data")
                if response.status_code >= 500:
                    failures.append(f"{url} {name}={value[:20]!r}: {response.status_code}")
    for query in ("q", "state", "sector", "country", "page"):
        for value in odd:
            response = admin.get("/verification", query_string={query: value})
            if response.status_code >= 500:
                failures.append(f"GET ?{query}={value[:20]!r}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert _events(db, "grant_") == []
