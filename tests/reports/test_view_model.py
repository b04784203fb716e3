"""The typed view of a snapshot: decoded once, loud about a missing key, and what the
dashboard lists from it (current draft only, not-assessable statements named)."""

from __future__ import annotations

import copy
import re

import pytest

from consult.reports import dashboard_cache, snapshots, view_model
from consult.reports.view_decode import decode_view
from tests.reports.conftest import publish_version_two

HX = {"HX-Request": "true"}


def test_decodes_a_stored_run(voted, analysed):
    view = decode_view(analysed.result)
    assert view.k == 2 and sorted(g.size for g in view.groups) == [20, 20]
    assert set(view.statement_ids) == set(voted.statement_ids)
    assert view.min_voters == 5
    top = view.broad[0]
    assert top.statement_id == voted.clause_ids[0]
    families = {f.family for f in top.segments}
    assert families >= {"overall", "group", "sector", "region", "income_group"}
    assert all(f.voters >= view.min_voters and f.lower <= f.rate <= f.upper for f in top.segments)
    overall = view.overall(voted.clause_ids[0])
    assert overall.voters == 40 and overall.rate == 1.0
    assert view.totals[voted.clause_ids[1]].passed == 40  # everyone passed on clause 2
    assert set(view.routing) == set(voted.statement_ids)


@pytest.mark.parametrize(
    "path",
    [
        ("participants",),
        ("tallies",),
        ("beyond", "broad_agreement"),
        ("beyond", "not_assessable"),
        ("beyond", "agreement"),
    ],
)
def test_a_renamed_key_raises(analysed, path):
    data = copy.deepcopy(analysed.result)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1] + "_renamed"] = parent.pop(path[-1])
    with pytest.raises(view_model.ViewDecodeError, match=path[-1]):
        decode_view(data)


def test_a_renamed_key_inside_an_entry_raises(analysed):
    data = copy.deepcopy(analysed.result)
    entry = data["beyond"]["broad_agreement"][0]
    entry["segment_figures"] = entry.pop("segments")
    with pytest.raises(view_model.ViewDecodeError, match="segments"):
        decode_view(data)


def test_the_view_reads_the_codecs_format():
    from consult.analysis import codec

    assert view_model.FORMAT == codec.FORMAT


def test_an_older_format_is_a_409_that_says_so(analysed):
    with pytest.raises(view_model.OutdatedSnapshot) as raised:
        decode_view({**analysed.result, "format": 1})
    assert raised.value.status == 409 and "recomputed" in raised.value.message


def test_the_view_is_decoded_once_per_snapshot(client, voted, analysed, monkeypatch):
    calls = []
    real = snapshots.decode_view

    def counting(*stored):
        calls.append(1)
        return real(*stored)

    monkeypatch.setattr(snapshots, "decode_view", counting)
    snapshots._cache.clear()
    for _ in range(3):
        assert client.get("/c/camps/dashboard").status_code == 200
    assert len(calls) == 1


def test_an_outdated_snapshot_shows_being_computed(client, db, voted, analysed):
    from consult.participation.flow import routing_priorities

    analysed.result = {**analysed.result, "format": 1}
    db.session.commit()
    snapshots._cache.clear()
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    assert "being computed" in html and "Opinion map" not in html
    assert routing_priorities(voted.consultation) == {}  # voting goes on, unrouted


def test_not_assessable_statements_are_named_with_the_thin_segment(app, client, voted, monkeypatch):
    # A floor of 8: each of the six regions has 6 or 7 voters, so nothing can be judged.
    app.config["ANALYSIS_MIN_VOTERS"] = 8
    snapshot = snapshots.run_analysis(voted.consultation.id)
    view = decode_view(snapshot.result)
    assert not view.broad
    thin = {e.statement_id: e for e in view.not_assessable}
    assert voted.clause_ids[0] in thin
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    assert "Too few voters to judge" in html
    assert re.search(
        r"Not enough voters in [^<]*East Asia &amp; Pacific \(n=7\)[^<]* to judge", html
    )
    assert "No statement is agreed across every group" in html
    assert view.holdouts and "Held out by" not in html  # not "close": too thin to judge
    # Past a dozen they are counted, not dropped.
    assert html.count("Not enough voters in") == len(voted.statement_ids) == 12
    monkeypatch.setattr("consult.reports.dashboard.THIN", 3)
    dashboard_cache.clear()  # built again with the new constant
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    assert html.count("Not enough voters in") == 3
    assert "9 more statements are too thinly voted to judge" in html


def test_superseded_clause_wording_is_left_to_clause_history(client, db, voted, analysed):
    _version, new_id = publish_version_two(db, voted)
    snapshot = snapshots.run_analysis(voted.consultation.id)
    view = decode_view(snapshot.result)
    old_id = voted.clause_ids[0]
    assert old_id in [e.statement_id for e in view.broad]  # the engine still ranks it
    html = client.get("/c/camps/dashboard").get_data(as_text=True)
    assert "(version 1)" not in html and "First clause, better." in html
    # Heatmaps show the current wording's figures, not a dash.
    heat = html[html.index('id="heat-sector-heading"') :]
    assert "Clause 1" in heat and "100% <span" in heat
    # The dashboard counts what it lists: 2 current clauses and 10 statements.
    count = re.search(r"<dt>Statements</dt><dd>(\d+)</dd>", html)
    assert count and int(count.group(1)) == 12
    history = client.get("/c/camps/dashboard/history").get_data(as_text=True)
    assert "Version 2" in history and "First clause, better." in history
    assert new_id in decode_view(snapshot.result).statement_ids


def test_history_restore_gets_the_whole_page(client, voted, analysed):
    restore = client.get("/c/camps/dashboard", headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)
    assert "HX-Request" in restore.headers["Vary"]


def test_errors_vary_on_htmx(client, voted):
    plain = client.get("/c/nope/dashboard")
    fragment = client.get("/c/nope/dashboard", headers=HX)
    assert plain.status_code == fragment.status_code == 404
    assert "<html" in plain.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    assert fragment.headers["HX-Retarget"] == "#htmx-messages"
    assert "HX-Request" in plain.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]
