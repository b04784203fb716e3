"""Who may use each route: every route of the app against every role.

:data:`ACCESS` names each endpoint's rule, and the test fails if a route is missing from
it, so a new page or action is placed in the matrix when it is written. For each route and
each role the test sends a real request (a GET, or a POST with a valid CSRF token and no
other data) and checks the answer: a role below the rule gets 403 (the anonymous visitor is
sent to log in instead), a role at or above it is never refused, and no one gets a 5xx.
What a route does for an allowed role is each feature's own tests' business; whether it
refuses the wrong person's object (someone else's comment) is too.
"""

from __future__ import annotations

import pytest

from consult.auth.services import grant_role
from consult.consultations.models import ConsultationRole, Role
from consult.consultations.services import current_version
from tests.conftest import PASSWORD, IsolatedClient, csrf_from, post_form
from tests.team import contribute, quick_user, team  # noqa: F401  (shared fixtures)

ROLES = (
    "anonymous",
    "participant",
    "other_moderator",
    "moderator",
    "organiser",
    "verifier",
    "admin",
)

# Each rule: the roles refused (403, or sent to log in when anonymous). Every other role
# must not be refused.
PUBLIC = frozenset()
ACCOUNT = frozenset({"anonymous"})
ANY_TEAM = frozenset({"anonymous", "participant", "verifier"})  # team of any consultation
TEAM = frozenset({"anonymous", "participant", "other_moderator", "verifier"})
ORGANISER = TEAM | {"moderator"}
VERIFIER = frozenset({"anonymous", "participant", "other_moderator", "moderator", "organiser"})
ADMIN = VERIFIER | {"verifier"}
ANY_ORGANISER = ANY_TEAM | {"other_moderator", "moderator"}  # organiser of any consultation
AUTHOR = frozenset(ROLES) - {"participant"}  # the world's comment is the participant's
# Only the admin here: deciding a verification on a consultation's page needs both its team
# and the site's verifier role (the world's organiser is no verifier, its verifier no team).
TEAM_VERIFIER = frozenset(ROLES) - {"admin"}

ACCESS: dict[str, frozenset[str]] = {
    "static": PUBLIC,
    "consultations.home": PUBLIC,
    "consultations.show": PUBLIC,
    "consultations.printable_text": PUBLIC,
    "consultations.text_download": PUBLIC,
    "i18n.set_language": PUBLIC,
    # Accounts.
    "auth.login": PUBLIC,
    "auth.register": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.logout_everywhere": ACCOUNT,
    "auth.change_password": ACCOUNT,
    "auth.edit_profile": ACCOUNT,
    "auth.verification": ACCOUNT,
    # Reached from mail: the token in the link names the account (tests/mail checks
    # forged, expired and reused ones); resending and changing the address are one's own.
    "account_email.forgot": PUBLIC,
    "account_email.reset": PUBLIC,
    "account_email.confirm": PUBLIC,
    "account_email.confirm_change": PUBLIC,
    "account_email.resend_confirmation": ACCOUNT,
    "account_email.mail_password_link": ACCOUNT,
    "account_email.change_email": ACCOUNT,
    # Taking part (consultations that allow no anonymous input ask to log in on POST).
    "participation.show_statement": PUBLIC,
    "participation.statement_list": PUBLIC,
    "participation.vote_flow": PUBLIC,
    "participation.my_participation": ACCOUNT,  # anonymous input is off in the world
    "participation.vote": PUBLIC,
    "participation.skip_statement": PUBLIC,
    "participation.vote_choices": ACCOUNT,
    "participation.post_comment": PUBLIC,
    "participation.edit_comment": AUTHOR,
    "participation.delete_comment": AUTHOR,
    "participation.withdraw_edit": AUTHOR,
    "participation.report_comment": ACCOUNT,
    # Proposing a translation: whoever may comment (the world's statement waits for a
    # moderator, so its form is a 404 for everyone: tests/participation checks the rest).
    "participation.translate_statement": PUBLIC,
    "participation.translate_comment": PUBLIC,
    # Drafting: the consultation's team.
    "drafts.edit": TEAM,
    "drafts.edit_preamble": TEAM,
    "drafts.edit_clause": TEAM,
    "drafts.new_clause": TEAM,
    "drafts.remove_clause": TEAM,
    "drafts.reorder": TEAM,
    "drafts.publish": TEAM,
    "drafts.discard": TEAM,
    "drafts.promote_contribution": TEAM,
    "drafts.set_authoritative": ORGANISER,
    "drafts.versions": PUBLIC,
    "drafts.compare_versions": PUBLIC,
    # Moderation.
    "moderation.queue": ANY_TEAM,
    "moderation.bulk": ANY_TEAM,
    "moderation.consultation_queue": TEAM,
    "moderation.contributions": TEAM,
    "moderation.act": TEAM,
    "moderation.act_on_edit": TEAM,
    "moderation.act_on_report": TEAM,
    "moderation.respond": TEAM,
    # Organising.
    "organise.my_consultations": ANY_TEAM,
    "organise.new": ANY_ORGANISER,
    "organise.settings": ORGANISER,
    "organise.status": ORGANISER,
    "organise.team": ORGANISER,
    "organise.invite_to_take_part": ORGANISER,
    "organise.remove_member": ORGANISER,
    "organise.revoke_invitation": ORGANISER,
    "organise.audit": ORGANISER,
    "organise.audit_csv": ORGANISER,
    "organise.verification": ORGANISER,
    "organise.verify": TEAM_VERIFIER,
    "organise.site_organisers": ADMIN,
    "organise.remove_site_organiser": ADMIN,
    # Reports and exports (unpublished reports and private dashboards: the team).
    "reports.show_dashboard": PUBLIC,
    "reports.clause_history": PUBLIC,
    "reports.method_notes": PUBLIC,
    "reports.exports": ORGANISER,
    "reports.export_file": ORGANISER,
    "reports.export_profiles": ORGANISER,
    "reports.publish": ORGANISER,
    "reports.set_published": ORGANISER,
    "reports.show_report": PUBLIC,
    "reports.report_download": PUBLIC,
    "reports.report_export": PUBLIC,
    # Site verifiers and the admin.
    "verification.index": VERIFIER,
    "verification.decide": VERIFIER,
    "verification.verifiers": ADMIN,
    "verification.remove_verifier": ADMIN,
    "verification.audit": ADMIN,
    # Notifications: one's own choices; the unsubscribe link's token names its person
    # (tests/notifications checks forged tokens).
    "notifications.preferences": ACCOUNT,
    "notifications.set_following": ACCOUNT,
    "notifications.confirm_unsubscribe": PUBLIC,
    "notifications.unsubscribe": PUBLIC,
    # Single sign-on: signing in is for anyone (its checks are tests/sso's); the admin's
    # institutions for the admin only.
    "sso.start": PUBLIC,
    "sso.callback": PUBLIC,
    "sso.complete": PUBLIC,
    "sso_admin.index": ADMIN,
    "sso_admin.edit": ADMIN,
    "sso_admin.switch": ADMIN,
}


def _rules(app):
    return {rule.endpoint: rule for rule in app.url_map.iter_rules()}


def test_every_route_is_in_the_matrix(app):
    missing = sorted(set(_rules(app)) - set(ACCESS))
    assert not missing, f"Add these endpoints to ACCESS with who may use them: {missing}"
    gone = sorted(set(ACCESS) - set(_rules(app)))
    assert not gone, f"No such endpoints any more: {gone}"


@pytest.fixture
def world(db, team, contribute, quick_user):  # noqa: F811
    """The team, a verifier and an admin, and one of each object a route names."""
    c = team.consultation
    team.verifier = quick_user("verifier@example.org")
    team.verifier.is_verifier = True
    team.admin = quick_user("admin@example.org", admin=True)
    author = contribute.participant(c, team.participant)
    statement = contribute.statement(c, "A statement to moderate.", author=author)
    comment = contribute.comment(c, statement, "A comment.", author=author)
    db.session.commit()
    values = {
        "slug": c.slug,
        "key": current_version(c).clauses[0].lineage_key,
        "plural": "statements",
        "item_id": statement.id,
        "statement_id": statement.id,
        "comment_id": comment.id,
        "report_id": contribute.report(c, team.participant, statement=statement).id,
        "user_id": team.participant.id,
        "role_id": db.session.query(ConsultationRole).filter_by(user_id=team.moderator.id).one().id,
        "invitation_id": 999,
        "provider_id": 999,
        "report_slug": "no-such-report",
        "fmt": "pdf",
        "name": "votes.csv",
        "action": "unpublish",
        "filename": "css/site.css",
        "token": "no-such-token",
    }
    grant_role(team.other_moderator, team.other, Role.MODERATOR)
    return team, values


def _url(rule, values) -> str:
    unknown = set(rule.arguments) - set(values)
    assert not unknown, f"{rule.endpoint}: give the world a value for {sorted(unknown)}"
    return rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]


def _as(client, people, role, password):
    if role == "anonymous":
        return
    user = getattr(people, role)
    response = post_form(client, "/login", {"email": user.email, "password": password})
    assert response.status_code == 302, f"{role} could not log in"


def _refused(response, role) -> bool:
    if response.status_code == 403:
        return True
    location = response.headers.get("Location", "")
    return role == "anonymous" and response.status_code in (302, 303) and "/login" in location


@pytest.mark.parametrize("endpoint", sorted(ACCESS))
def test_each_role_gets_what_the_matrix_says(app, world, endpoint):
    people, values = world
    rules = _rules(app)
    if endpoint not in rules:
        pytest.fail(f"{endpoint} is in ACCESS but not a route")
    rule = rules[endpoint]
    url = _url(rule, values)
    method = "GET" if "GET" in rule.methods else "POST"
    refused_roles = ACCESS[endpoint]
    app.test_client_class = IsolatedClient  # each request in its own app context
    problems = []
    # The refused roles first, so an allowed role's action cannot hide a refusal.
    for role in sorted(ROLES, key=lambda r: r not in refused_roles):
        client = app.test_client()
        _as(client, people, role, PASSWORD)
        if method == "GET":
            response = client.get(url, buffered=True)  # a download streams in its context
        else:
            token = csrf_from(client.get("/").get_data(as_text=True))
            response = client.post(url, data={"csrf_token": token}, buffered=True)
        status = response.status_code
        if status >= 500:
            problems.append(f"{role}: {method} {url} answered {status}")
        elif role in refused_roles and not _refused(response, role):
            problems.append(f"{role}: {method} {url} should be refused, got {status}")
        elif role not in refused_roles and _refused(response, role):
            problems.append(f"{role}: {method} {url} should be allowed, got {status}")
    assert not problems, "\n".join(problems)
