"""Beyond Polis: consensus among whom, and how sure (issue 5, section 2).

:func:`beyond_polis` runs, on the votes and the opinion groups found by the Polis
reproduction: agreement with intervals per opinion group, sector, region and income
group; broad agreement, its holdouts and the statements too thinly voted to judge;
divisive statements; group-informed consensus with its normalised form; the bridging
score; bootstrap stability; and, optionally, all consensus measures again with
participants weighted so each sector (or region, or income group) counts equally.

One voter floor, ``min_voters`` (default :data:`MIN_VOTERS`), holds everywhere: no
segment is judged for broad agreement, no group-informed consensus figure is given, and
no statement is ranked for bridging on fewer voters than that (see :mod:`.broad`).
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
from .bridging import Bridging, bridging_scores, group_balanced_weights, rank_bridging
from .broad import (
    BroadAgreement,
    Divisive,
    GroupInformedConsensus,
    Holdouts,
    broad_agreement,
    divisive_statements,
    group_informed_consensus,
)
from .broad_json import consensus_json
from .consensus import MIN_VOTERS
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
    - ``broad_agreement``: (S,) minimum lower bounds, qualifying statements ranked, the
      statements not assessable (a required segment under ``min_voters`` voters) and
      those segments; ``holdouts``: the segments below the threshold on the rest.
    - ``divisive``: (S,) spread of group rates, ranked, with (S, G) sides.
    - ``group_informed_consensus``: (S,) Polis's product and its geometric mean.
    - ``bridging``: (S,) intercepts (the bridging score: fitted with every opinion
      group given equal total weight) and factors, (P,) factors; ``bridging_ranked``:
      column indices by score, best first, of the statements on which every opinion
      group has at least ``min_voters`` agree or disagree votes.
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
    bridging_ranked: np.ndarray
    stability: Stability | None
    weighted: WeightedMeasures | None
    timings: dict = field(default_factory=dict)

    def to_json_dict(self) -> dict:
        """Plain JSON types, statements named by id; NaN becomes None.

        Keys: threshold, min_voters, interval_level, statements (ids in column order,
        for the arrays under agreement), excluded, agreement, broad_agreement, holdouts,
        not_assessable, insufficient_data, divisive, group_informed_consensus (shapes in
        :mod:`.broad_json`), bridging ([{statement_id, score, intercept, factor,
        ratings}], best score first; score = intercept), bridging_model, stability,
        weighted, timings.
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
            "bridging": _bridging_json(ids, self.bridging, self.bridging_ranked),
            "bridging_model": {
                "group_balanced": self.bridging.weighted,
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
    min_voters: int = MIN_VOTERS,
    n_bootstrap: int = 20,
    weight_by: str | None = None,
    random_state: int = 0,
) -> BeyondPolis:
    """Consensus among whom, and how sure.

    ``group_labels`` is (P,) int, -1 for participants not clustered. ``regroup(votes,
    seed)`` reclusters a resampled matrix for the stability of groups (None: skip that
    part). ``weight_by`` is None or one of "sector", "region", "income_group".
    ``min_voters`` (an integer >= 1) is the voter floor. Deterministic for a fixed
    ``random_state``.
    """
    if isinstance(min_voters, bool) or not isinstance(min_voters, (int, np.integer)):
        raise ValueError(f"min_voters must be an integer, not {min_voters!r}")
    if min_voters < 1:
        raise ValueError(f"min_voters must be at least 1, not {min_voters}")
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
    counted = (votes.values != 0) & ~excluded[votes.cols]  # the ratings the model fits
    rated = np.bincount(votes.rows[counted], minlength=votes.shape[0]) > 0
    bridging = bridging_scores(
        votes, excluded, weights=group_balanced_weights(labels, rated), random_state=random_state
    )
    group_table = tables.family("group")
    if not len(group_table.segments):  # no opinion groups: the floor is on everybody
        group_table = tables.family("overall")
    bridging_ranked = rank_bridging(
        bridging.statement_intercept, group_table.agree + group_table.disagree, min_voters
    )
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
        bridging_ranked,
        stability,
        weighted,
        timings,
    )


def _bridging_json(ids, bridging: Bridging, order: np.ndarray) -> list:
    return [
        {
            "statement_id": int(ids[j]),
            "score": float(bridging.statement_intercept[j]),
            "intercept": float(bridging.statement_intercept[j]),
            "factor": float(bridging.statement_factor[j]),
            "ratings": int(bridging.statement_ratings[j]),
        }
        for j in order
    ]
