"""One rate-limit policy for every write: each POST route is in the table or exempt with a
reason, and each listed route refuses with a 429 (and Retry-After) past its limit, counted
per identity and per address."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from limits import parse_many

from consult import ratelimits
from consult.participation.models import Comment, Vote
from tests import team as shared
from tests.conftest import IsolatedClient, csrf_from

quick_user = shared.quick_user  # a fixture: accounts without hashing a password each time
HALL = "10.20.30.40"
HX = {"HX-Request": "true"}
# Values for the path arguments of every write route (the limit is counted before the
# view looks at them, so they need not name real rows).
ARGUMENTS = {
    "statement_id": 1,
    "comment_id": 1,
    "item_id": 1,
    "report_id": 1,
    "role_id": 1,
    "invitation_id": 1,
    "provider_id": 1,
    "user_id": 1,
    "plural": "statements",
    "key": "no-such-clause",
    "report_slug": "no-such-report",
    "action": "publish",
}


def _post_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}


def _url(app, endpoint: str, slug: str) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {name: ARGUMENTS.get(name, slug) for name in rule.arguments}
    return app.url_map.bind("localhost").build(endpoint, values, method="POST")


@pytest.fixture
def limited(app):
    """The test app with rate limiting on (the suite keeps it off elsewhere)."""
    app.config["RATELIMIT_ENABLED"] = True
    return app


def _counter(app, endpoint: str, scope: str, who: str) -> tuple[str, int, int]:
    """The key, window and limit of the first (shortest) counter of ``endpoint``'s ``scope``."""
    policy = ratelimits.POLICY[endpoint]
    item = parse_many(getattr(policy, scope))[0]
    return item.key_for(policy.bucket, scope, who), item.get_expiry(), item.amount


def _fill(app, endpoint: str, scope: str, who: str) -> None:
    """Bring that counter to its limit, as that many earlier requests would have."""
    key, expiry, amount = _counter(app, endpoint, scope, who)
    app.extensions[ratelimits.EXTENSION].storage.incr(key, expiry, amount=amount)


def _empty(app, endpoint: str, scope: str, who: str) -> None:
    key, _, _ = _counter(app, endpoint, scope, who)
    app.extensions[ratelimits.EXTENSION].storage.clear(key)


def test_every_post_route_is_limited_or_exempt_with_a_reason(app):
    posts = _post_endpoints(app)
    unlisted = posts - set(ratelimits.POLICY) - set(ratelimits.EXEMPT)
    assert not unlisted, f"add these write routes to consult.ratelimits.POLICY: {unlisted}"
    stale = (set(ratelimits.POLICY) | set(ratelimits.EXEMPT)) - posts
    assert not stale, f"no such POST routes (renamed?): {stale}"
    assert not set(ratelimits.POLICY) & set(ratelimits.EXEMPT)
    assert all(len(reason) > 20 for reason in ratelimits.EXEMPT.values())
    for policy in {*ratelimits.POLICY.values(), ratelimits.DEFAULT}:
        identity, address = parse_many(policy.identity), parse_many(policy.address)
        # The address limit is the higher one: a hall of people shares one address.
        assert address[0].amount >= identity[0].amount * 3, policy


def test_storage_is_shared_sqlite_without_redis(app):
    uri = app.config["RATELIMIT_STORAGE_URI"]
    assert uri == f"consult-sqlite://{app.instance_path}/ratelimits.sqlite"
    assert type(app.extensions[ratelimits.EXTENSION].storage).__name__ == "SQLiteStorage"


@pytest.mark.parametrize("endpoint", sorted(ratelimits.POLICY))
def test_every_listed_write_is_refused_past_its_limits(
    limited, client, quick_user, login, make_consultation, endpoint
):
    consultation = make_consultation(allow_anonymous=True)
    client.environ_base["REMOTE_ADDR"] = HALL  # logged in from there (sessions are bound to it)
    user = login(quick_user("writer@example.org"))
    url = _url(limited, endpoint, consultation.slug)
    token = csrf_from(client.get(f"/c/{consultation.slug}").get_data(as_text=True))

    def post(**kwargs):
        return client.post(url, data={"csrf_token": token}, **kwargs)

    assert post().status_code != 429, f"{endpoint} refused its first request"
    for scope, who in (("identity", f"user:{user.id}"), ("address", HALL)):
        _fill(limited, endpoint, scope, who)
        refused = post()
        assert refused.status_code == 429, (endpoint, scope)
        assert int(refused.headers["Retry-After"]) >= 1
        assert "too many requests" in refused.get_data(as_text=True).lower()
        _empty(limited, endpoint, scope, who)
    _fill(limited, endpoint, "address", HALL)
    # Another address is still let through (the session, bound to HALL, ends there).
    assert post(environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code != 429


def test_reading_is_not_limited(limited, client, make_consultation):
    consultation = make_consultation()
    _fill(limited, "participation.statement_list", "address", "127.0.0.1")
    assert client.get(f"/c/{consultation.slug}/statements").status_code == 200


def _statement_ids(db) -> list[int]:
    from consult.drafts.models import Clause

    return db.session.scalars(sa.select(Clause.statement_id).order_by(Clause.position)).all()


def test_in_place_and_flow_votes_share_one_bucket(
    limited, db, client, make_user, login, make_consultation, row_count
):
    consultation = make_consultation()
    login(make_user("voter@example.org"))
    first, second = _statement_ids(db)
    token = csrf_from(client.get(f"/c/{consultation.slug}").get_data(as_text=True))
    allowed = parse_many(ratelimits.VOTE.identity)[0].amount
    statuses = []
    for n in range(allowed + 3):
        data = {"csrf_token": token, "choice": ("agree", "disagree")[n % 2]}
        if n % 2:
            response = client.post(
                f"/c/{consultation.slug}/vote", data={**data, "statement_id": second}
            )
        else:
            response = client.post(f"/c/{consultation.slug}/statements/{first}/vote", data=data)
        statuses.append(response.status_code)
    assert statuses.count(302) == allowed and statuses[allowed:] == [429] * 3
    assert row_count(Vote) == 2


def test_htmx_gets_a_message_it_can_show(limited, db, client, make_user, login, make_consultation):
    consultation = make_consultation()
    user = login(make_user("voter@example.org"))
    statement_id = _statement_ids(db)[0]
    token = csrf_from(client.get(f"/c/{consultation.slug}").get_data(as_text=True))
    _fill(limited, "participation.vote", "identity", f"user:{user.id}")
    response = client.post(
        f"/c/{consultation.slug}/statements/{statement_id}/vote",
        data={"csrf_token": token, "choice": "agree"},
        headers=HX,
    )
    assert response.status_code == 429 and response.headers["HX-Retarget"] == "#htmx-messages"
    assert "<html" not in response.get_data(as_text=True).lower()
    assert "HX-Request" in response.headers["Vary"] and response.headers["Retry-After"]


def test_comments_count_per_address_across_identities(limited, db, make_consultation, row_count):
    """Pseudonymous browsers from one address: each may post 10 a minute, all together 60."""
    consultation = make_consultation(allow_anonymous=True, pseudonymous_per_hour=100)
    limited.test_client_class = IsolatedClient
    statement_id = _statement_ids(db)[0]
    page = f"/c/{consultation.slug}/s/{statement_id}"
    per_identity = parse_many(ratelimits.CONTRIBUTE.identity)[0].amount
    per_address = parse_many(ratelimits.CONTRIBUTE.address)[0].amount
    browsers = per_address // per_identity + 2
    accepted = refused = 0
    for b in range(browsers):
        browser = limited.test_client()
        browser.environ_base["REMOTE_ADDR"] = HALL
        token = csrf_from(browser.get(page).get_data(as_text=True))
        for n in range(per_identity + 1):
            response = browser.post(
                f"{page}/comments",
                data={
                    "csrf_token": token,
                    "stance": "support",
                    "body": f"Comment {n} from browser {b}.",
                },
            )
            assert response.status_code in (302, 429), response.status_code
            accepted += response.status_code == 302
            refused += response.status_code == 429
    assert accepted == per_address == row_count(Comment)
    assert refused == browsers * (per_identity + 1) - per_address
