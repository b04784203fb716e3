"""The method notes name the latest run's settings in words, in the reader's language,
and never show readers the raw parameter record (nor the languages breakdown in it)."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_from


def _in(client, language):
    token = csrf_from(client.get("/").get_data(as_text=True))
    client.post("/language", data={"csrf_token": token, "language": language, "next": "/"})


def _notes(client) -> str:
    html = client.get("/c/camps/dashboard/method").get_data(as_text=True)
    return html[html.index('<div class="method-notes">') :]


def test_the_settings_are_a_definition_list_not_json(client, voted, analysed):
    html = _notes(client)
    assert "consult_version" not in html and "random_state" not in html
    assert "languages" not in html and "{&#34;" not in html and '{"' not in html
    assert '<dl class="run-settings">' in html
    assert "<dt>Agreement threshold</dt><dd>60%</dd>" in html
    assert "<dt>Voter floor</dt><dd>5 voters</dd>" in html
    assert "<dt>Random seed</dt><dd>0</dd>" in html
    assert "<dt>Consult version</dt>" in html


@pytest.mark.parametrize("language", ["fr", "ar", "zh", "ru", "es"])
def test_no_language_shows_the_raw_record(client, voted, analysed, language):
    _in(client, language)
    html = _notes(client)
    assert "consult_version" not in html and "n_bootstrap" not in html
    assert (
        "languages" not in html and "&#34;" not in html and "pseudonymous_participants" not in html
    )
    assert html.count("<dt>") == 6
