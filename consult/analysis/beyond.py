"""Beyond Polis: consensus among whom, and how sure (issue 5, section 2).

:func:`beyond_polis` runs, on the votes and the opinion groups found by the Polis
reproduction: agreement with intervals per opinion group, sector, region and income
group; broad agreement and its holdouts; divisive statements; group-informed consensus
with its normalised form; the bridging score; bootstrap stability; and, optionally, all
consensus measures again with participants weighted so each sector (or region, or
income group) counts equally.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .agreement import (
    LEVEL,
    AgreementTables,
    SegmentCounter,
    agreement_tables,
    plain_list,
    segmentations,
)
from .bridging import Bridging, bridging_scores
from .broad import (
    BroadAgreement,
    Divisive,
    GroupInformedConsensus,
    Holdouts,
    broad_agreement,
    consensus_json,
    divisive_statements,
    group_informed_consensus,
)
from .matrix import ParticipantAttributes, StatementFlags, VoteMatrix
from .stability import Stability, bootstrap_stability
from .weighting import participant_weights


@dataclass(frozen=True)
class WeightedMeasures:
    """The consensus measures with participant weights; ``weights`` is (P,), mean 1 over voters."""

    weight_by: str
    weights: np.ndarray
    agreement: AgreementTables
    broad_agreement: BroadAgreement
    holdouts: Holdouts
    divisive: Divisive
    group_informed_consensus: GroupInformedConsensus


@dataclass(frozen=True)
class BeyondPolis:
    """Everything of section 2 for P participants and S statements (column order).

    - ``statement_ids`` (S,), ``excluded`` (S,) bool: moderated-out or meta statements,
      reported as excluded and never ranked.
    - ``agreement``: tables per family (overall, group, sector, region, income_group),
      each (K, S) counts, rates, 90 % Jeffreys intervals and insufficient-data flags.
    - ``broad_agreement``: (S,) minimum lower bounds, qualifying statements ranked;
      ``holdouts``: the segments below the threshold for every other statement.
    - ``divisive``: (S,) spread of group rates, ranked, with (S, G) sides.
    - ``group_informed_consensus``: (S,) Polis's product and its geometric mean.
    - ``bridging``: (S,) intercepts (the bridging score) and factors, (P,) factors.
    - ``stability``: bootstrap ARI and (S,) broad-agreement frequency; None when
      ``n_bootstrap`` is 0. ``weighted``: the consensus measures under participant
      weights; None unless ``weight_by`` was given. ``timings``: seconds per stage.
    """

    statement_ids: np.ndarray
    excluded: np.ndarray
    threshold: float
    min_voters: int
    agreement: AgreementTables
    broad_agreement: BroadAgreement
    holdouts: Holdouts
    divisive: Divisive
    group_informed_consensus: GroupInformedConsensus
    bridging: Bridging
    stability: Stability | None
    weighted: WeightedMeasures | None
    timings: dict = field(default_factory=dict)

    def to_json_dict(self) -> dict:
        """Plain JSON types, statements named by id; NaN becomes None.

        Keys: threshold, min_voters, interval_level, statements (ids in column order,
        for the arrays under agreement), excluded, agreement, broad_agreement (ranked
        [{statement_id, min_lower_bound, limiting_family, limiting_segment, stability}]),
        holdouts ([{statement_id, min_lower_bound, holdouts: [{family, segment,
        lower_bound, rate, voters}]}], nearest misses first), insufficient_data,
        divisive, group_informed_consensus, bridging ([{statement_id, intercept, factor,
        ratings}] by intercept), bridging_model, stability, weighted, timings.
        """
        ids = self.statement_ids
        frequency = None if self.stability is None else self.stability.broad_frequency
        out = {
            "threshold": self.threshold,
            "min_voters": self.min_voters,
            "interval_level": LEVEL,
            "statements": plain_list(ids),
            "excluded": plain_list(ids[self.excluded]),
            "agreement": self.agreement.to_json(),
            **consensus_json(
                ids,
                self.broad_agreement,
                self.holdouts,
                self.divisive,
                self.group_informed_consensus,
                self.agreement.family("group").rate,
                frequency,
            ),
            "bridging": _bridging_json(ids, self.bridging),
            "bridging_model": {
                "global_intercept": self.bridging.global_intercept,
                "n_iter": self.bridging.n_iter,
                "converged": self.bridging.converged,
                "lambda_intercept": self.bridging.lambda_intercept,
                "lambda_factor": self.bridging.lambda_factor,
            },
            "stability": None
            if self.stability is None
            else self.stability.to_json(ids, self.broad_agreement.ranked),
            "weighted": None,
            "timings": {k: float(v) for k, v in self.timings.items()},
        }
        if self.weighted is not None:
            w = self.weighted
            out["weighted"] = {
                "weight_by": w.weight_by,
                "agreement": w.agreement.to_json(),
                **consensus_json(
                    ids,
                    w.broad_agreement,
                    w.holdouts,
                    w.divisive,
                    w.group_informed_consensus,
                    w.agreement.family("group").rate,
                ),
            }
        return out


def beyond_polis(
    votes: VoteMatrix,
    flags: StatementFlags,
    attributes: ParticipantAttributes,
    group_labels: np.ndarray,
    regroup: Callable[[VoteMatrix, int], np.ndarray] | None,
    *,
    threshold: float = 0.6,
    min_voters: int = 5,
    n_bootstrap: int = 20,
    weight_by: str | None = None,
    random_state: int = 0,
) -> BeyondPolis:
    """Consensus among whom, and how sure.

    ``group_labels`` is (P,) int, -1 for participants not clustered. ``regroup(votes,
    seed)`` reclusters a resampled matrix for the stability of groups (None: skip that
    part). ``weight_by`` is None or one of "sector", "region", "income_group".
    Deterministic for a fixed ``random_state``.
    """
    timings: dict[str, float] = {}
    clock = time.perf_counter
    start = last = clock()

    def lap(stage: str) -> None:
        nonlocal last
        now = clock()
        timings[stage] = now - last
        last = now

    excluded = np.asarray(flags.excluded, dtype=bool)
    labels = np.asarray(group_labels, dtype=np.int64)
    weights = None
    if weight_by is not None:  # first, so that a bad weight_by fails before any work
        active = np.bincount(votes.rows, minlength=votes.shape[0]) > 0
        weights = participant_weights(attributes, weight_by, active)
    # One tally matrix serves the plain and weighted tables and every resample.
    counter = SegmentCounter(votes, segmentations(attributes, labels))
    tables = agreement_tables(votes, attributes, labels, min_voters, counter=counter)
    lap("agreement")
    broad = broad_agreement(tables, excluded, threshold)
    lap("broad_agreement")
    divisive = divisive_statements(tables.family("group"), excluded)
    gic = group_informed_consensus(tables.family("group"), excluded)
    lap("divisive_and_consensus")
    bridging = bridging_scores(votes, excluded, random_state=random_state)
    lap("bridging")

    weighted = None
    if weights is not None:
        w_tables = agreement_tables(votes, attributes, labels, min_voters, weights, counter)
        w_broad = broad_agreement(w_tables, excluded, threshold)
        w_group = w_tables.family("group")
        weighted = WeightedMeasures(
            weight_by,
            weights,
            w_tables,
            w_broad,
            w_broad.holdouts,
            divisive_statements(w_group, excluded),
            group_informed_consensus(w_group, excluded),
        )
        lap("weighted")

    stability = None
    if n_bootstrap > 0:
        stability = bootstrap_stability(
            votes,
            excluded,
            counter,
            labels,
            regroup,
            threshold=threshold,
            min_voters=min_voters,
            n_bootstrap=n_bootstrap,
            random_state=random_state,
        )
        lap("stability")
    timings["total"] = clock() - start
    return BeyondPolis(
        votes.statement_ids,
        excluded,
        threshold,
        min_voters,
        tables,
        broad,
        broad.holdouts,
        divisive,
        gic,
        bridging,
        stability,
        weighted,
        timings,
    )


def _bridging_json(ids, bridging: Bridging) -> list:
    order = np.flatnonzero(np.isfinite(bridging.statement_intercept))
    order = order[np.lexsort((order, -bridging.statement_intercept[order]))]
    return [
        {
            "statement_id": int(ids[j]),
            "intercept": float(bridging.statement_intercept[j]),
            "factor": float(bridging.statement_factor[j]),
            "ratings": int(bridging.statement_ratings[j]),
        }
        for j in order
    ]
