"""A translation a new version leaves behind: published with the authoritative text changed
and the translation not, it is marked outdated; its readers are told so and shown the
authoritative text open; the team clears it by saving a new translation or choosing a
standing. Through the real forms, as the organiser and a reader of Chinese."""

from __future__ import annotations

from flask_babel import force_locale, gettext
from markupsafe import escape

from consult.consultations.services import current_version
from consult.drafts import publishing, services
from consult.drafts.translations import Standing, outdated_since
from tests.conftest import PASSWORD, post_form

SLUG = "test-consultation"
DRAFT = f"/c/{SLUG}/draft"
NOTICE = "standing-outdated"  # the notice's class: its words are translated
ZH = {"Accept-Language": "zh"}


def _notice(app, n: int) -> str:
    """The notice as a reader of Chinese reads it."""
    with app.test_request_context(), force_locale("zh"):
        return str(escape(gettext(
            "This translation has not been updated since the authoritative text changed in "
            "version %(n)d: read the authoritative text.", n=n,
        )))  # fmt: skip


def _save(client, key: str, en: str, zh: str, **extra):
    data = {"text_en": en, "text_zh": zh, **extra}
    response = post_form(client, f"{DRAFT}/clauses/{key}", data)
    assert response.status_code == 302, response.get_data(as_text=True)


def _publish(client, summary: str = "Clause 1 reworded."):
    response = post_form(client, f"{DRAFT}/publish", {"change_summary": summary}, page=DRAFT)
    assert response.status_code == 302, response.get_data(as_text=True)


def _reader_pages(client, statement_id: int) -> dict[str, str]:
    paths = {
        "consultation": f"/c/{SLUG}",
        "clause": f"/c/{SLUG}/s/{statement_id}",
        "vote": f"/c/{SLUG}/vote",
        "text": f"/c/{SLUG}/text",
    }
    return {name: client.get(p, headers=ZH).get_data(as_text=True) for name, p in paths.items()}


def test_an_authoritative_only_change_leaves_the_translation_outdated(app, client, db, team, login):
    c = team.consultation
    key = current_version(c).clauses[0].lineage_key
    login(team.organiser)
    _save(client, key, "First clause, reworded.", "第一条。")
    _publish(client)
    clause = current_version(c).clauses[0]
    assert clause.translations == {"zh": Standing.OUTDATED.value}
    assert outdated_since(clause, c) == 2

    reader = app.test_client()
    signed_in = post_form(reader, "/login", {"email": team.participant.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    # Clause 2 voted on, the vote page brings clause 1.
    second = current_version(c).clauses[1].statement_id
    voted = post_form(reader, f"/c/{SLUG}/vote", {"statement_id": second, "choice": "agree"})
    assert voted.status_code == 302
    pages = _reader_pages(reader, clause.statement_id)
    for name in ("consultation", "clause", "vote"):
        html = pages[name]
        assert _notice(app, 2) in html, name
        assert "第一条。" in html and "First clause, reworded." in html, name
        assert '<details class="authoritative-text" open>' in html, f"{name}: shown open"
        assert 'class="badge badge-translation"' in html, name
    # The printable text: the badge, and the authoritative text beside it.
    assert "standing-outdated" in pages["text"] and "First clause, reworded." in pages["text"]
    # A reader of the authoritative language is told nothing.
    english = reader.get(f"/c/{SLUG}", headers={"Accept-Language": "en"})
    assert NOTICE not in english.get_data(as_text=True)


def test_a_translation_updated_in_the_same_version_is_not_outdated(client, db, team, login):
    c = team.consultation
    key = current_version(c).clauses[0].lineage_key
    login(team.organiser)
    _save(client, key, "First clause, reworded.", "第一条（修订）。")
    _publish(client)
    assert current_version(c).clauses[0].translations == {"zh": "reviewed"}
    html = client.get(f"/c/{SLUG}", headers=ZH).get_data(as_text=True)
    assert NOTICE not in html and "第一条（修订）。" in html
    assert '<details class="authoritative-text">' in html, "closed: one click away"


def test_a_translation_only_change_or_a_new_standing_is_not_outdated(client, db, team, login):
    c = team.consultation
    key = current_version(c).clauses[0].lineage_key
    login(team.organiser)
    _save(client, key, "First clause.", "第一条（修订）。")
    _publish(client, "Chinese corrected.")
    assert current_version(c).clauses[0].translations == {"zh": "reviewed"}
    # The authoritative text changes and the team says the translation is still official:
    # it looked at the translation, so it is not left behind.
    _save(
        client, key, "First clause, with a typo fixed.", "第一条（修订）。", standing_zh="official"
    )
    _publish(client, "Typo.")
    assert current_version(c).clauses[0].translations == {"zh": "official"}
    assert NOTICE not in client.get(f"/c/{SLUG}", headers=ZH).get_data(as_text=True)


def test_the_organiser_clears_it_by_choosing_a_standing_or_a_new_translation(
    app, client, db, team, login
):
    c = team.consultation
    key = current_version(c).clauses[0].lineage_key
    login(team.organiser)
    _save(client, key, "First clause, reworded.", "第一条。")
    _publish(client)
    # The editor shows the standing, selected, and says so beside the clause.
    form = client.get(f"{DRAFT}/clauses/{key}").get_data(as_text=True)
    assert '<option selected value="outdated">' in form
    assert "notice translation-standing standing-outdated" in client.get(DRAFT).get_data(
        as_text=True
    )
    # Saved again unchanged, it stays outdated; a standing chosen clears it.
    _save(client, key, "First clause, reworded.", "第一条。", standing_zh="outdated")
    assert services.working_version(c).clauses[0].translations == {"zh": "outdated"}
    _save(client, key, "First clause, reworded.", "第一条。", standing_zh="official")
    assert services.working_version(c).clauses[0].translations == {"zh": "official"}
    _publish(client, "The Chinese still says the same.")
    clause = current_version(c).clauses[0]
    assert clause.translations == {"zh": "official"}, "not marked again: authoritative same"
    assert clause.statement_id == current_version(c).clauses[0].statement_id
    assert NOTICE not in client.get(f"/c/{SLUG}", headers=ZH).get_data(as_text=True)

    # Left behind again; this time a new translation, the select left as it was, clears it.
    _save(client, key, "First clause, reworded twice.", "第一条（修订）。", standing_zh="official")
    _publish(client, "Both reworded.")
    _save(client, key, "First clause, reworded thrice.", "第一条（修订）。", standing_zh="official")
    _publish(client, "English only.")
    assert current_version(c).clauses[0].translations == {"zh": "outdated"}
    html = client.get(f"/c/{SLUG}", headers=ZH).get_data(as_text=True)
    assert _notice(app, 5) in html
    _save(
        client, key, "First clause, reworded thrice.", "第一条（再修订）。", standing_zh="outdated"
    )
    assert services.working_version(c).clauses[0].translations == {"zh": "reviewed"}
    _publish(client, "Chinese caught up.")
    assert current_version(c).clauses[0].translations == {"zh": "reviewed"}
    assert NOTICE not in client.get(f"/c/{SLUG}", headers=ZH).get_data(as_text=True)


def test_a_version_that_changes_another_clause_keeps_the_mark_and_its_version(db, team):
    c = team.consultation
    first, second = current_version(c).clauses
    services.save_clause(team.organiser, c, first.lineage_key, {}, {"en": "New.", "zh": "第一条。"})
    publishing.publish_version(team.organiser, c, "Clause 1.")
    services.save_clause(team.organiser, c, second.lineage_key, {}, {"en": "Second, new."})
    publishing.publish_version(team.organiser, c, "Clause 2.")
    clause = current_version(c).clauses[0]
    assert clause.version.number == 3
    assert clause.translations == {"zh": "outdated"}
    assert outdated_since(clause, c) == 2, "changed in version 2, not in 3"
    # Marked by hand with no earlier authoritative wording to point at: no version named.
    assert outdated_since(first, c) is None
