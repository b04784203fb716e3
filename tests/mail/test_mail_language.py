"""Mail to a new account speaks the language the person registered in: registering
stores the interface language on the account (User.locale), and the mail reads it."""

from __future__ import annotations

import sqlalchemy as sa

from consult.auth.models import User
from tests.auth.test_register import GOOD
from tests.conftest import csrf_from, post_form


def _choose_language(client, language: str) -> None:
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"csrf_token": token, "language": language, "next": "/"})


def test_registering_in_french_stores_the_language_and_mails_in_french(client, db, inbox):
    _choose_language(client, "fr")
    answer = post_form(client, "/register", GOOD)
    assert answer.status_code == 200
    db.session.commit()
    user = db.session.scalar(sa.select(User).where(User.email == "wanjiru@example.org"))
    assert user.locale == "fr"
    (message,) = inbox.wait_for(1)
    html, text = inbox.html(message), inbox.text(message)
    assert '<html lang="fr" dir="ltr">' in html
    assert "Bonjour Wanjiru Kamau," in text and "Bonjour Wanjiru Kamau," in html
    assert "Hello" not in text


def test_the_confirmation_subject_is_in_french(client, db, inbox):
    _choose_language(client, "fr")
    post_form(client, "/register", GOOD)
    (message,) = inbox.wait_for(1)
    assert message["Subject"] == "Confirmez votre adresse électronique pour Consult"


def test_registering_in_arabic_mails_right_to_left(client, db, inbox):
    _choose_language(client, "ar")
    post_form(client, "/register", GOOD)
    (message,) = inbox.wait_for(1)
    assert '<html lang="ar" dir="rtl">' in inbox.html(message)


def test_the_browser_language_is_stored_when_nothing_was_chosen(client, db, inbox):
    post_form(client, "/register", GOOD, headers={"Accept-Language": "ru"})
    db.session.commit()
    user = db.session.scalar(sa.select(User).where(User.email == "wanjiru@example.org"))
    assert user.locale == "ru"
    (message,) = inbox.wait_for(1)
    assert '<html lang="ru" dir="ltr">' in inbox.html(message)
