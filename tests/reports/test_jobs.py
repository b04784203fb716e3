"""Analysis jobs: snapshots, debouncing, failures, warm starts, ``flask analyse``."""

from __future__ import annotations

import threading
import time

import numpy as np
import sqlalchemy as sa

from consult import jobs
from consult.reports import snapshots
from consult.reports.models import AnalysisSnapshot, SnapshotStatus


def _snapshots(db, consultation_id):
    return db.session.scalars(
        sa.select(AnalysisSnapshot)
        .where(AnalysisSnapshot.consultation_id == consultation_id)
        .order_by(AnalysisSnapshot.id)
    ).all()


def test_run_stores_a_snapshot_with_what_it_saw(db, voted):
    from consult.participation.models import VoteEvent

    snapshot = snapshots.run_analysis(voted.consultation.id)
    assert snapshot.status is SnapshotStatus.OK, snapshot.error
    assert snapshot.n_votes == voted.n_votes
    assert snapshot.n_participants == 40
    assert snapshot.last_vote_event_id == db.session.scalar(sa.select(sa.func.max(VoteEvent.id)))
    params = snapshot.parameters
    assert params["random_state"] == 0 and "consult_version" in params
    assert params["min_voters"] == 5  # the tests' floor, recorded for a re-run
    result = snapshot.result
    assert result["format"] == 2 and "structure_p_value" in result
    assert result["k"] == 2
    assert sorted(g["size"] for g in result["groups"]) == [20, 20]
    assert set(result["routing"]) == {str(s) for s in voted.statement_ids}
    assert voted.clause_ids[0] in result["consensus"]["agree"]
    broad = [b["statement_id"] for b in result["beyond"]["broad_agreement"]]
    assert voted.clause_ids[0] in broad
    # Stored JSON is plain: it survives a round trip through the database.
    db.session.expire_all()
    assert db.session.get(AnalysisSnapshot, snapshot.id).result["k"] == 2


def test_routing_priorities_come_from_the_latest_snapshot(db, voted):
    from consult.participation.flow import routing_priorities

    snapshots.run_analysis(voted.consultation.id)
    priorities = routing_priorities(voted.consultation)
    assert set(priorities) == set(voted.statement_ids)
    assert all(p > 0 for p in priorities.values())


def test_no_votes_is_a_failed_run_with_a_reason(db, make_consultation):
    consultation = make_consultation(slug="empty")
    snapshot = snapshots.run_analysis(consultation.id)
    assert snapshot.status is SnapshotStatus.FAILED
    assert "no votes" in snapshot.error


def test_a_failure_keeps_the_previous_snapshot(db, voted, monkeypatch, caplog):
    from consult.participation.flow import routing_priorities

    good = snapshots.run_analysis(voted.consultation.id)

    def broken(*args, **kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr("consult.analysis.analyse", broken)
    failed = snapshots.run_analysis(voted.consultation.id)
    assert failed.status is SnapshotStatus.FAILED
    assert "engine exploded" in failed.error
    assert "engine exploded" in caplog.text
    assert snapshots.latest_ok(voted.consultation.id).id == good.id
    assert routing_priorities(voted.consultation)  # still from the good run


def _labels(snapshot) -> dict[int, int]:
    people = snapshot.result["participants"]
    return dict(zip(people["ids"], people["groups"], strict=True))


def test_warm_start_keeps_group_labels(db, voted):
    first = snapshots.run_analysis(voted.consultation.id)
    cold = _labels(first)
    # Pretend the previous run had numbered the groups the other way round: a warm start
    # must keep that numbering, not the one a cold run would choose.
    result = dict(first.result)
    state = dict(result["state"])
    state["in_conv_groups"] = [1 - g for g in state["in_conv_groups"]]
    result["state"] = state
    first.result = result
    db.session.commit()
    second = snapshots.run_analysis(voted.consultation.id)
    assert second.parameters["warm_start_from"] == first.id
    warm = _labels(second)
    assert all(warm[p] == 1 - g for p, g in cold.items() if g >= 0)
    assert sorted(g["size"] for g in second.result["groups"]) == [20, 20]


def test_history_is_kept(db, voted):
    for _ in range(3):
        snapshots.run_analysis(voted.consultation.id)
    assert len(_snapshots(db, voted.consultation.id)) == 3


def test_requests_while_a_run_is_in_flight_give_one_more_run(app, db, voted, monkeypatch):
    app.config.update(
        ANALYSIS_MODE="thread", ANALYSIS_DEBOUNCE_SECONDS=0, ANALYSIS_MIN_INTERVAL_SECONDS=0
    )
    started = threading.Event()
    release = threading.Event()
    calls = []

    def slow_run(app, consultation_id):
        calls.append(consultation_id)
        started.set()
        release.wait(10)

    monkeypatch.setattr(jobs, "run_in_child_process", slow_run)
    cid = voted.consultation.id
    jobs.request_analysis(cid)
    assert started.wait(10)
    jobs.request_analysis(cid)
    jobs.request_analysis(cid)
    release.set()
    assert jobs.wait_idle(cid, timeout=10)
    assert calls == [cid, cid]


def test_runs_are_spaced_and_wait_for_another_process(app, db, voted, monkeypatch):
    """A process that finds the lock held (another gunicorn worker analysing) does not run
    alongside it, retries after the minimum interval, and then runs once."""
    import fcntl
    from pathlib import Path

    app.config.update(
        ANALYSIS_MODE="thread", ANALYSIS_DEBOUNCE_SECONDS=0, ANALYSIS_MIN_INTERVAL_SECONDS=0.3
    )
    calls = []
    monkeypatch.setattr(
        jobs, "run_in_child_process", lambda app, cid: calls.append(time.monotonic())
    )
    cid = voted.consultation.id
    lock_path = Path(app.config["INSTANCE_PATH"]) / f"analysis-{cid}.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as other_process:
        fcntl.flock(other_process, fcntl.LOCK_EX)
        jobs.request_analysis(cid)
        time.sleep(0.5)
        assert calls == [], "no run while another process holds the lock"
        fcntl.flock(other_process, fcntl.LOCK_UN)
    assert jobs.wait_idle(cid, timeout=10)
    assert len(calls) == 1


def test_thread_mode_stores_a_snapshot(app, db, voted):
    app.config.update(
        ANALYSIS_MODE="thread", ANALYSIS_DEBOUNCE_SECONDS=0, ANALYSIS_MIN_INTERVAL_SECONDS=0
    )
    jobs.request_analysis(voted.consultation.id)
    assert jobs.wait_idle(voted.consultation.id, timeout=30)
    db.session.commit()
    assert [s.status for s in _snapshots(db, voted.consultation.id)] == [SnapshotStatus.OK]


def test_a_vote_requests_an_analysis(app, db, voted, make_user, login, client):
    from tests.conftest import post_form

    app.config.update(ANALYSIS_MODE="inline")
    login(make_user("new@example.org"))
    slug = voted.consultation.slug
    response = post_form(
        client,
        f"/c/{slug}/statements/{voted.clause_ids[0]}/vote",
        {"choice": "agree"},
        page=f"/c/{slug}/vote",
    )
    assert response.status_code in (200, 302, 303)
    db.session.commit()
    snapshots = _snapshots(db, voted.consultation.id)
    assert len(snapshots) == 1 and snapshots[0].n_votes == voted.n_votes + 1


def test_mode_defaults(app):
    assert jobs.analysis_mode(app) == "off"  # under TESTING, unless asked
    app.config["ANALYSIS_MODE"] = "inline"
    assert jobs.analysis_mode(app) == "inline"


def test_flask_analyse(runner, voted):
    result = runner.invoke(args=["analyse", "camps"])
    assert result.exit_code == 0, result.output
    assert "Snapshot" in result.output and f"{voted.n_votes} votes" in result.output
    missing = runner.invoke(args=["analyse", "nope"])
    assert missing.exit_code != 0 and "nope" in missing.output


def test_adapter_reads_votes_into_arrays(db, voted):
    from consult.reports.adapter import read_input

    data = read_input(voted.consultation.id)
    assert data.votes.shape == (40, 12)
    assert data.votes.n_votes == voted.n_votes
    assert set(np.unique(data.votes.values).tolist()) == {-1, 0, 1}
    assert set(data.attributes.sector.tolist()) >= {"government", "academia"}
    assert None not in data.attributes.region.tolist()


def test_adapter_matrix_equals_from_triples(db, voted):
    from consult.analysis import VoteMatrix
    from consult.reports.adapter import read_input, read_vote_arrays

    data = read_input(voted.consultation.id)
    p, s, v = read_vote_arrays(voted.consultation.id)
    expected = VoteMatrix.from_triples(p, s, v, statement_ids=data.votes.statement_ids)
    for name in ("participant_ids", "statement_ids", "rows", "cols", "values"):
        assert np.array_equal(getattr(data.votes, name), getattr(expected, name)), name


def test_background_runs_skip_when_nothing_is_new(db, voted):
    first = snapshots.run_analysis(voted.consultation.id)
    again = snapshots.run_analysis(voted.consultation.id, skip_if_current=True)
    assert again.id == first.id
    assert len(_snapshots(db, voted.consultation.id)) == 1


def test_background_runs_replace_a_snapshot_of_an_older_format(db, voted):
    """The dashboard asks for a run when the latest is outdated; with no new vote the
    background run must still replace it, or the page says "being computed" forever."""
    first = snapshots.run_analysis(voted.consultation.id)
    first.result = {**first.result, "format": 1}
    db.session.commit()
    again = snapshots.run_analysis(voted.consultation.id, skip_if_current=True)
    assert again.id != first.id and again.status is SnapshotStatus.OK
    assert again.result["format"] == 2


def test_jobs_imports_no_service_and_no_app_factory():
    """Scheduling names the run and the app factory by dotted path: no import cycle
    app -> views -> votes -> jobs -> app."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(jobs.__file__).read_text())
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {m for m in imported if m and m.startswith(("consult.app", "consult.reports"))}
    assert jobs.resolve(jobs.RUN) is snapshots.run_analysis


def test_in_flight_follows_the_thread(app, db, voted, monkeypatch):
    app.config.update(
        ANALYSIS_MODE="thread", ANALYSIS_DEBOUNCE_SECONDS=0, ANALYSIS_MIN_INTERVAL_SECONDS=0
    )
    started, release = threading.Event(), threading.Event()

    def slow_run(app, consultation_id):
        started.set()
        release.wait(10)

    monkeypatch.setattr(jobs, "run_in_child_process", slow_run)
    cid = voted.consultation.id
    assert not jobs.in_flight(cid)
    jobs.request_analysis(cid)
    assert started.wait(10)
    assert jobs.in_flight(cid)
    release.set()
    assert jobs.wait_idle(cid, timeout=10)
    assert not jobs.in_flight(cid)


def test_a_snapshot_of_an_older_format_starts_the_next_run_cold(db, voted):
    first = snapshots.run_analysis(voted.consultation.id)
    first.result = {**first.result, "format": 1}
    db.session.commit()
    second = snapshots.run_analysis(voted.consultation.id)
    assert second.status is SnapshotStatus.OK
    assert second.parameters["warm_start_from"] is None


def test_moderating_a_statement_brings_a_fresh_run(app, db, voted, organiser):
    """A background run is current only while the votes *and* the moderation are; a
    comment is not in the analysis, so moderating one asks for nothing."""
    from consult.moderation import services as moderation
    from consult.participation.models import Comment, ModerationState, Stance

    cid, consultation = voted.consultation.id, voted.consultation
    first = snapshots.run_analysis(cid)
    assert snapshots.run_analysis(cid, skip_if_current=True).id == first.id  # nothing new
    statement = voted.statement_ids[4]
    moderation.moderate(organiser, consultation, "statement", statement, "meta", "approved")
    second = snapshots.run_analysis(cid, skip_if_current=True)  # as a background run does
    assert second.id != first.id and statement in snapshots.view_of(second).excluded

    comment = Comment(
        consultation_id=cid,
        statement_id=voted.statement_ids[5],
        stance=Stance.SUPPORT,
        body="Yes.",
        moderation_state=ModerationState.PENDING,
    )
    db.session.add(comment)
    db.session.commit()
    app.config["ANALYSIS_MODE"] = "inline"  # each request runs at once
    moderation.moderate(organiser, consultation, "comment", comment.id, "approve", "pending")
    assert len(_snapshots(db, cid)) == 2
    moderation.moderate(organiser, consultation, "statement", statement, "approve", "meta")
    runs = _snapshots(db, cid)
    assert len(runs) == 3 and statement not in snapshots.view_of(runs[-1]).excluded
