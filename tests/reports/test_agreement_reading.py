"""How the dashboard and a report read broad agreement: the order it is listed in, and
what a statement too thinly voted to judge is short of."""

from __future__ import annotations

import re

import sqlalchemy as sa

from consult.reports import snapshots
from tests.reports.conftest import publish_form

ORDER = "Listed by how surely the least convinced"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def _thin_item(html: str, text: str) -> str:
    """The text of the not-assessable entry quoting ``text``."""
    part = html[html.index('id="not-assessable"') :]
    for item in part.split('<li class="finding">')[1:]:
        if text in item:
            return _text(item.split("</li>")[0])
    raise AssertionError(f"{text!r} is not among the statements too thin to judge")


def _add_thinly_voted(db, voted, text: str, voters: list[int]) -> int:
    from consult.participation.models import (
        ModerationState,
        Statement,
        StatementKind,
        Vote,
        VoteEvent,
    )

    cid = voted.consultation.id
    statement = Statement(
        consultation_id=cid,
        kind=StatementKind.PARTICIPANT,
        text=text,
        language="en",
        moderation_state=ModerationState.APPROVED,
    )
    db.session.add(statement)
    db.session.flush()
    rows = [
        {"consultation_id": cid, "participant_id": p, "statement_id": statement.id, "value": 1}
        for p in voters
    ]
    db.session.execute(sa.insert(Vote), rows)
    db.session.execute(sa.insert(VoteEvent), rows)
    db.session.commit()
    return statement.id


def test_the_order_of_agreed_statements_is_said(app, client, voted, analysed, organiser, login):
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    summary = _text(html[html.index("What people agree on") : html.index("What divides people")])
    assert ORDER in summary and "so the overall shares are not in order" in summary
    broad = _text(html[html.index('id="broad-heading"') :])
    assert ORDER in broad
    login(organiser)
    assert publish_form(client).status_code == 302
    report = app.test_client().get("/c/camps/reports/what-we-heard").get_data(as_text=True)
    assert ORDER in _text(report)


def test_a_statement_short_of_voters_everywhere_says_so_once(db, client, voted):
    _add_thinly_voted(db, voted, "Barely voted statement", voted.participant_ids[:3])
    snapshots.run_analysis(voted.consultation.id)
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    item = _thin_item(html, "Barely voted statement")
    assert "Fewer than 5 voters overall (3 so far)" in item
    assert "n=0" not in item and "Not enough voters in" not in item


def test_segments_are_named_when_the_statement_has_voters_enough_overall(app, client, voted):
    # A floor of 8 over 40 voters: each region has 6 or 7, so the regions are named.
    app.config["ANALYSIS_MIN_VOTERS"] = 8
    snapshots.run_analysis(voted.consultation.id)
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    item = _thin_item(html, "Statement number 1 ")
    assert re.search(r"Not enough voters in .*East Asia &amp; Pacific \(n=\d\).* to judge", item)
    assert "Fewer than" not in item


def test_many_segments_nobody_voted_in_are_counted_not_named(db, client, voted):
    # Eight voters, all from government (every fifth participant): the other four sectors
    # have none, the groups and regions a few each.
    _add_thinly_voted(db, voted, "Government-only statement", voted.participant_ids[::5])
    snapshots.run_analysis(voted.consultation.id)
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    item = _thin_item(html, "Government-only statement")
    assert "Not enough voters in" in item and "n=0" not in item
    assert "No voters at all in 4 other groups, sectors, regions or income groups." in item
    assert "Fewer than" not in item
