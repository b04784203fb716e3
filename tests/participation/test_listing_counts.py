"""The statements list at scale: its orders read the per-statement counts the database
keeps (migration 0014), so they follow votes cast through the site at once, and a page
never counts the votes themselves."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from consult.participation.vote_counts import StatementVoteCount
from tests.participation.test_listing import add_statements, listed  # noqa: F401  (fixture)


def test_the_orders_follow_votes_cast_on_the_site(
    client,
    db,
    consultation,
    add_statements,  # noqa: F811
    participant,
    vote,
):
    calm, liked = add_statements(("Calm.", (0, 0, 1)), ("Liked.", (2, 0, 0)))
    assert listed(client, consultation, sort="least_voted") == [calm, liked]
    assert listed(client, consultation, sort="agreed") == [liked, calm]
    assert vote(calm, "agree").status_code in (200, 302)
    # Calm and Liked now have 2 votes each: the tie falls to the newest first.
    assert listed(client, consultation, sort="least_voted") == [liked, calm]
    assert vote(calm, "disagree").status_code in (200, 302)  # a changed vote moves counts
    assert listed(client, consultation, sort="agreed") == [liked, calm]
    counts = db.session.get(StatementVoteCount, calm)
    db.session.refresh(counts)
    assert (counts.agree, counts.disagree, counts.passed) == (0, 1, 1)


def test_the_orders_read_the_kept_counts_not_the_votes(
    client,
    db,
    consultation,
    add_statements,  # noqa: F811
):
    first, second, third = add_statements(
        ("First.", (1, 0, 0)), ("Second.", (2, 0, 0)), ("Third.", (3, 0, 0))
    )
    assert listed(client, consultation, sort="agreed") == [third, second, first]
    # Were the page counting vote rows, this would change nothing.
    db.session.execute(
        sa.update(StatementVoteCount)
        .where(StatementVoteCount.statement_id == first)
        .values(agree=500, disagree=400)
    )
    db.session.commit()
    assert listed(client, consultation, sort="agreed") == [first, third, second]
    assert listed(client, consultation, sort="divisive")[0] == first
    assert listed(client, consultation, sort="least_voted")[-1] == first


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=-1", "page=99999999999", "page=%EF%BC%91", "sort=popular", "show=every"],
)
def test_a_bad_page_or_order_is_a_400_that_says_so(client, consultation, query):
    response = client.get(f"/c/{consultation.slug}/statements?{query}")
    assert response.status_code == 400
    assert "Choose" in response.get_data(as_text=True)
