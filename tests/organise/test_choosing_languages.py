"""Choosing languages: the authoritative language of a new consultation, and the language
an invitation is mailed in (read from a real SMTP server); and the exports links."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from consult.consultations.models import Consultation, Invitation
from tests.conftest import PASSWORD, IsolatedClient, post_form
from tests.smtp import smtp_server  # noqa: F401  (the fixture)

TEAM = "/c/test-consultation/organise/team"
TAKE_PART = "/c/test-consultation/organise/take-part"
GUEST = "guest@example.org"
HELLO = {"en": "Hello,", "zh": "您好：", "fr": "Bonjour,"}  # the mails' first line


@pytest.fixture
def inbox(app, smtp_server):  # noqa: F811 (the fixture imported above)
    smtp_server.configure(app)
    return smtp_server


def _as(app, db, user, locale=None):
    """A client logged in as ``user``, whose account reads the site in ``locale``."""
    user.locale = locale
    db.session.commit()
    app.test_client_class = IsolatedClient
    client = app.test_client()
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _create(client, slug, languages, **extra):
    data = {"slug": slug, "title_en": "Rules", "title_zh": "规则", "languages": languages}
    return post_form(client, "/organise/new", {**data, "moderation_mode": "pre", **extra})


def _authoritative(db, slug):
    db.session.expire_all()
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.slug == slug))
    return consultation.authoritative_language, consultation.authoritative


def _selected(html, name):
    """The values of the options selected in the select named ``name``."""
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    options = re.findall(r"<option[^>]*>", select)
    return [re.search(r'value="(\w+)"', o).group(1) for o in options if " selected" in o]


def test_the_creator_chooses_the_authoritative_language(app, db, team):
    client = _as(app, db, team.organiser, "en")
    html = client.get("/organise/new").get_data(as_text=True)
    assert "Authoritative language" in html
    assert _selected(html, "authoritative_language") == ["en"]
    # Chinese comes first in the site's languages, but the creator chose English.
    response = _create(client, "chosen", ["en", "zh"], authoritative_language="en")
    assert response.status_code == 302
    assert _authoritative(db, "chosen") == ("en", "en")
    response = _create(client, "chosen-zh", ["en", "zh"], authoritative_language="zh")
    assert response.status_code == 302 and _authoritative(db, "chosen-zh") == ("zh", "zh")


def test_a_language_not_offered_cannot_be_authoritative(app, db, team):
    client = _as(app, db, team.organiser, "en")
    for value in ("fr", "xx"):
        response = _create(client, "wrong", ["en", "zh"], authoritative_language=value)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "Choose the authoritative language among the languages offered." in html
    assert not db.session.scalar(sa.select(Consultation.id).where(Consultation.slug == "wrong"))


def test_with_no_choice_the_creators_language_else_the_first(app, db, team):
    client = _as(app, db, team.organiser, "en")
    assert _create(client, "mine", ["en", "zh"]).status_code == 302
    assert _authoritative(db, "mine") == ("en", "en")
    french = _as(app, db, team.organiser, "fr")
    html = french.get("/organise/new").get_data(as_text=True)
    assert _selected(html, "authoritative_language") == ["fr"]
    assert _create(french, "first", ["en", "zh"]).status_code == 302
    assert _authoritative(db, "first") == ("zh", "zh")  # the first offered, in site order


def test_a_role_invitation_is_mailed_in_the_chosen_language(app, db, team, inbox):
    client = _as(app, db, team.organiser, "zh")
    html = client.get(TEAM).get_data(as_text=True)
    assert _selected(html, "language") == ["zh"], "the inviter's own"
    data = {"email": GUEST, "role": "moderator", "language": "fr"}
    assert post_form(client, TEAM, data).status_code == 302
    (message,) = inbox.wait_for(1)
    assert str(message["To"]) == GUEST
    assert inbox.text(message).startswith(HELLO["fr"])
    assert "Test consultation" in message["Subject"]  # no French title: the authoritative one
    # With no choice sent, the inviter's language; the title in that language.
    inbox.clear()
    response = post_form(client, TEAM, {"email": "other@example.org", "role": "moderator"})
    assert response.status_code == 302
    (message,) = inbox.wait_for(1)
    assert inbox.text(message).startswith(HELLO["zh"]) and "测试征求意见" in message["Subject"]


def test_a_bad_mail_language_is_a_422_and_mails_no_one(app, db, team, inbox):
    client = _as(app, db, team.organiser, "en")
    for page, data in (
        (TEAM, {"email": GUEST, "role": "moderator", "language": "xx"}),
        (TAKE_PART, {"addresses": GUEST, "language": "de"}),  # not one of the site's
    ):
        response = post_form(client, page, data)
        assert response.status_code == 422, page
        html = response.get_data(as_text=True)
        assert "Choose a language from the list." in html and 'aria-invalid="true"' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0
    assert inbox.messages == []


def test_an_invitation_to_take_part_is_mailed_in_the_chosen_language(
    app, db, team, inbox, make_user
):
    make_user("reader@example.org", confirmed=False).locale = "fr"  # an account's own choice
    db.session.commit()
    client = _as(app, db, team.organiser, "en")
    html = client.get(TAKE_PART).get_data(as_text=True)
    assert _selected(html, "language") == ["en"]
    data = {"addresses": f"{GUEST} reader@example.org", "language": "zh"}
    assert post_form(client, TAKE_PART, data).status_code == 302
    inbox.wait_for(2)
    (guest,) = inbox.to(GUEST)
    assert inbox.text(guest).startswith(HELLO["zh"]) and "测试征求意见" in guest["Subject"]
    (reader,) = inbox.to("reader@example.org")
    assert inbox.text(reader).startswith(HELLO["fr"])


def test_the_exports_are_linked_from_the_organisers_pages(app, db, team):
    client = _as(app, db, team.organiser, "en")
    exports = 'href="/c/test-consultation/exports"'
    assert exports in client.get("/c/test-consultation/organise").get_data(as_text=True)
    assert exports in client.get("/organise").get_data(as_text=True)
    assert client.get("/c/test-consultation/exports").status_code == 200
    moderator = _as(app, db, team.moderator, "en")
    assert exports not in moderator.get("/organise").get_data(as_text=True)
