"""Participants' words run in their own direction, whatever the page's: an Arabic statement
on a French page and an English comment on an Arabic page are marked ``dir="auto"`` with
their ``lang``, on the statement page and in the moderation queue; the draft editor gives
each language's boxes that language's ``lang`` and direction; the translate form's language
list names languages in the reader's language, so its options carry no other ``lang``."""

from __future__ import annotations

from html.parser import HTMLParser

from consult.consultations.services import current_version
from consult.participation.models import ModerationState
from tests.conftest import post_form

ARABIC = "ينبغي أن تشمل الاختبارات الدول النامية."
ENGLISH = "Tests should include developing countries."
VOID = {"input", "br", "img", "meta", "link", "hr", "source", "wbr"}


class _Holders(HTMLParser):
    """The attributes of every element whose own text is one of ``texts``."""

    def __init__(self, texts: set[str]):
        super().__init__()
        self.texts, self.stack, self.found = texts, [], []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if data.strip() in self.texts and self.stack:
            self.found.append(self.stack[-1])


def holders(html: str, text: str) -> list[tuple[str, dict]]:
    parser = _Holders({text})
    parser.feed(html)
    assert parser.found, f"{text!r} is not on the page"
    return parser.found


def _element(html: str, tag: str, name: str) -> dict:
    """The attributes of the form control ``<tag name=name>``."""
    found = []

    class Finder(HTMLParser):
        def handle_starttag(self, t, attrs):
            attrs = dict(attrs)
            if t == tag and attrs.get("name") == name:
                found.append(attrs)

    Finder().feed(html)
    assert found, f"no <{tag} name={name}>"
    return found[0]


def _arabic_statement_with_english_comment(team, contribute, db, state):
    c = team.consultation
    author = contribute.participant(c, team.participant)
    statement = contribute.statement(c, ARABIC, author, moderation_state=state)
    statement.language = "ar"
    comment = contribute.comment(c, statement, ENGLISH, author, moderation_state=state)
    db.session.commit()
    return statement, comment


def test_an_arabic_statement_on_a_french_page_and_an_english_comment_run_their_own_way(
    client, db, team, contribute, login
):
    statement, _ = _arabic_statement_with_english_comment(
        team, contribute, db, ModerationState.APPROVED
    )
    login(team.participant)
    post_form(client, "/language", {"language": "fr"})
    html = client.get(f"/c/test-consultation/s/{statement.id}").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html
    for tag, attrs in holders(html, ARABIC):
        assert (attrs.get("lang"), attrs.get("dir")) == ("ar", "auto"), (tag, attrs)
    for tag, attrs in holders(html, ENGLISH):
        assert (attrs.get("lang"), attrs.get("dir")) == ("en", "auto"), (tag, attrs)
    # The translate form lists target languages in French: no option claims another lang.
    select = html[html.index(f'id="translate-statement-{statement.id}-language"') :]
    options = select[: select.index("</select>")]
    assert options.count("<option") >= 2 and "lang=" not in options


def test_the_moderation_queue_shows_each_contribution_in_its_direction(
    client, db, team, contribute, login
):
    _arabic_statement_with_english_comment(team, contribute, db, ModerationState.PENDING)
    login(team.moderator)
    post_form(client, "/language", {"language": "ar"})
    html = client.get("/c/test-consultation/moderate").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    for text in (ARABIC, ENGLISH):
        for tag, attrs in holders(html, text):
            assert attrs.get("dir") == "auto", (text, tag, attrs)


def test_the_draft_editor_writes_each_language_in_its_direction(client, db, team, login):
    c = team.consultation
    c.languages = [*c.languages, "ar"]
    db.session.commit()
    key = current_version(c).clauses[0].lineage_key
    login(team.organiser)
    post_form(client, "/language", {"language": "en"})
    html = client.get(f"/c/test-consultation/draft/clauses/{key}").get_data(as_text=True)
    for lang, tag, name, direction in (
        ("ar", "input", "heading_ar", "rtl"),
        ("ar", "textarea", "text_ar", "rtl"),
        ("zh-Hans", "textarea", "text_zh", "ltr"),
        ("en", "input", "heading_en", "ltr"),
    ):
        attrs = _element(html, tag, name)
        assert (attrs.get("lang"), attrs.get("dir")) == (lang, direction), (name, attrs)
    html = client.get("/c/test-consultation/draft/preamble").get_data(as_text=True)
    attrs = _element(html, "textarea", "preamble_ar")
    assert (attrs.get("lang"), attrs.get("dir")) == ("ar", "rtl")
