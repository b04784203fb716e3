"""Pages that do not grow with the consultation (issue 16, item 2): snapshots stored apart
(compact arrays, routing priorities alone), the dashboard's page model cached per snapshot
(same page as uncached, never stale), and the opinion map as a density."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import numpy as np
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from consult.reports import (
    dashboard,
    dashboard_cache,
    dashboard_figures,
    snapshot_arrays,
    snapshots,
    svg_map,
)
from consult.reports.models import AnalysisSnapshot
from consult.reports.view_decode import decode_view
from consult.reports.view_model import FORMAT, ParticipantMap
from tests.conftest import PASSWORD, post_form

FRESHNESS = re.compile(r'<p class="freshness".*?</p>', re.S)
CSRF = re.compile(r'(csrf_token" value="|X-CSRFToken": ")[^"]*')


def _clear_caches():
    snapshots._cache.clear()
    dashboard_cache.clear()


def _page(client, url="/c/camps/dashboard") -> str:
    response = client.get(url)
    assert response.status_code == 200
    # The age of the run ("computed 3 seconds ago") and the CSRF token's timestamp are
    # the parts that move by themselves.
    return CSRF.sub("", FRESHNESS.sub("", response.get_data(as_text=True)))


# --- compact arrays --------------------------------------------------------------------

coordinates = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False, width=64))


@st.composite
def codec_dicts(draw):
    n = draw(st.integers(0, 40))
    ids = draw(st.lists(st.integers(-(2**62), 2**62), min_size=n, max_size=n))
    projections = draw(st.lists(st.tuples(coordinates, coordinates), min_size=n, max_size=n))
    groups = draw(st.lists(st.integers(-1, 6), min_size=n, max_size=n))
    k = draw(st.integers(0, n))
    return {
        "format": FORMAT,
        "k": 2,
        "participants": {
            "ids": ids,
            "projections": [list(p) for p in projections],
            "groups": groups,
        },
        "state": {
            "components": [[0.5, 0.25]],
            "in_conv_ids": ids[:k],
            "in_conv_groups": groups[:k],
        },
        "routing": {str(s): draw(st.floats(0, 10)) for s in range(draw(st.integers(0, 5)))},
    }


@settings(max_examples=60, deadline=None)
@given(codec_dicts())
def test_compact_arrays_round_trip_exactly(result):
    stored, blob, routing = snapshot_arrays.split(result)
    # What the database gives back: the JSON parts through JSON, the arrays as bytes.
    stored, routing = json.loads(json.dumps(stored)), json.loads(json.dumps(routing))
    assert "ids" not in stored["participants"] and "routing" not in stored
    assert snapshot_arrays.join(stored, bytes(blob), routing) == result


@settings(max_examples=40, deadline=None)
@given(hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=30)))
def test_packed_arrays_keep_every_bit(array):
    back = snapshot_arrays.unpack(snapshot_arrays.pack({"a": array}))["a"]
    assert back.dtype == array.dtype and back.shape == array.shape
    assert back.tobytes() == array.tobytes()  # NaN payloads and -0.0 included


def test_other_formats_and_failures_are_stored_whole():
    old = {"format": FORMAT - 1, "participants": {"ids": [1]}, "routing": {"1": 1.0}}
    assert snapshot_arrays.split(old) == (old, None, None)
    assert snapshot_arrays.split(None) == (None, None, None)
    assert snapshot_arrays.join(old, None, None) is old


def test_a_run_stores_its_arrays_apart(db, voted, analysed):
    row = db.session.execute(
        sa.select(AnalysisSnapshot.stored_result, AnalysisSnapshot.arrays).where(
            AnalysisSnapshot.id == analysed.id
        )
    ).one()
    assert set(row.stored_result["participants"]) == set()  # all moved to the arrays
    assert "in_conv_ids" not in row.stored_result["state"]
    assert "routing" not in row.stored_result
    arrays = snapshot_arrays.unpack(row.arrays)
    assert sorted(arrays["participants.ids"].tolist()) == sorted(voted.participant_ids)
    whole = analysed.result  # the codec's dict, joined
    assert whole["participants"]["ids"] == arrays["participants.ids"].tolist()
    assert set(whole["routing"]) == {str(s) for s in voted.statement_ids}
    view = decode_view(row.stored_result, row.arrays, analysed.routing)
    from_json = decode_view(whole)
    assert np.array_equal(view.participants.ids, from_json.participants.ids)
    assert np.array_equal(view.participants.projections, from_json.participants.projections)
    assert view.routing == from_json.routing


def test_the_vote_flow_reads_the_priorities_alone(db, voted, analysed, monkeypatch):
    from consult.participation.flow import routing_priorities

    _clear_caches()
    monkeypatch.setattr(snapshots, "decode_view", pytest.fail)  # the whole result: never
    priorities = routing_priorities(voted.consultation)
    assert priorities == {int(s): p for s, p in analysed.routing.items()}
    assert set(priorities) == set(voted.statement_ids)


def test_a_snapshot_stored_the_old_way_still_reads(client, db, voted, analysed):
    """Stored before migration 0013: everything in the JSON, no arrays, no routing column.
    It is read as it is (not re-run): same page, same priorities."""
    from consult.participation.flow import routing_priorities

    _clear_caches()
    new_way = _page(client)
    priorities = routing_priorities(voted.consultation)
    whole = analysed.result
    db.session.execute(
        sa.update(AnalysisSnapshot)
        .where(AnalysisSnapshot.id == analysed.id)
        .values(stored_result=whole, arrays=None, routing=None)
    )
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(AnalysisSnapshot, analysed.id).arrays is None
    _clear_caches()
    assert _page(client) == new_way
    assert routing_priorities(voted.consultation) == priorities
    assert snapshots.latest_ok(voted.consultation.id).id == analysed.id  # no new run


# --- the dashboard's cached page model -------------------------------------------------


def test_the_cached_page_is_the_uncached_page(client, voted, analysed, monkeypatch):
    _clear_caches()
    builds = []
    real = dashboard.build
    monkeypatch.setattr(dashboard, "build", lambda *a, **k: builds.append(1) or real(*a, **k))
    uncached = _page(client)
    cached = _page(client)
    assert builds == [1]
    assert cached == uncached
    assert "Opinion map" in cached and "Broad agreement" in cached


def test_a_new_snapshot_replaces_the_cached_page(client, db, voted, analysed):
    from consult.consultations.models import Participant
    from consult.participation.models import Vote, VoteEvent

    _clear_caches()
    before = _page(client)
    first = snapshots.view_of(analysed)
    assert f"among {first.n_clustered} clustered participants" in before
    # Twelve more voters in camp A: the next run clusters more people.
    rows = []
    for _ in range(12):
        participant = Participant(consultation_id=voted.consultation.id)
        db.session.add(participant)
        db.session.flush()
        for sid in voted.statement_ids:
            rows.append((participant.id, sid, 1))
    for model in (Vote, VoteEvent):
        db.session.execute(
            sa.insert(model),
            [
                {"consultation_id": voted.consultation.id, "participant_id": p}
                | {"statement_id": s, "value": v}
                for p, s, v in rows
            ],
        )
    db.session.commit()
    second = snapshots.run_analysis(voted.consultation.id)
    assert second.id != analysed.id
    after_view = snapshots.view_of(second)
    assert after_view.n_clustered > first.n_clustered
    after = _page(client)
    assert f"among {after_view.n_clustered} clustered participants" in after
    assert f"among {first.n_clustered} clustered participants" not in after


def test_a_moderated_statement_leaves_the_cached_page(client, db, voted, analysed):
    from consult.participation.models import ModerationState, Statement

    _clear_caches()
    statement = db.session.get(Statement, voted.statement_ids[2])
    before = _page(client)
    assert statement.text.startswith("Statement number 0 ") and "Statement number 0 " in before
    listed_before = before.count("Statement number")
    statement.moderation_state = ModerationState.REJECTED
    db.session.commit()
    after = _page(client)
    assert after.count("Statement number") < listed_before
    assert "Statement number 0 " not in after


# --- the opinion map as a density -------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(1, 300), elements=st.floats(0, 640)),
    st.floats(2, 20),
)
def test_hexagonal_bins_hold_each_point_once_in_its_own_hexagon(xs, radius):
    ys = xs[::-1].copy()
    groups = (np.arange(len(xs)) % 3) - 1
    bins = svg_map.hex_bins(xs, ys, groups, radius)
    assert sum(b.count for b in bins) == len(xs)
    centres = np.array([(b.x, b.y) for b in bins])
    for x, y in zip(xs, ys, strict=True):
        distances = np.hypot(centres[:, 0] - x, centres[:, 1] - y)
        # Inside its hexagon: within the circumradius of the nearest centre.
        assert distances.min() <= radius + 1e-6


def _crowd(view, n: int, seed: int = 0):
    """``view`` with ``n`` participants spread around its groups' centres."""
    rng = np.random.default_rng(seed)
    centres = np.array([g.centre for g in view.groups])
    groups = np.array([g.id for g in view.groups])[rng.integers(0, len(centres), n)]
    index = {g.id: i for i, g in enumerate(view.groups)}
    xy = centres[[index[g] for g in groups]] + rng.normal(0, 0.3, (n, 2))
    xy[:7] = np.nan  # some voted too little to be placed
    groups[7:20] = -1  # some are in no group yet
    ids = np.arange(1_000_000, 1_000_000 + n, dtype=np.int64)
    return replace(view, participants=ParticipantMap(ids, xy, groups)), ids


def test_the_density_counts_everyone_placed_and_the_own_mark_is_exact(app, db, voted, analysed):
    from consult.reports.labels import statement_infos

    view, ids = _crowd(snapshots.view_of(analysed), 6_000)
    shown = dashboard.listed(statement_infos(voted.consultation.id))
    you = int(ids[123])
    drawn = dashboard_figures.opinion_map(view, shown, you)
    assert drawn["density"] and drawn["placed"] == 6_000 - 7
    assert drawn["binned"] == drawn["placed"]  # the bins' totals are the participants
    svg = str(drawn["svg"])
    marks = svg[svg.index('class="map-marks"') :]
    marks = marks[: marks.index("</g>")]
    assert marks.count("M") == drawn["bins"] < 1_200  # hexagons, not 6,000 marks
    assert "<circle" not in marks
    x, y = view.participants.projections[123]
    frame = drawn["frame"]
    assert drawn["you"] and drawn["you_at"] == (x, y)
    assert f'<circle cx="{frame.sx(x):.1f}" cy="{frame.sy(y):.1f}" r="8"' in svg
    assert len(svg) < 150_000
    # Someone not placed gets no mark; nor does a stranger.
    assert not dashboard_figures.opinion_map(view, shown, int(ids[3]))["you"]
    assert not dashboard_figures.opinion_map(view, shown, 42)["you"]


def test_a_small_map_draws_each_participant(app, db, voted, analysed):
    from consult.reports.labels import statement_infos

    view = snapshots.view_of(analysed)
    shown = dashboard.listed(statement_infos(voted.consultation.id))
    drawn = dashboard_figures.opinion_map(view, shown, None)
    assert not drawn["density"] and drawn["placed"] == len(voted.participant_ids)


def test_the_dashboard_says_what_the_density_shows(client, voted, analysed, monkeypatch):
    monkeypatch.setattr(dashboard_figures, "MAP_POINTS", 10)
    _clear_caches()
    html = _page(client)
    assert "the map shows where they sit rather than each one" in html
    assert "Participants in that area: darker, more" in html
    assert 'class="map-marks"' in html and 'fill-opacity="' in html


def test_the_own_mark_is_per_reader_on_the_cached_page(app, client, db, voted, analysed):
    """One cached page, three readers: a visitor, then two voters each ringed at their own
    place (where the map's frame puts them), then the visitor again with no ring."""
    from consult.auth.models import User
    from consult.consultations.models import Participant

    _clear_caches()
    view = snapshots.view_of(analysed)
    anonymous = client  # (the fixture makes every test client an isolated one)
    assert "You are here" not in _page(anonymous)
    for index in (0, 1):
        reader = app.test_client()
        participant = db.session.get(Participant, voted.participant_ids[index])
        email = db.session.get(User, participant.user_id).email
        assert (
            post_form(reader, "/login", {"email": email, "password": PASSWORD}).status_code == 302
        )
        html = _page(reader)
        assert html.count('class="map-you"') == 1
        ring = re.search(
            r'<g class="map-you"><title >You are here</title><circle cx="([-\d.]+)" cy="([-\d.]+)"',
            html,
        )
        assert ring, "the reader's own mark"
        (_stamp, cached), *others = dashboard_cache._pages.entries.values()
        assert not others  # one page served every reader
        frame = cached["map"]["frame"]
        at = np.flatnonzero(view.participants.ids == participant.id)[0]
        x, y = view.participants.projections[at]
        assert ring.groups() == (f"{frame.sx(x):.1f}", f"{frame.sy(y):.1f}")
    assert "You are here" not in _page(anonymous)


def test_the_overview_counts_a_new_vote_at_once(client, db, voted, analysed):
    from consult.participation.models import Vote, VoteEvent

    _clear_caches()
    before = client.get("/c/camps/dashboard").get_data(as_text=True)
    assert f"<dd>{voted.n_votes:,}</dd>" in before
    voted_pairs = set(db.session.execute(sa.select(Vote.participant_id, Vote.statement_id)).all())
    participant, statement = next(
        (p, s)
        for p in voted.participant_ids
        for s in voted.statement_ids
        if (p, s) not in voted_pairs
    )
    row = {
        "consultation_id": voted.consultation.id,
        "participant_id": participant,
        "statement_id": statement,
        "value": 1,
    }
    db.session.execute(sa.insert(Vote), [row])
    db.session.execute(sa.insert(VoteEvent), [row])
    db.session.commit()
    after = client.get("/c/camps/dashboard").get_data(as_text=True)
    assert f"<dd>{voted.n_votes + 1:,}</dd>" in after
