"""The only code that stores and reads :class:`AnalysisSnapshot` rows.

A run (:func:`run_analysis`) reads the votes, analyses them, encodes the result with
:mod:`consult.analysis.codec` and stores it, OK or FAILED. Readers ask for the latest OK
run, where the analysis stands (:func:`analysis_status`: a failure, a run in flight), a
run by id or the history, and read a run's figures through
:func:`view_of`: the typed :class:`~consult.reports.view_model.SnapshotView`, decoded
once per snapshot and kept in a small in-process cache.

Every run is of a population (:mod:`.populations`): "all" participants, and, paired with
it when some voted without an account, "accounts" only. Readers of "the latest run",
"the newest run" and the history read "all" unless they name the other.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import defer

from consult.database import write_transaction
from consult.errors import NotFound
from consult.extensions import db
from consult.jobs import in_flight, request_analysis
from consult.reports.analysis_run import analyse_into, new_snapshot, parameters
from consult.reports.models import AnalysisSnapshot, SnapshotStatus
from consult.reports.populations import ACCOUNTS_SNAPSHOT, PSEUDONYMOUS, Population
from consult.reports.view_decode import decode_view
from consult.reports.view_model import OutdatedSnapshot, SnapshotView

log = logging.getLogger(__name__)

CACHE_SIZE = 16


def _runs(consultation_id: int, population: str = "all"):
    """Where-clauses for one consultation's runs of one population. Every reader names
    it: "all" unless it asks for the accounts-only runs (:mod:`.populations`)."""
    return (
        AnalysisSnapshot.consultation_id == consultation_id,
        AnalysisSnapshot.population == population,
    )


def _ok(consultation_id: int, population: str = "all"):
    return sa.select(AnalysisSnapshot).where(
        *_runs(consultation_id, population), AnalysisSnapshot.status == SnapshotStatus.OK
    )


def latest_ok(
    consultation_id: int, with_result: bool = True, population: str = "all"
) -> AnalysisSnapshot | None:
    """The newest OK run (of all participants unless ``population`` says otherwise);
    without ``with_result`` its (large) result is not loaded."""
    query = _ok(consultation_id, population).order_by(AnalysisSnapshot.id.desc()).limit(1)
    if not with_result:
        query = query.options(defer(AnalysisSnapshot.stored_result))
    return db.session.scalar(query)


def latest_ok_id(consultation_id: int) -> int | None:
    """The newest OK run's id (of all participants), without loading it."""
    return db.session.scalar(
        sa.select(sa.func.max(AnalysisSnapshot.id)).where(
            *_runs(consultation_id), AnalysisSnapshot.status == SnapshotStatus.OK
        )
    )


def newest_run(consultation_id: int) -> AnalysisSnapshot | None:
    """The newest run of all participants, OK or not (its result not loaded)."""
    return db.session.scalar(
        sa.select(AnalysisSnapshot)
        .options(defer(AnalysisSnapshot.stored_result))
        .where(*_runs(consultation_id))
        .order_by(AnalysisSnapshot.id.desc())
        .limit(1)
    )


def history(consultation_id: int, max_points: int) -> list[AnalysisSnapshot]:
    """Up to ``max_points`` OK runs of all participants spread evenly over the whole
    history, oldest first (results not loaded: read them through :func:`view_of`)."""
    ids = db.session.scalars(
        sa.select(AnalysisSnapshot.id)
        .where(*_runs(consultation_id), AnalysisSnapshot.status == SnapshotStatus.OK)
        .order_by(AnalysisSnapshot.id)
    ).all()
    if len(ids) > max_points:
        step = (len(ids) - 1) / (max_points - 1)
        ids = sorted({ids[round(i * step)] for i in range(max_points)})
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(AnalysisSnapshot)
            .options(defer(AnalysisSnapshot.stored_result))
            .where(AnalysisSnapshot.id.in_(ids))
            .order_by(AnalysisSnapshot.id)
        )
    )


def get_snapshot(consultation_id: int, snapshot_id: int) -> AnalysisSnapshot:
    """One run of the consultation; NotFound for another consultation's or none."""
    snapshot = db.session.get(AnalysisSnapshot, snapshot_id)
    if snapshot is None or snapshot.consultation_id != consultation_id:
        raise NotFound(_("There is no such analysis for this consultation."))
    return snapshot


# --- the typed view, decoded once per snapshot ----------------------------------------

_cache: OrderedDict[tuple, SnapshotView] = OrderedDict()
_cache_lock = threading.Lock()


def view_of(snapshot: AnalysisSnapshot) -> SnapshotView:
    """The snapshot's figures as a :class:`SnapshotView`, decoded once per snapshot.

    Keyed by database, id and creation time (test databases reuse ids). A snapshot's
    result never changes once stored, so entries never go stale; the least recently
    used one leaves when the cache is full.
    """
    key = (str(db.engine.url), snapshot.id, snapshot.created_at)
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    # Outside the lock: decoding may take a while. The arrays are read as arrays.
    view = decode_view(snapshot.stored_result, snapshot.arrays, snapshot.routing)
    with _cache_lock:
        _cache[key] = view
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return view


def routing_priorities(consultation_id: int) -> dict[int, float]:
    """Routing priorities (polis-math section 10) of the latest OK run; {} without one,
    or when it was stored in an older format (voting never waits for a re-run).

    Read from their own column (a few KB), never the whole result; a run stored before
    that column existed is read through its decoded view instead."""
    row = db.session.execute(
        _ok(consultation_id)
        .with_only_columns(AnalysisSnapshot.id, AnalysisSnapshot.routing)
        .order_by(AnalysisSnapshot.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return {}
    if row.routing is not None:
        return {int(s): float(p) for s, p in row.routing.items()}
    try:
        return dict(view_of(db.session.get(AnalysisSnapshot, row.id)).routing)
    except OutdatedSnapshot:
        return {}


# --- where the analysis stands --------------------------------------------------------


@dataclass(frozen=True)
class AnalysisStatus:
    """What a reader is told about the analysis beside the current vote count.

    ``snapshot``: the latest OK run (result not loaded) or None; ``computing``: a run is
    in flight, or votes exist that no run has seen yet (one has been asked for);
    ``failure``: the newest run, when it failed.
    """

    snapshot: AnalysisSnapshot | None
    computing: bool
    failure: AnalysisSnapshot | None


def analysis_status(consultation_id: int, has_votes: bool) -> AnalysisStatus:
    """The latest OK run and whether a newer one is being computed.

    With votes but no OK run, and no run that saw the newest vote (a restart lost the
    request, or votes were imported), a run is requested here, so "being computed" is true.
    """
    from consult.reports.adapter import last_vote_event_id

    snapshot = latest_ok(consultation_id, with_result=False)
    newest = newest_run(consultation_id)
    failure = newest if newest is not None and newest.status is SnapshotStatus.FAILED else None
    running = in_flight(consultation_id)
    computing = running
    if has_votes and not running:
        mark = last_vote_event_id(consultation_id)
        unseen = newest is None or (newest.last_vote_event_id or 0) < (mark or 0)
        if unseen and snapshot is None:
            request_analysis(consultation_id)
        computing = unseen
    return AnalysisStatus(snapshot, computing, failure)


# --- running ---------------------------------------------------------------------------


def run_analysis(consultation_id: int, skip_if_current: bool = False) -> AnalysisSnapshot:
    """Analyse the consultation's votes now and store the run (OK or FAILED) as a snapshot.

    A failed run is logged and stored with its error, never raised; the last OK snapshot
    stays the one the site shows. With ``skip_if_current`` (background runs), nothing is
    done when the last OK snapshot already saw the newest vote event and the statements
    moderated out or meta now.

    When some voters took part without an account, the account holders' votes, cut from
    the same read, are analysed too and stored first as the "accounts" run, which the
    returned "all" run names (:mod:`.populations`); without such voters there is no
    second run, so the cost doubles only where the comparison means something.
    """
    from consult.analysis import codec
    from consult.reports import languages, populations
    from consult.reports.adapter import last_vote_event_id, read_input, statement_table

    if skip_if_current:
        latest = latest_ok(consultation_id)
        # A run stored in an older format is not current whatever it saw: the dashboard
        # asks for a fresh run to replace it, and skipping would leave it "being computed".
        if (
            latest is not None
            and (latest.stored_result or {}).get("format") == codec.FORMAT
            and latest.last_vote_event_id == last_vote_event_id(consultation_id)
        ):
            ids, flags = statement_table(consultation_id)
            if view_of(latest).excluded == frozenset(ids[flags.excluded].tolist()):
                db.session.rollback()
                return latest
    params = parameters(current_app)
    snapshot = new_snapshot(consultation_id, params, Population.ALL)
    accounts = spoken = None

    def read_everyone():
        nonlocal accounts, spoken
        data = read_input(consultation_id)
        accounts = populations.account_participant_ids(consultation_id)  # same transaction
        snapshot.parameters[PSEUDONYMOUS] = populations.pseudonymous_count(data, accounts)
        spoken = languages.participant_languages(consultation_id)
        snapshot.parameters[languages.LANGUAGES] = languages.breakdown(data, spoken)
        return data

    data = analyse_into(snapshot, read_everyone, params)
    twin = None
    if snapshot.status is SnapshotStatus.OK and snapshot.parameters[PSEUDONYMOUS]:
        twin = new_snapshot(consultation_id, params, Population.ACCOUNTS)
        cut = analyse_into(twin, lambda: populations.accounts_only(data, accounts), params)
        if cut is not None:
            twin.parameters[languages.LANGUAGES] = languages.breakdown(cut, spoken)
    # End the read transaction first: on SQLite a read that turns into a write fails if
    # someone voted meanwhile, while a fresh BEGIN IMMEDIATE queues for the lock.
    db.session.rollback()
    with write_transaction():
        if twin is not None:
            db.session.add(twin)
            db.session.flush()
            if twin.status is SnapshotStatus.OK:
                snapshot.parameters[ACCOUNTS_SNAPSHOT] = twin.id
        db.session.add(snapshot)
    return snapshot
