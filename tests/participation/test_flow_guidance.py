"""The vote flow says what it shows and ends somewhere useful (issue 13, item 6): clauses
and participants' statements are mixed on purpose, each card says which it is, and the end
links to the results and to adding a statement."""

from __future__ import annotations

import re

from tests.participation.conftest import HX
from tests.participation.test_flow import _current, add_statements, flow_post


def test_flow_says_up_front_that_it_mixes_clauses_and_statements(client, consultation):
    html = client.get(f"/c/{consultation.slug}/vote").get_data(as_text=True)
    intro = re.search(r'<p class="flow-intro">(.*?)</p>', html, re.S).group(1)
    assert "clauses of the draft" in intro and "statements written by participants" in intro
    assert "helps the analysis" in intro


def test_each_card_says_whether_it_is_a_clause_or_a_statement(
    db, client, csrf, participant, consultation, clause_ids
):
    (statement_id,) = add_statements(db, consultation, "Statement A")
    kinds = {}
    for _ in range(3):
        current = _current(client, consultation)
        card = client.get(f"/c/{consultation.slug}/vote").get_data(as_text=True)
        kinds[current] = re.search(r'<span class="flow-kind">([^<]+)</span>', card).group(1)
        flow_post(client, csrf, consultation, statement_id=str(current), choice="pass")
    assert kinds[clause_ids[0]] == "Clause 1"
    assert kinds[clause_ids[1]] == "Clause 2"
    assert re.fullmatch(r"Statement \d+", kinds[statement_id])


def test_the_end_links_to_the_results_and_to_adding_a_statement(
    client, csrf, participant, consultation, clause_ids
):
    for _ in clause_ids:
        last = flow_post(
            client,
            csrf,
            consultation,
            headers=HX,
            statement_id=str(_current(client, consultation)),
            choice="agree",
        ).get_data(as_text=True)
    slug = consultation.slug
    for html in (last, client.get(f"/c/{slug}/vote").get_data(as_text=True)):
        assert "You have voted on everything" in html
        assert f'<a class="button" href="/c/{slug}/dashboard">See the results</a>' in html
        assert f'href="/c/{slug}/statements#add-statement-heading">Add a statement' in html


def test_the_end_offers_no_hidden_results_nor_closed_statements(
    db, client, csrf, participant, make_consultation
):
    closed_off = make_consultation("closed-off", dashboard_public=False, allow_statements=False)
    for _ in range(2):
        flow_post(
            client,
            csrf,
            closed_off,
            statement_id=str(_current(client, closed_off)),
            choice="disagree",
        )
    html = client.get(f"/c/{closed_off.slug}/vote").get_data(as_text=True)
    assert "You have voted on everything" in html
    assert "See the results" not in html and "Add a statement" not in html
