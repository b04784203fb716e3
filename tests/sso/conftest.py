"""Fixtures for single sign-on: the test provider (tests/sso/idp.py) on 127.0.0.1, an
institution registered with it, and a helper that signs in over real HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import requests

from tests.sso.idp import Client, TestProvider


@pytest.fixture(scope="session")
def _provider_server():
    server = TestProvider().start()
    yield server
    server.stop()


@pytest.fixture
def idp(_provider_server):
    """The running test provider, emptied for this test."""
    _provider_server.reset()
    yield _provider_server
    _provider_server.reset()


def site_callback(app) -> str:
    """The callback address the site gives providers (on SITE_URL if the tests set one)."""
    from consult.sso.views import callback_url

    with app.test_request_context():
        return callback_url()


@dataclass
class Institution:
    provider: object  # consult.sso.models.IdentityProvider
    client: Client
    admin: object


@pytest.fixture
def register_institution(app, db, idp, make_user):
    """Register an institution with the test provider and on the site (through the admin's
    service): ``register_institution("Ministry of Testing", ["ministry.example"])``."""
    from consult.sso.providers import ProviderSettings, create_provider

    admins = []

    def register(name="Ministry of Testing", domains=("ministry.example",), *, vouches=True,
                 callback=None, enabled=True):  # fmt: skip
        if not admins:
            admins.append(make_user("site-admin@example.org", admin=True))
        client = idp.add_client(callback or site_callback(app))
        settings = ProviderSettings(
            name=name,
            issuer=idp.issuer,
            client_id=client.client_id,
            client_secret=client.client_secret,
            domains="\n".join(domains),
            vouches_for_organisation=vouches,
            enabled=enabled,
        )
        return Institution(create_provider(admins[0], settings), client, admins[0])

    return register


@pytest.fixture
def institution(register_institution):
    return register_institution()


def leave_for_provider(client, provider_id: int, next_url: str | None = None) -> str:
    """Start signing in; the provider's authorisation address the site sent us to."""
    query = {"next": next_url} if next_url else {}
    start = client.get(f"/sso/{provider_id}/start", query_string=query)
    assert start.status_code == 302, start.get_data(as_text=True)
    location = start.headers["Location"]
    assert location.startswith("http://127.0.0.1:"), location
    return location


def provider_answer(authorize_url: str) -> str:
    """Follow the provider's authorisation over HTTP; the path and query it sends us back
    to (on the callback address the site gave, which the provider checked)."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == "/sso/callback"
    return f"{back.path}?{back.query}"


def sign_in(client, idp, provider_id: int, username: str, next_url: str | None = None):
    """The whole round trip as ``username`` at the provider; the site's answer to the callback."""
    idp.approve_as = username
    return client.get(provider_answer(leave_for_provider(client, provider_id, next_url)))
