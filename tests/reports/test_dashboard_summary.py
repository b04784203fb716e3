"""The dashboard's first screen in plain words, its term links, and figures without
cut labels (issue 13, items 3 and 7)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from consult.drafts.models import Clause

TERMS = ("interval", "groups", "voter-floor", "holdouts", "pass", "bridging")


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_summary_comes_first_and_says_what_is_agreed(client, voted, analysed):
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    agree = html.index("What people agree on")
    divide = html.index("What divides people")
    assert agree < divide < html.index("Who took part") < html.index('id="map-heading"')
    summary = _text(html[agree:divide])
    # Everyone agrees with clause 1 (40 voters); it is named with its n and interval.
    assert "Clause 1" in summary
    assert re.search(r"Agreed by 100% of 40 voters \(at least \d+% with 90% confidence", summary)
    assert "in every opinion group, sector, region and income group" in summary
    assert "100% agree, 0% disagree, 0% passed" in summary
    # The headline share is the one the shares line gives (not a differently rounded one).
    pairs = re.findall(
        r"Agreed by (\d+)% of [\d,]+ voters.*?Of [\d,]+ voters: (\d+)% agree", summary
    )
    assert pairs and all(headline == line for headline, line in pairs)


def test_summary_names_the_groups_that_differ(client, voted, analysed):
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    part = _text(html[html.index("What divides people") : html.index("Who took part")])
    # The camps split every participant statement: one group agrees, the other does not.
    assert "Statement" in part
    assert re.search(r"Group [AB] mostly agrees \(\d+%\)", part)
    assert re.search(r"Group [AB] mostly does not \(\d+% agree\)", part)


def test_every_technical_term_links_to_its_explanation(client, voted, analysed):
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    method = client.get("/c/camps/dashboard/method").get_data(as_text=True)
    linked = set(re.findall(r'class="term" href="/c/camps/dashboard/method#([\w-]+)"', html))
    # Bridging is linked where bridging statements are listed (none in two clean camps).
    assert set(TERMS) - {"bridging", "holdouts"} <= linked
    for anchor in (*TERMS, "close", "rounding"):
        assert f'id="{anchor}"' in method, anchor


def test_a_clause_far_from_agreement_is_not_close(app, voted, analysed):
    from consult.reports import dashboard, snapshots
    from consult.reports.labels import statement_infos

    view = snapshots.view_of(analysed)
    clause_2 = voted.clause_ids[1]
    # Everyone passes on clause 2: 0 % agree, held out by every group, sector and region.
    held = {entry.statement_id: entry for entry in view.holdouts}
    assert clause_2 in held and len(held[clause_2].holdouts) > 2
    with app.test_request_context("/c/camps/dashboard"):
        built = dashboard.build(view, statement_infos(voted.consultation.id))
    assert clause_2 not in {row.info.id for row in built["short"]}
    assert built["close_rule"]["floor"] == view.threshold - 0.05


def test_heatmap_rows_carry_the_clause_title_whole(client, db, voted, analysed):
    long_heading = "Independent evaluation of frontier models before deployment and after"
    clause = db.session.scalar(sa.select(Clause).order_by(Clause.position))
    clause.heading = {"en": long_heading}
    db.session.commit()
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    heat = html[html.index('id="heat-sector-heading"') :]
    svg = heat[heat.index("<svg") : heat.index("</svg>")]
    # The title wraps over lines (tspans) but every word is there; no ellipsis anywhere.
    words = " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg))
    assert f"Clause 1: {long_heading}" in words
    assert "…" not in svg
    # Sector names are whole (the old labels cut "Academia and rese…").
    assert "Academia and research" in svg or "Academia" in svg
    # The figure scrolls in its own named, focusable box on a narrow screen.
    assert re.search(
        r'class="scroll-box" role="region" tabindex="0" aria-label="Clause by sector"', heat
    )


def test_long_labels_wrap_instead_of_being_cut():
    from consult.reports import svg_charts

    name = "Lower-middle income countries of Sub-Saharan Africa and South Asia"
    bars = str(svg_charts.agreement_bars([(name, 0.5, 0.4, 0.6, 10)], "t"))
    assert "…" not in bars
    assert " ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", bars)) == name
    heat = str(svg_charts.heatmap([name], [name], [[(0.7, 9)]], "t", lambda *a: "x"))
    assert "…" not in heat and name in heat


def test_agree_disagree_pass_add_up_on_the_broad_list(client, voted, analysed):
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    for agree, disagree, passed in re.findall(r"(\d+)% agree, (\d+)% disagree, (\d+)% <a", html):
        assert int(agree) + int(disagree) + int(passed) == 100


def test_close_lists_a_near_miss_and_states_its_rule(client, db, voted):
    """A statement all 40 agree with but one: that voter's region (7 voters) falls short
    of the bar, so it is close; clause 2 (everyone passes) is not."""
    from consult.participation.models import ModerationState, Statement, StatementKind, Vote
    from consult.reports import snapshots

    near = Statement(
        consultation_id=voted.consultation.id,
        kind=StatementKind.PARTICIPANT,
        text="Nearly everyone agrees with this one",
        language="en",
        moderation_state=ModerationState.APPROVED,
    )
    db.session.add(near)
    db.session.flush()
    for p, pid in enumerate(voted.participant_ids):
        db.session.add(
            Vote(
                consultation_id=voted.consultation.id,
                participant_id=pid,
                statement_id=near.id,
                value=-1 if p == 0 else 1,
            )
        )
    db.session.commit()
    assert snapshots.run_analysis(voted.consultation.id).result
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    start = html.index('id="close-heading"')
    close = _text(html[start : html.index("</section>", start)])
    assert "Nearly everyone agrees with this one" in close
    assert "Clause 2" not in close
    assert "at least 55% (no more than 5 points under the 60% bar)" in close
    assert "at most 2 groups, sectors, regions or income groups" in close
    assert 'href="/c/camps/dashboard/method#holdouts"' in html[start:]
