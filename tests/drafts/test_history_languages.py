"""Clause history names the languages that changed between versions: a translation-only
change reads "Chinese text changed; authoritative text unchanged", not "text unchanged"."""

import re

from consult.consultations.services import current_version
from consult.drafts import publishing, services
from consult.drafts.languages import text_change

HISTORY = "/c/test-consultation/dashboard/history"


def _versions_of(html: str, position: int) -> str:
    match = re.search(
        rf'id="clause-{position}-heading".*?<ol class="finding-list">(.*?)</ol>', html, re.S
    )
    assert match, html
    return " ".join(match.group(1).split())


def test_the_history_says_which_languages_changed(client, login, team):
    c = team.consultation
    first = current_version(c).clauses[0]
    services.save_clause(
        team.moderator, c, first.lineage_key, {}, {"en": "First clause.", "zh": "第一条（新译）。"}
    )
    publishing.publish_version(team.moderator, c, "Better Chinese wording.")
    services.save_clause(
        team.moderator,
        c,
        first.lineage_key,
        {},
        {"en": "First clause, amended.", "zh": "第一条（新译）。"},
    )
    publishing.publish_version(team.moderator, c, "Clause 1 amended.")
    login(team.organiser)
    response = client.get(HISTORY)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    clause_one = _versions_of(html, 1)
    assert "Chinese text changed; authoritative text unchanged." in clause_one
    assert "English text changed." in clause_one
    assert "text unchanged" not in clause_one.replace("authoritative text unchanged", "")
    # The English reader sees the diff of the English text: in version 3 only.
    v2, v3 = clause_one.split("<strong>Version 3</strong>")
    assert 'class="diff"' not in v2 and "<ins>" in v3
    # Clause 2 did not change at all.
    clause_two = _versions_of(html, 2)
    assert clause_two.count("· text unchanged") == 2


def test_text_change_compares_every_language():
    change = text_change(
        {"en": "A.", "zh": "甲。"}, {"en": "A. ", "zh": "乙。"}, ["en", "zh"], "en"
    )
    assert change.languages == ["zh"] and not change.authoritative
    change = text_change({"en": "A."}, {"en": "B.", "fr": "B."}, ["en", "zh"], "en")
    assert change.languages == ["en", "fr"] and change.authoritative
    assert not text_change({"en": "A."}, {"en": "A."}, ["en"], "en")


def test_an_official_apostrophe_change_is_shown_where_versions_are_compared(client, team):
    """Proposed wording is compared with typographic variants folded; the official text is
    not: a version that only changes an apostrophe highlights it in the comparison and in
    the clause's history (otherwise it reads "changed" with nothing marked)."""
    c = team.consultation
    first = current_version(c).clauses[0]
    services.save_clause(team.moderator, c, first.lineage_key, {}, {"en": "States' duty."})
    publishing.publish_version(team.moderator, c, "Straight apostrophe.")
    services.save_clause(team.moderator, c, first.lineage_key, {}, {"en": "States’ duty."})
    publishing.publish_version(team.moderator, c, "Typographic apostrophe.")
    compared = client.get(f"/c/{c.slug}/draft/compare").get_data(as_text=True)
    added = '<ins><span class="visually-hidden">[added: </span>’'
    assert added in compared, compared
    history = _versions_of(client.get(HISTORY).get_data(as_text=True), 1)
    assert added in history, history
