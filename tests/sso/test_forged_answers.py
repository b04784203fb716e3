"""Answers that must not sign anyone in: a wrong state, an ID token with a wrong nonce,
issuer or audience, an expired, unsigned, HMAC-signed, re-signed or altered one, and a
provider whose discovery names another issuer. Each is a 4xx (the provider's own fault a
502) with a clear message, and nothing changes: no account, no link, not signed in."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import sqlalchemy as sa

from consult.auth.models import User
from consult.sso.models import LinkedIdentity
from tests.sso.conftest import leave_for_provider, provider_answer, sign_in


def _nothing_changed(client, db):
    assert db.session.scalars(sa.select(LinkedIdentity)).all() == []
    assert db.session.scalar(sa.select(User).where(User.email.like("%@ministry.example"))) is None
    assert client.get("/account/profile").status_code == 302  # not signed in
    assert client.get("/sso/complete").status_code == 400  # nothing waits either


def test_an_answer_with_another_state_is_refused_before_any_exchange(client, db, idp, institution):
    idp.add_person("amina", "amina@ministry.example")
    idp.approve_as = "amina"
    back = urlsplit(provider_answer(leave_for_provider(client, institution.provider.id)))
    query = {key: values[0] for key, values in parse_qs(back.query).items()}
    forged = client.get(back.path + "?" + urlencode({**query, "state": "another-state"}))
    assert forged.status_code == 400
    assert "does not belong to the sign-in this browser started" in forged.get_data(as_text=True)
    assert idp.token_requests == []
    _nothing_changed(client, db)


def test_an_answer_without_a_sign_in_started_here_is_refused(client, db, idp, institution):
    # Another browser's answer (a login CSRF): this browser started nothing.
    answer = client.get("/sso/callback", query_string={"code": "abc", "state": "xyz"})
    assert answer.status_code == 400 and "expired" in answer.get_data(as_text=True)
    _nothing_changed(client, db)


@pytest.mark.parametrize(
    "tamper", ["nonce", "issuer", "audience", "expired", "signature", "payload", "none", "hs256"]
)
def test_a_bad_id_token_is_refused(client, db, idp, institution, tamper):
    idp.add_person("amina", "amina@ministry.example")
    idp.tamper = tamper
    answer = sign_in(client, idp, institution.provider.id, "amina")
    assert answer.status_code == 400, (tamper, answer.status_code)
    assert "could not confirm this sign-in" in answer.get_data(as_text=True)
    assert len(idp.token_requests) == 1  # it got as far as the token, which failed its checks
    _nothing_changed(client, db)


def test_the_untampered_token_passes_the_same_checks(client, db, idp, institution):
    # The control for the test above: the same round trip with nothing altered signs in.
    idp.add_person("amina", "amina@ministry.example")
    answer = sign_in(client, idp, institution.provider.id, "amina")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/sso/complete")


def test_discovery_naming_another_issuer_is_refused(client, db, idp, institution):
    idp.add_person("amina", "amina@ministry.example")
    idp.approve_as = "amina"
    back = provider_answer(leave_for_provider(client, institution.provider.id))
    idp.discovery_issuer = "http://127.0.0.1:1/impostor"
    answer = client.get(back)
    assert answer.status_code == 502
    assert "did not answer as expected" in answer.get_data(as_text=True)
    assert idp.token_requests == []
    _nothing_changed(client, db)


def test_a_code_the_provider_does_not_know_is_refused(client, db, idp, institution):
    authorize = leave_for_provider(client, institution.provider.id)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    answer = client.get("/sso/callback", query_string={"code": "forged-code", "state": state})
    assert answer.status_code == 400
    assert "did not accept this sign-in" in answer.get_data(as_text=True)
    _nothing_changed(client, db)
