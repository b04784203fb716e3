"""The whole analysis: Polis's opinion math (sections 1-10), then section 2 ("beyond")."""

from __future__ import annotations

import time
from collections import Counter

import numpy as np

from .clustering import stable_ids, update_k
from .consensus import MIN_VOTERS, consensus
from .grouping import cluster, participant_groups
from .matrix import ParticipantAttributes, StatementFlags, VoteMatrix
from .repness import repness
from .result import AnalysisResult, AnalysisState, Group
from .routing import priorities, uncertainty
from .structure import Rules
from .tallies import group_tallies


def cluster_labels(
    votes: VoteMatrix,
    flags: StatementFlags,
    random_state: int,
    start: AnalysisState | None = None,
) -> np.ndarray:
    """(P,) group labels (-1 unclustered) from PCA, in-conv, base clusters and k choice.

    No hysteresis and no sticky in-conv set: the fast path for bootstrap resamples.
    ``start``, the state of a run on the full data, seeds the PCA signs and the base
    centres so that a resample converges in a few iterations, and carries that run's
    structure decision: one group if it showed one, no new structure test otherwise
    (the test is of the conversation, not of each resample). Without ``start`` the full
    decision, test included, is made. Groups are numbered by size, largest first.
    """
    state = None
    if start is not None:
        s = start
        state = AnalysisState(
            s.statement_ids,
            s.components,
            s.base_centres,
            s.k_history,
            np.empty(0, np.int64),
            np.empty(0, np.int64),
        )
    # Started from the full data's centres, a resample needs only a few iterations.
    base_iter = 20 if state is None else 5
    c = cluster(votes, flags, random_state, state, Rules(), {}, base_iter, test=start is None)
    one_camp = start is not None and start.k_history.shown == 1
    labels = participant_groups(c, 1 if one_camp else c.best_k, votes.shape[0])
    clustered = labels >= 0
    labels[clustered] = stable_ids(labels[clustered], votes.participant_ids[clustered])
    return labels


def analyse(
    votes: VoteMatrix,
    flags: StatementFlags | None = None,
    attributes: ParticipantAttributes | None = None,
    previous: AnalysisResult | None = None,
    *,
    random_state: int = 0,
    beyond: bool = True,
    n_bootstrap: int = 20,
    threshold: float = 0.6,
    min_voters: int = MIN_VOTERS,
    weight_by: str | None = None,
    rules: Rules | None = None,
) -> AnalysisResult:
    """Analyse a conversation: Polis's groups, repness, consensus, routing, and beyond.

    ``previous`` (the last result for the same conversation) warm-starts the base
    clusters, carries the k hysteresis and sticky in-conv set, and keeps group ids.
    ``rules`` (default :class:`Rules`) say how k is chosen; ``Rules.polis()`` gives
    Polis's exact rules, which always show at least two groups (see
    :mod:`consult.analysis.clustering` and :mod:`consult.analysis.structure`).
    ``min_voters`` is the voter floor of every consensus figure (majority, group-informed,
    broad agreement, bridging). Deterministic for a fixed ``random_state``.
    """
    start = time.perf_counter()
    n_p, n_s = votes.shape
    flags = StatementFlags.none(n_s) if flags is None else flags
    attributes = ParticipantAttributes.unknown(n_p) if attributes is None else attributes
    if len(flags.moderated_out) != n_s or len(attributes.sector) != n_p:
        raise ValueError("flags must have one entry per statement, attributes one per participant")
    timings: dict[str, float] = {}
    state = None if previous is None else previous.state
    c = cluster(votes, flags, random_state, state, rules or Rules(), timings)

    tick = time.perf_counter()
    history = update_k(
        None if state is None else state.k_history, c.best_k, set(c.candidates) | {1}
    )
    k = history.shown
    labels = participant_groups(c, k, n_p)
    clustered = labels >= 0
    labels[clustered] = stable_ids(
        labels[clustered],
        votes.participant_ids[clustered],
        None if state is None else state.in_conv_groups,
        None if state is None else state.in_conv_ids,
    )
    group_ids = np.unique(labels[clustered])
    groups = tuple(_describe(g, labels, c.pca.projections, attributes) for g in group_ids.tolist())
    timings["labels"] = time.perf_counter() - tick

    tick = time.perf_counter()
    eligible = ~flags.excluded
    tallies = group_tallies(votes, labels, group_ids)
    totals = group_tallies(votes, np.zeros(n_p, dtype=np.int64), np.array([0]))
    timings["tallies"] = time.perf_counter() - tick

    tick = time.perf_counter()
    rep = repness(tallies.agree, tallies.disagree, tallies.seen, votes.statement_ids, eligible)
    found = consensus(
        totals.agree[0],
        totals.disagree[0],
        totals.seen[0],
        tallies.agree,
        tallies.seen,
        votes.statement_ids,
        eligible,
        min_voters,
    )
    uncertain = uncertainty(totals.passed[0], totals.seen[0], votes.statement_ids, eligible)
    priority = priorities(
        tallies.agree.sum(axis=0),
        tallies.disagree.sum(axis=0),
        tallies.seen.sum(axis=0),
        c.pca.extremity,
        flags.meta,
        flags.moderated_out,
    )
    timings["repness_consensus_routing"] = time.perf_counter() - tick
    timings["polis"] = time.perf_counter() - start

    base_labels = np.full(n_p, -1, dtype=np.int64)
    if c.base is not None:
        base_labels[c.in_conv] = c.base.members
    unimodal = k == 1
    note = c.note if unimodal else f"{k} opinion groups"
    state_out = AnalysisState(
        statement_ids=votes.statement_ids,
        components=c.pca.components,
        base_centres=np.empty((0, 2)) if c.base is None else c.base.centres,
        k_history=history,
        in_conv_ids=votes.participant_ids[clustered],
        in_conv_groups=labels[clustered],
    )
    beyond_result = None
    if beyond:
        tick = time.perf_counter()
        beyond_result = _beyond(
            votes,
            flags,
            attributes,
            labels,
            random_state,
            threshold,
            n_bootstrap,
            weight_by,
            state_out,
            min_voters,
        )
        timings["beyond"] = time.perf_counter() - tick
    timings["total"] = time.perf_counter() - start
    return AnalysisResult(
        participant_ids=votes.participant_ids,
        statement_ids=votes.statement_ids,
        projections=c.pca.projections,
        statement_projections=c.pca.statement_projections,
        extremity=c.pca.extremity,
        in_conv=c.in_conv,
        base_centres=state_out.base_centres,
        base_counts=np.empty(0, np.int64) if c.base is None else c.base.counts,
        base_labels=base_labels,
        group_labels=labels,
        groups=groups,
        k=k,
        best_k=c.best_k,
        silhouettes={kk: cand.silhouette for kk, cand in c.candidates.items()},
        unimodal=unimodal,
        structure_note=note,
        tallies=tallies,
        totals=totals,
        repness={int(g): r for g, r in zip(group_ids.tolist(), rep, strict=True)},
        consensus=found,
        uncertainty=uncertain,
        priority=priority,
        timings=timings,
        sizes={
            "participants": n_p,
            "statements": n_s,
            "votes": votes.n_votes,
            "clustered": int(clustered.sum()),
        },
        state=state_out,
        beyond=beyond_result,
        structure_p_value=c.p_value,
    )


def _describe(group: int, labels, projections, attributes: ParticipantAttributes) -> Group:
    members = labels == group
    return Group(
        id=int(group),
        size=int(members.sum()),
        centre=projections[members].mean(axis=0),
        sectors=dict(Counter(attributes.sector[members].tolist())),
        regions=dict(Counter(attributes.region[members].tolist())),
    )


def _beyond(
    votes,
    flags,
    attributes,
    labels,
    random_state,
    threshold,
    n_bootstrap,
    weight_by,
    hint,
    min_voters=MIN_VOTERS,
):
    try:
        from .beyond import beyond_polis
    except ModuleNotFoundError as exc:
        if exc.name != f"{__package__}.beyond":
            raise
        return None  # section 2 not installed yet: the result says so by beyond=None
    return beyond_polis(
        votes,
        flags,
        attributes,
        labels,
        lambda resampled, seed: cluster_labels(resampled, flags, seed, hint),
        threshold=threshold,
        min_voters=min_voters,
        n_bootstrap=n_bootstrap,
        weight_by=weight_by,
        random_state=random_state,
    )
