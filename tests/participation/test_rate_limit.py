"""Posting is rate-limited per account, with a clear 429 and nothing lost."""

import pytest

from consult.participation.models import Statement
from tests.conftest import PASSWORD, IsolatedClient, _base_config, csrf_from


@pytest.fixture
def limited_client(app, database_url, tmp_path):
    # Its own app, with the rate limits on (the ordinary test app has them off).
    from consult.app import create_app

    app = create_app(
        {**_base_config(database_url, tmp_path / "limited"), "RATELIMIT_ENABLED": True}
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app.test_client()
        from consult.extensions import db

        db.session.remove()
        db.engine.dispose()  # this app's own engine: close its pooled connections now


def test_statements_are_rate_limited_per_account(
    limited_client, make_user, consultation, row_count
):
    user = make_user("busy@example.org")
    page = limited_client.get("/login").get_data(as_text=True)
    limited_client.post(
        "/login", data={"csrf_token": csrf_from(page), "email": user.email, "password": PASSWORD}
    )
    url = f"/c/{consultation.slug}/statements"
    statuses = []
    for n in range(11):
        token = csrf_from(limited_client.get(url).get_data(as_text=True))
        response = limited_client.post(
            url, data={"csrf_token": token, "text": f"Point number {n}."}
        )
        statuses.append(response.status_code)
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429
    assert "Too many requests" in response.get_data(as_text=True)
    assert row_count(Statement) == 2 + 10, "the ten accepted statements are all kept"
