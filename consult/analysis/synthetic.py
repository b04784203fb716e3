"""Synthetic conversations with a planted group structure, for tests and benchmarks."""

from __future__ import annotations

import numpy as np

from .matrix import VoteMatrix


def planted_conversation(
    n_participants: int,
    n_statements: int,
    n_votes: int,
    n_groups: int = 2,
    pass_rate: float = 0.15,
    contrast: float = 0.8,
    seed: int = 0,
) -> tuple[VoteMatrix, np.ndarray]:
    """A random vote matrix and the planted group of each participant, (P,) int.

    Each group has its own agree probability per statement: on "divisive" statements
    (about half of them) each group leans up or down by ``contrast`` / 2 at random, so two
    groups are opposed on about a quarter of all statements; ``n_groups`` = 1 gives one
    camp. About ``n_votes`` distinct votes, spread evenly; built in O(votes).
    """
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_groups, n_participants)
    base = rng.uniform(0.2, 0.8, n_statements)
    lean = rng.choice([-1.0, 1.0], size=(n_groups, n_statements))
    divisive = rng.random(n_statements) < 0.5
    agree_p = np.clip(base + np.where(divisive, lean * contrast / 2, 0.0), 0.02, 0.98)
    rows, cols = _cells(rng, n_participants, n_statements, n_votes)
    u = rng.random(len(rows))
    agree_prob = agree_p[truth[rows], cols] * (1 - pass_rate)
    values = np.where(u < agree_prob, 1, np.where(u < agree_prob + pass_rate, 0, -1)).astype(
        np.int8
    )
    votes = VoteMatrix(
        participant_ids=np.arange(n_participants, dtype=np.int64),
        statement_ids=np.arange(n_statements, dtype=np.int64),
        rows=rows,
        cols=cols,
        values=values,
    )
    return votes, truth


def uniform_votes(
    n_participants: int, n_statements: int, n_votes: int, seed: int = 0
) -> VoteMatrix:
    """Votes with no structure at all: each cast vote is agree, disagree or pass with
    probability 1/3, independently; cells drawn as in :func:`planted_conversation`."""
    rng = np.random.default_rng(seed)
    rows, cols = _cells(rng, n_participants, n_statements, n_votes)
    return VoteMatrix(
        participant_ids=np.arange(n_participants, dtype=np.int64),
        statement_ids=np.arange(n_statements, dtype=np.int64),
        rows=rows,
        cols=cols,
        values=rng.integers(-1, 2, len(rows)).astype(np.int8),
    )


def _cells(rng, n_participants: int, n_statements: int, n_votes: int):
    """About ``n_votes`` distinct (row, col) cells, spread evenly, sorted by row then col."""
    # Oversample cells a little, then drop repeats: rows come out sorted, as from_triples does.
    draw = int(n_votes * 1.02) + 16
    rows = rng.integers(0, n_participants, draw)
    cols = rng.integers(0, n_statements, draw)
    cell = np.unique(rows.astype(np.int64) * n_statements + cols)[:n_votes]
    return (cell // n_statements).astype(np.int32), (cell % n_statements).astype(np.int32)
