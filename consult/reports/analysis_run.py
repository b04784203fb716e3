"""How one analysis run is computed: its recorded parameters, the warm start from the
previous run of the same population, and an OK or FAILED snapshot (never an exception).

:func:`consult.reports.snapshots.run_analysis` reads the votes and stores the runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import consult
from consult.extensions import db
from consult.jobs import setting
from consult.reports.models import AnalysisSnapshot, SnapshotStatus

if TYPE_CHECKING:
    from consult.reports.adapter import AnalysisInput
    from consult.reports.populations import Population

log = logging.getLogger(__name__)


def parameters(app) -> dict:
    """The analysis parameters every run records (and a re-run needs to reproduce it).

    Settings (app config, else environment): ``ANALYSIS_SEED`` (0), ``ANALYSIS_THRESHOLD``
    (0.6), ``ANALYSIS_BOOTSTRAP`` (20), ``ANALYSIS_MIN_VOTERS`` (the engine's floor, 10).
    """
    from consult.analysis.beyond import MIN_VOTERS

    return {
        "random_state": int(setting(app, "ANALYSIS_SEED", 0)),
        "threshold": float(setting(app, "ANALYSIS_THRESHOLD", 0.6)),
        "n_bootstrap": int(setting(app, "ANALYSIS_BOOTSTRAP", 20)),
        "min_voters": int(setting(app, "ANALYSIS_MIN_VOTERS", MIN_VOTERS)),
    }


def new_snapshot(consultation_id: int, params: dict, population: Population) -> AnalysisSnapshot:
    """An unsaved run of ``population`` with its parameters and the Consult version."""
    return AnalysisSnapshot(
        consultation_id=consultation_id,
        population=population.value,
        parameters={**params, "consult_version": consult.__version__},
    )


def analyse_into(
    snapshot: AnalysisSnapshot, read: Callable[[], AnalysisInput], params: dict
) -> AnalysisInput | None:
    """Analyse what ``read()`` returns into ``snapshot``: OK with the encoded result, or
    FAILED with the error (logged, never raised). Returns the input read (None if reading
    failed), so a second population can be cut from it without reading again."""
    from consult.analysis import analyse, codec
    from consult.reports.snapshots import latest_ok

    start = time.perf_counter()
    data = None
    try:
        data = read()
        snapshot.last_vote_event_id = data.last_vote_event_id
        snapshot.n_participants, snapshot.n_statements = data.votes.shape
        snapshot.n_votes = data.votes.n_votes
        if data.votes.n_votes == 0:
            raise ValueError("there are no votes to analyse yet")
        previous = latest_ok(snapshot.consultation_id, population=snapshot.population)
        warm = _warm_start(previous)
        snapshot.parameters["warm_start_from"] = previous.id if warm else None
        result = analyse(
            data.votes,
            data.flags,
            data.attributes,
            warm,
            random_state=params["random_state"],
            threshold=params["threshold"],
            n_bootstrap=params["n_bootstrap"],
            min_voters=params["min_voters"],
        )
        snapshot.result = codec.encode(result)
        snapshot.status = SnapshotStatus.OK
    except Exception as exc:  # noqa: BLE001 - a failed run is recorded, never raised
        db.session.rollback()
        log.exception(
            "analysis of consultation %s (%s) failed", snapshot.consultation_id, snapshot.population
        )
        snapshot.status = SnapshotStatus.FAILED
        snapshot.result = None
        snapshot.error = f"{type(exc).__name__}: {exc}"[:2000]
    snapshot.seconds = time.perf_counter() - start
    return data


def _warm_start(previous: AnalysisSnapshot | None):
    """The previous run decoded for ``analyse(previous=...)``; None when there is none or
    it was written in an older format (the run then starts cold, and says so)."""
    from consult.analysis import codec

    if previous is None or not previous.result:
        return None
    try:
        return codec.decode(previous.result)
    except codec.FormatError as error:
        log.warning("snapshot %s cannot warm-start this run: %s", previous.id, error)
        return None
