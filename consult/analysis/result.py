"""The analysis result: frozen dataclasses with documented array shapes.

P participants, S statements, G groups, B base clusters, n clustered participants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .clustering import KHistory
from .consensus import Consensus
from .repness import RepStatement
from .tallies import GroupTallies


@dataclass(frozen=True)
class Group:
    """One opinion group: its stable ``id``, member count, (2,) ``centre``, and how many
    members come from each sector and region (unknown ones under ``None``)."""

    id: int
    size: int
    centre: np.ndarray
    sectors: dict[str | None, int]
    regions: dict[str | None, int]


@dataclass(frozen=True)
class AnalysisState:
    """What the next run needs to warm-start and keep group numbers and k stable.

    - ``statement_ids`` (S,) and ``components`` (2, S): axis signs for the next PCA.
    - ``base_centres`` (B, 2): the base clusters to restart k-means from.
    - ``k_history``: the hysteresis state (polis-math.md section 5.4).
    - ``in_conv_ids`` (n,) and ``in_conv_groups`` (n,): sticky membership, and each
      clustered participant's group id, to match next run's groups by overlap.
    """

    statement_ids: np.ndarray
    components: np.ndarray
    base_centres: np.ndarray
    k_history: KHistory
    in_conv_ids: np.ndarray
    in_conv_groups: np.ndarray


@dataclass(frozen=True)
class AnalysisResult:
    """Everything one run computes.

    - ``participant_ids`` (P,), ``statement_ids`` (S,): the input's order.
    - ``projections`` (P, 2); ``statement_projections`` (S, 2); ``extremity`` (S,).
    - ``in_conv`` (P,) bool: clustered participants.
    - ``base_centres`` (B, 2), ``base_counts`` (B,), ``base_labels`` (P,) base cluster or -1.
    - ``group_labels`` (P,) group id or -1; ``groups``: one :class:`Group` per group.
    - ``k``: groups shown (1 = one camp); ``best_k`` this run's silhouette winner;
      ``silhouettes``: k -> silhouette; ``unimodal`` and ``structure_note`` explain k = 1.
    - ``structure_p_value``: the permutation test's p-value for "no opinion structure"
      (:mod:`consult.analysis.structure`); None when it was not run (no grouping with
      groups of the minimum size to test, or Polis's rules). k = 1 when it exceeds 0.05.
    - ``tallies``: per-group counts and rates, rows in ``groups`` order.
    - ``totals``: the same over all participants (one row).
    - ``repness``: group id -> representative statements.
    - ``consensus``; ``uncertainty``: statement ids; ``priority`` (S,) routing weights.
    - ``timings``: stage -> seconds; ``sizes``: participants, statements, votes, clustered.
    - ``state``: input for the next run (``previous=``); ``beyond``: section-2 results or None.
    """

    participant_ids: np.ndarray
    statement_ids: np.ndarray
    projections: np.ndarray
    statement_projections: np.ndarray
    extremity: np.ndarray
    in_conv: np.ndarray
    base_centres: np.ndarray
    base_counts: np.ndarray
    base_labels: np.ndarray
    group_labels: np.ndarray
    groups: tuple[Group, ...]
    k: int
    best_k: int
    silhouettes: dict[int, float]
    unimodal: bool
    structure_note: str
    tallies: GroupTallies
    totals: GroupTallies
    repness: dict[int, list[RepStatement]]
    consensus: Consensus
    uncertainty: tuple[int, ...]
    priority: np.ndarray
    timings: dict[str, float]
    sizes: dict[str, int]
    state: AnalysisState
    beyond: Any = field(default=None)
    structure_p_value: float | None = None

    def groups_by_participant(self) -> dict[int, int]:
        """Clustered participant id -> group id."""
        clustered = self.group_labels >= 0
        return dict(
            zip(
                self.participant_ids[clustered].tolist(),
                self.group_labels[clustered].tolist(),
                strict=True,
            )
        )
