"""The admin's institutions at /admin/sso: only the admin (page and service), the client
secret sealed and never shown again, each field checked with a clear message, switching
off and on, and every change in the site's audit log."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.errors import Forbidden
from consult.extensions import db as _db
from consult.sso import providers, sealing
from consult.sso.models import IdentityProvider
from tests.conftest import csrf_from, post_form
from tests.sso.conftest import site_callback

FORM = "/admin/sso"


def _fields(idp, client, **changes):
    return {
        "name": "Ministry of Testing",
        "issuer": idp.issuer,
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        "domains": "ministry.example\nAgency.Ministry.example, ministry.example",
        "vouches_for_organisation": "y",
        "enabled": "y",
        **changes,
    }


def _stored(db):
    return db.session.scalars(sa.select(IdentityProvider)).all()


@pytest.fixture
def admin(make_user, login):
    return login(make_user("admin@example.org", admin=True))


def test_the_admin_adds_an_institution_whose_secret_is_never_shown(app, client, db, idp, admin):
    callback = site_callback(app)
    registered = idp.add_client(callback)
    page = client.get(FORM).get_data(as_text=True)
    assert callback in page  # to register with the institution
    done = post_form(client, FORM, _fields(idp, registered))
    assert done.status_code == 302, done.get_data(as_text=True)

    [provider] = _stored(db)
    assert provider.domains == ["ministry.example", "agency.ministry.example"]
    assert provider.vouches_for_organisation and provider.enabled
    assert registered.client_secret not in provider.client_secret_sealed
    assert sealing.unseal(provider.client_secret_sealed) == registered.client_secret
    listing = client.get(FORM).get_data(as_text=True)
    edit = client.get(f"/admin/sso/{provider.id}").get_data(as_text=True)
    assert "Ministry of Testing" in listing and "agency.ministry.example" in listing
    assert registered.client_secret not in listing + edit
    assert 'name="client_secret" type="password" value=""' in edit

    # A change with the secret left empty keeps the stored one.
    sealed = provider.client_secret_sealed
    changed = post_form(
        client, f"/admin/sso/{provider.id}", _fields(idp, registered, client_secret="",
                                                      domains="ministry.example")
    )  # fmt: skip
    assert changed.status_code == 302
    db.session.refresh(provider)
    assert provider.domains == ["ministry.example"] and provider.client_secret_sealed == sealed

    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "added signing in with Ministry of Testing" in audit
    assert "changed signing in with Ministry of Testing (email domains)" in audit


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the institution"),
        ({"issuer": "ftp://login.example"}, "issuer", "https:// address"),
        ({"issuer": "http://login.example"}, "issuer", "https:// address"),  # not loopback
        ({"issuer": "http://127.0.0.1:1"}, "issuer", "could not read the discovery document"),
        ({"client_id": ""}, "client_id", "Enter the client id"),
        ({"client_secret": ""}, "client_secret", "Enter the client secret"),
        ({"client_secret": "s" * 1001}, "client_secret", "1000"),
        ({"domains": "not a domain!"}, "domains", "is not an email domain"),
        ({"domains": " "}, "domains", "List at least one email domain"),
        ({"domains": "\n".join(f"d{i}.example" for i in range(51))}, "domains", "at most 50"),
    ],
)
def test_each_field_is_checked(client, db, idp, admin, changes, field, message):
    registered = idp.add_client("http://localhost/sso/callback")
    refused = post_form(client, FORM, _fields(idp, registered, **changes))
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert _stored(db) == []


def test_the_issuer_must_name_itself_in_its_discovery(client, db, idp, admin):
    idp.discovery_issuer = "http://127.0.0.1:1/impostor"
    refused = post_form(client, FORM, _fields(idp, idp.add_client("http://localhost/cb")))
    assert refused.status_code == 422 and "names another issuer" in refused.get_data(as_text=True)
    assert _stored(db) == []


def test_two_institutions_cannot_share_a_name(client, db, idp, admin, institution):
    refused = post_form(
        client, FORM, _fields(idp, idp.add_client("http://x/cb"), name="ministry OF testing")
    )
    assert refused.status_code == 422 and "Another institution has this name." in (
        refused.get_data(as_text=True)
    )
    assert len(_stored(db)) == 1


def test_switching_off_and_on(client, db, idp, admin, institution):
    url = f"/admin/sso/{institution.provider.id}/enabled"
    off = post_form(client, url, {"enabled": "0"}, page=FORM)
    assert off.status_code == 302
    db.session.refresh(institution.provider)
    assert not institution.provider.enabled
    assert post_form(client, url, {"enabled": "1"}, page=FORM).status_code == 302
    db.session.refresh(institution.provider)
    assert institution.provider.enabled
    assert post_form(client, url, {"enabled": "maybe"}, page=FORM).status_code == 400
    assert (
        post_form(client, "/admin/sso/999/enabled", {"enabled": "0"}, page=FORM).status_code == 404
    )
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert "switched signing in with Ministry of Testing off" in audit


def test_only_the_admin_manages_institutions(client, db, idp, make_user, login, institution):
    # Anonymous: to the login page; an account that is not the admin: 403, page and service.
    assert client.get(FORM).status_code == 302
    verifier = make_user("verifier@example.org")
    verifier.is_verifier = True
    _db.session.commit()
    login(verifier)
    assert client.get(FORM).status_code == 403
    assert client.get(f"/admin/sso/{institution.provider.id}").status_code == 403
    token = csrf_from(client.get("/").get_data(as_text=True))
    fields = _fields(idp, institution.client, name="Sneaky", csrf_token=token)
    assert client.post(FORM, data=fields).status_code == 403
    url = f"/admin/sso/{institution.provider.id}/enabled"
    assert client.post(url, data={"csrf_token": token, "enabled": "0"}).status_code == 403
    settings = providers.ProviderSettings("Sneaky", idp.issuer, "x", "y", "ministry.example")
    with pytest.raises(Forbidden):
        providers.create_provider(verifier, settings)
    with pytest.raises(Forbidden):
        providers.set_enabled(verifier, institution.provider.id, False)
    assert [p.name for p in _stored(db)] == ["Ministry of Testing"]
    assert institution.provider.enabled


def test_a_secret_sealed_under_another_key_asks_the_admin_to_enter_it_again(
    app, client, db, idp, institution
):
    from tests.sso.conftest import sign_in

    idp.add_person("amina", "amina@ministry.example")
    app.config["SECRET_KEY"] = "another-secret-key-for-this-test"
    answer = sign_in(client, idp, institution.provider.id, "amina")
    assert answer.status_code == 502
    assert "enter its client secret again" in answer.get_data(as_text=True)


def test_sign_in_requests_are_rate_limited(app, client, db, idp, institution):
    from limits import parse_many

    from consult import ratelimits
    from consult.sso.limits import SIGN_IN

    app.config["RATELIMIT_ENABLED"] = True
    start = f"/sso/{institution.provider.id}/start"
    assert client.get(start).status_code == 302
    # Bring the address's counter to its limit, as that many sign-ins from one hall would.
    item = parse_many(SIGN_IN.address)[0]
    storage = app.extensions[ratelimits.EXTENSION].storage
    storage.incr(item.key_for(SIGN_IN.bucket, "address", "127.0.0.1"), item.get_expiry(),
                 amount=item.amount)  # fmt: skip
    for url in (start, "/sso/callback?state=x&code=y"):
        refused = client.get(url)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert "Too many sign-ins" in refused.get_data(as_text=True)
    assert client.get(start, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 302
