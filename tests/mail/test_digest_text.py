"""The plain text of a digest and a notice: a blank line between entries and before the
footer; each entry's link line is one translatable phrase (French puts a narrow no-break
space before its colon)."""

from __future__ import annotations

from types import SimpleNamespace

from consult.mail.compose import render
from consult.notifications.messages import Entry
from consult.notifications.models import NotificationKind


def _entries():
    return [
        Entry(
            NotificationKind.ANSWER,
            "A moderator answered your comment",
            paragraphs=("On clause 2.",),
            quote="Open the weights.",
            link="https://consult.test/c/a/s/1",
            link_text="See your contribution",
        ),
        Entry(
            NotificationKind.MODERATION,
            "Your statement was approved",
            items=("Open the data.",),
            reason="Clear and on topic.",
            link="https://consult.test/c/a/s/2",
            link_text="See your contribution",
        ),
    ]


def _text(app, template, entries, language="en"):
    user = SimpleNamespace(display_name="Ada", email="ada@example.org")
    with app.test_request_context("/"):
        envelope = render(
            user.email,
            template,
            language,
            {},
            {
                "user": user,
                "entries": entries,
                "kinds": [NotificationKind.ANSWER, NotificationKind.MODERATION],
                "unsubscribe_url": "https://consult.test/unsubscribe/x",
                "preferences_url": "https://consult.test/account/notifications",
            },
        )
    return envelope.text


def test_digest_entries_and_footer_are_apart(app):
    text = _text(app, "notifications/digest", _entries())
    assert "\n\n1. A moderator answered your comment\n" in text
    assert "See your contribution: https://consult.test/c/a/s/1\n\n2. Your statement" in text
    assert (
        "See your contribution: https://consult.test/c/a/s/2\n\n"
        "You get this mail because you chose to hear about:"
    ) in text
    assert "\n\n\n" not in text


def test_a_notice_has_a_blank_line_before_the_footer(app):
    text = _text(app, "notifications/notice", _entries()[:1])
    assert (
        "See your contribution: https://consult.test/c/a/s/1\n\n"
        "You get this mail because you chose to hear about:"
    ) in text
    assert "\n\n\n" not in text


def test_the_link_line_is_one_translatable_phrase(app, monkeypatch):
    """The separator comes from the catalogue, so a language can space its colon."""
    from consult import i18n

    real = i18n._translations

    class FrenchColon:
        def __init__(self, translations):
            self.translations = translations

        def ugettext(self, string):
            if string == "%(label)s: %(link)s":
                return "%(label)s\u202f: %(link)s"
            return self.translations.ugettext(string)

        def __getattr__(self, name):
            return getattr(self.translations, name)

    monkeypatch.setattr(i18n, "_translations", lambda: FrenchColon(real()))
    text = _text(app, "notifications/digest", _entries())
    assert "See your contribution\u202f: https://consult.test/c/a/s/1" in text
