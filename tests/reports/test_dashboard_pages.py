"""The dashboard, method notes and clause history over HTTP."""

from __future__ import annotations

import sqlalchemy as sa

from consult.reports import snapshots
from tests.reports.conftest import publish_version_two

HX = {"HX-Request": "true"}


def test_dashboard_shows_every_section(client, voted, analysed):
    response = client.get("/c/camps/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in (
        "Who took part",
        "Opinion map",
        "Broad agreement",
        "The opinion groups",
        "Where views divide",
        "Clause by sector",
        "Clause by region",
        f"{voted.n_votes} votes by 40 participants",
        "Group A",
        "Group B",
    ):
        assert text in html, text
    assert html.count("<svg") >= 5
    assert html.count("Show as a table") >= 5
    assert html.count("/c/camps/dashboard/method#") >= 5
    # Statement text is escaped, in the page and inside the SVG titles.
    assert "<b>bold?</b>" not in html and "&lt;b&gt;bold?&lt;/b&gt;" in html
    assert "Secret Name" not in html
    assert 'hx-trigger="every 20s"' in html


def test_dashboard_without_analysis(client, make_consultation):
    make_consultation(slug="quiet")
    response = client.get("/c/quiet/dashboard")
    assert response.status_code == 200
    assert "No analysis yet" in response.get_data(as_text=True)
    assert client.get("/c/quiet/dashboard?since=0", headers=HX).status_code == 204


def test_votes_without_an_analysis_are_being_computed(app, client, db, voted, monkeypatch):
    """Never "No analysis yet" beside votes: the run is asked for, and the page polls."""
    requested = []
    app.config["ANALYSIS_MODE"] = "inline"
    real = snapshots.run_analysis
    # The scheduler finds the run by its dotted path: stand in for it, to see it asked for.
    monkeypatch.setattr(
        "consult.reports.snapshots.run_analysis", lambda cid, **kw: requested.append(cid)
    )
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    monkeypatch.setattr("consult.reports.snapshots.run_analysis", real)
    assert requested == [voted.consultation.id]
    assert "No analysis yet" not in html
    assert "being computed" in html and f"{voted.n_votes:,}" in html
    assert 'hx-trigger="every 20s"' in html and "since=0" in html
    # Still nothing: the poll leaves the page alone; once a run is stored, it swaps it in.
    assert client.get("/c/camps/dashboard?since=0", headers=HX).status_code == 204
    snapshot = snapshots.run_analysis(voted.consultation.id)
    fresh = client.get("/c/camps/dashboard?since=0", headers=HX)
    assert fresh.status_code == 200 and f"since={snapshot.id}" in fresh.get_data(as_text=True)


def test_a_closed_consultation_still_polls_while_computing(client, db, voted):
    from consult.consultations.models import Status

    voted.consultation.status = Status.CLOSED
    db.session.commit()
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    assert "being computed" in html and 'hx-trigger="every 20s"' in html


def test_polling_answers_204_until_a_newer_snapshot_exists(client, voted, analysed):
    url = f"/c/camps/dashboard?since={analysed.id}"
    unchanged = client.get(url, headers=HX)
    assert unchanged.status_code == 204
    assert "HX-Request" in unchanged.headers["Vary"]
    newer = snapshots.run_analysis(voted.consultation.id)
    changed = client.get(url, headers=HX)
    assert changed.status_code == 200
    html = changed.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="dashboard"')
    assert f"since={newer.id}" in html and "<html" not in html


def test_unknown_and_hidden_dashboards(client, db, voted, analysed, organiser, login):
    assert client.get("/c/nope/dashboard").status_code == 404
    assert client.get("/c/nope/dashboard/method").status_code == 404
    voted.consultation.dashboard_public = False
    db.session.commit()
    hidden = client.get("/c/camps/dashboard")
    assert hidden.status_code == 403
    assert "not made its analysis public" in hidden.get_data(as_text=True)
    assert client.get("/c/camps/dashboard/history").status_code == 403
    login(organiser)
    page = client.get("/c/camps/dashboard")
    assert page.status_code == 200
    assert "/c/camps/exports" in page.get_data(as_text=True)


def test_failed_run_is_shown_to_organisers_only(
    client, voted, analysed, organiser, login, monkeypatch
):
    monkeypatch.setattr("consult.analysis.analyse", lambda *a, **k: 1 / 0)
    snapshots.run_analysis(voted.consultation.id)
    public = client.get("/c/camps/dashboard").get_data(as_text=True)
    assert "latest analysis run failed" not in public and "Opinion map" in public
    login(organiser)
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    assert "latest analysis run failed" in html and "ZeroDivisionError" in html
    assert "Opinion map" in html  # the previous snapshot is still shown


def test_you_are_here(client, db, voted, analysed, login):
    from consult.auth.models import User
    from consult.consultations.models import Participant

    participant = db.session.get(Participant, voted.participant_ids[0])
    user = db.session.get(User, participant.user_id)
    login(user)
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    assert "You are here" in html


def test_method_notes_and_history(client, voted, analysed):
    method = client.get("/c/camps/dashboard/method")
    assert method.status_code == 200
    for anchor in ("map", "groups", "broad", "divisive", "bridging", "uncertainty", "heatmaps"):
        assert f'id="{anchor}"' in method.get_data(as_text=True)
    history = client.get("/c/camps/dashboard/history")
    assert history.status_code == 200
    html = history.get_data(as_text=True)
    assert "Clause 1" in html and "Agreement over time" in html and "100%" in html


def test_dashboard_link_on_consultation_page(client, voted):
    assert "/c/camps/dashboard" in client.get("/c/camps").get_data(as_text=True)


def test_svg_escapes_text():
    from consult.reports import svg, svg_charts

    evil = '<script>alert("x")</script>'
    out = str(svg.opinion_map([(0.0, 0.0, 0)], [(0, evil, 1, [0.0, 0.0])], [(1.0, 1.0, evil)]))
    assert "<script>" not in out and "&lt;script&gt;" in out
    bars = str(svg_charts.agreement_bars([(evil, 0.5, 0.4, 0.6, 10)], evil))
    assert "<script>" not in bars
    heat = str(svg_charts.heatmap([evil], [evil], [[(0.7, 9)]], evil, lambda *a: evil))
    assert "<script>" not in heat and "70%" in heat


def test_clause_history_across_versions(client, db, voted, analysed):
    from consult.drafts.models import Clause
    from consult.moderation.models import ContributionResponse, Outcome

    first = db.session.scalars(sa.select(Clause).order_by(Clause.position)).first()
    version_id, _new = publish_version_two(db, voted, value=lambda p: 1 if p % 3 else -1)
    cid = voted.consultation.id
    db.session.add(
        ContributionResponse(
            consultation_id=cid,
            statement_id=voted.statement_ids[3],
            outcome=Outcome.ADOPTED,
            reason="Taken into clause 1.",
            version_id=version_id,
            clause_lineage_key=first.lineage_key,
        )
    )
    db.session.commit()
    snapshots.run_analysis(cid)

    html = client.get("/c/camps/dashboard/history").get_data(as_text=True)
    assert "Version 2" in html and "better" in html and "<ins>" in html
    assert "Taken into clause 1." in html
    assert 'class="figure-svg history"' in html and "version 2" in html
