"""Which opinion groups: PCA, in-conv set, base clusters, candidate groupings, the k to
show and the structure test (polis-math.md sections 2-5; the departures from Polis are
in :mod:`consult.analysis.clustering` and :mod:`consult.analysis.structure`)."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import partial

import numpy as np

from .clustering import (
    BaseClusters,
    GroupCandidate,
    base_clusters,
    best_silhouette,
    choose_k,
    group_candidates,
    select_in_conv,
)
from .pca import PCAResult, sparse_pca
from .structure import grouping_statistic, structure_test


@dataclass(frozen=True)
class Clustering:
    pca: PCAResult
    in_conv: np.ndarray  # (P,) bool
    base: BaseClusters | None
    candidates: dict[int, GroupCandidate]
    best_k: int = 1
    note: str = "too few participants to find groups"
    p_value: float | None = None


def groupings(votes, flags, random_state, state, rules, timings, base_iter=20) -> Clustering:
    """PCA, in-conv set, base clusters and the candidate groupings; no choice of k yet."""
    tick = time.perf_counter()
    reference = None
    if state is not None:
        reference = _align(state.statement_ids, state.components, votes.statement_ids)
    pca = sparse_pca(votes, flags, random_state, reference)
    timings["pca"] = time.perf_counter() - tick

    tick = time.perf_counter()
    n_votes = np.bincount(votes.rows, minlength=votes.shape[0])
    previous_ids = None if state is None else state.in_conv_ids
    in_conv = select_in_conv(n_votes, votes.shape[1], votes.participant_ids, previous_ids)
    members = np.flatnonzero(in_conv)
    timings["in_conv"] = time.perf_counter() - tick
    if len(members) < 3:
        return Clustering(pca, in_conv, None, {})

    tick = time.perf_counter()
    # "First distinct points" in participant-id order, so row order does not matter.
    order = np.argsort(votes.participant_ids[members], kind="stable")
    previous_centres = None if state is None else state.base_centres
    base = base_clusters(pca.projections[members], order, previous_centres, max_iter=base_iter)
    timings["base_clusters"] = time.perf_counter() - tick

    tick = time.perf_counter()
    candidates = group_candidates(base, restarts=rules.restarts, random_state=random_state)
    timings["groups"] = time.perf_counter() - tick
    return Clustering(pca, in_conv, base, candidates)


def cluster(votes, flags, random_state, state, rules, timings, base_iter=20, test=True):
    """Candidate groupings, the k to show, and the structure test's p-value."""
    c = groupings(votes, flags, random_state, state, rules, timings, base_iter)
    if c.base is None:
        return c
    min_size = rules.min_size(int(c.in_conv.sum()))
    best_k, note = choose_k(c.candidates, rules.k_tolerance, min_size, rules.k_by_participants)
    p_value = None
    if best_k > 1 and test and rules.alpha is not None:
        tick = time.perf_counter()
        found = structure_test(
            votes,
            c.in_conv,
            partial(grouping_statistic, flags=flags, rules=rules, random_state=random_state),
            random_state,
            rules.n_permutations,
        )
        p_value = found.p_value
        if p_value > rules.alpha:
            best = best_silhouette(c.candidates, min_size)
            best_k = 1
            note = (
                f"no group structure: the best participant silhouette, {best:.2f}, is no "
                f"better than shuffled votes give (p = {p_value:.3f})"
            )
        timings["structure_test"] = time.perf_counter() - tick
    return replace(c, best_k=best_k, note=note, p_value=p_value)


def _align(old_ids, old_components, new_ids) -> np.ndarray:
    """Previous components re-indexed to the new statements (0 for new statements)."""
    aligned = np.zeros((2, len(new_ids)))
    pos = np.searchsorted(old_ids, new_ids)
    pos = np.clip(pos, 0, max(len(old_ids) - 1, 0))
    found = old_ids[pos] == new_ids if len(old_ids) else np.zeros(len(new_ids), bool)
    aligned[:, found] = old_components[:, pos[found]]
    return aligned


def participant_groups(c: Clustering, k: int, n_p: int) -> np.ndarray:
    labels = np.full(n_p, -1, dtype=np.int64)
    if k == 1 or c.base is None:
        labels[c.in_conv] = 0
    else:
        labels[c.in_conv] = c.candidates[k].labels[c.base.members]
    return labels
