"""Bridging score: a one-factor matrix factorisation in the manner of Community Notes.

Model, over the non-pass votes r_ui in {+1 agree, -1 disagree}:

    r_ui ~ mu + b_u + b_i + f_u * f_i

minimising squared error + lambda_b (sum b_u^2 + sum b_i^2) + lambda_f (sum f_u^2 +
sum f_i^2). The factor captures the main opinion axis; the statement intercept b_i is
the agreement a participant at the centre of that axis would show, i.e. agreement the
axis does not explain. That is the bridging score.

Choices:

- Passes are left out, not scored 0: a pass says "no opinion", and scoring it 0 would
  pull the intercept of a clear but often-skipped statement towards the middle.
  Excluded (moderated-out, meta) statements are left out too and get NaN.
- Regularisation follows Community Notes (intercepts 0.15, factors 0.03 on its 0..1
  rating scale): intercepts are penalised *more* than factors, so whatever the axis can
  explain goes into the factor and the intercept stays conservative. On our -1..+1
  scale the equivalent penalties are lambda_b = 0.15 and lambda_f = 2 * 0.03 = 0.06
  (ratings, intercepts and the product f_u f_i all double; splitting that doubling as
  sqrt(2) per factor leaves the factor penalty twice as strong relative to the loss).
- Fitting is alternating least squares: given the statements' (b_i, f_i), each
  participant's (b_u, f_u) is a closed-form 2 x 2 ridge regression, and vice versa.
  The sums each needs come from sparse matrix-vector products on the vote triples,
  O(votes) per sweep. Initial statement factors are drawn from ``random_state``.
- The factor's sign is arbitrary; it is fixed so that the statement with the largest
  |factor| has a positive one.
- Optional participant ``weights`` w_u multiply each participant's whole term (squared
  errors *and* penalties on b_u, f_u), so a participant's own fit does not change and only
  the statement side (and mu) sees the weights. :func:`group_balanced_weights` gives each
  opinion group the same total weight: without it, the model's centre sits in the larger
  camp and a statement that camp loves outranks one both camps agree with (under 90/10
  camps, 95 % / 10 % agreement beat 70 % / 70 %; see benchmarks/bridging_camps.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bridging_als import Ratings, als, indicator, initial_factor
from .matrix import VoteMatrix

LAMBDA_INTERCEPT = 0.15
LAMBDA_FACTOR = 0.06


def group_balanced_weights(group_labels: np.ndarray, rated: np.ndarray) -> np.ndarray:
    """(P,) weights giving every opinion group the same total weight in the fit.

    ``group_labels`` (P,) int, -1 = not clustered; ``rated`` (P,) bool, the participants
    with at least one rating. Clustered raters of group g get 1 / (G n_g), scaled so their
    mean is 1; participants not clustered get 0 (they belong to no group, so they cannot
    count for one: the statement scores rest on the opinion groups). Without any clustered
    rater every weight is 1 (the plain model).
    """
    labels = np.asarray(group_labels, dtype=np.int64)
    inside = (labels >= 0) & np.asarray(rated, dtype=bool)
    if not inside.any():
        return np.ones(len(labels))
    _, code, sizes = np.unique(labels[inside], return_inverse=True, return_counts=True)
    weights = np.zeros(len(labels))
    weights[inside] = inside.sum() / (len(sizes) * sizes[code.ravel()])
    return weights


@dataclass(frozen=True)
class Bridging:
    """Fitted bridging model; P participants, S statements.

    - ``global_intercept``: mu.
    - ``statement_intercept``: (S,) b_i, the bridging score; NaN for excluded
      statements and statements without a non-pass vote.
    - ``statement_factor``: (S,) f_i, NaN where the intercept is.
    - ``statement_ratings``: (S,) int, non-pass votes used per statement.
    - ``participant_intercept``, ``participant_factor``: (P,); 0 for participants
      without a non-pass vote on an included statement.
    - ``weighted``: whether participant weights were used.
    - ``n_iter``: sweeps run; ``converged``: whether the last sweep moved every
      statement intercept by less than ``tol`` and every statement factor by less than
      10 ``tol`` times the largest |factor|. Without a dominant opinion axis (several
      axes of similar strength) the factor keeps rotating slowly and the fit stops at
      ``max_iter`` unconverged, and intercepts may be off by a few hundredths.
    """

    global_intercept: float
    statement_intercept: np.ndarray
    statement_factor: np.ndarray
    statement_ratings: np.ndarray
    participant_intercept: np.ndarray
    participant_factor: np.ndarray
    n_iter: int
    converged: bool
    weighted: bool = False
    lambda_intercept: float = LAMBDA_INTERCEPT
    lambda_factor: float = LAMBDA_FACTOR


def rank_bridging(score: np.ndarray, group_ratings: np.ndarray, min_voters: int) -> np.ndarray:
    """Column indices by ``score`` (S,), best first, ties by column; NaN scores are left
    out, and so is every statement on which an opinion group has fewer than ``min_voters``
    agree or disagree votes (``group_ratings`` (G, S)): with each group weighted equally,
    a thin group's handful of votes would carry a whole group's weight.
    """
    ok = np.isfinite(score) & np.all(np.asarray(group_ratings) >= min_voters, axis=0)
    order = np.flatnonzero(ok)
    return order[np.lexsort((order, -score[order]))]


def bridging_scores(
    votes: VoteMatrix,
    excluded: np.ndarray | None = None,
    *,
    lambda_intercept: float = LAMBDA_INTERCEPT,
    lambda_factor: float = LAMBDA_FACTOR,
    max_iter: int = 50,
    tol: float = 1e-3,
    max_fit_ratings: int = 3_000_000,
    weights: np.ndarray | None = None,
    random_state: int = 0,
) -> Bridging:
    """Fit the one-factor model by alternating least squares and return the scores.

    Above ``max_fit_ratings`` non-pass votes, the ALS first converges on a seeded sample
    of participants holding about that many ratings, then continues on all the votes
    from there (at most ``max_iter // 5``, at least 5 sweeps); the final sweeps use every vote, and
    every participant gets their own fit. This keeps large consultations to a few
    passes over all the votes. ``weights`` (P,) are participant weights (see the module
    notes and :func:`group_balanced_weights`); None, or weights that are zero for every
    participant with a rating, give the plain model.
    """
    n_participants, n_statements = votes.shape
    excluded = np.zeros(n_statements, bool) if excluded is None else np.asarray(excluded, bool)
    plus = indicator(votes, (votes.values > 0) & ~excluded[votes.cols])
    minus = indicator(votes, (votes.values < 0) & ~excluded[votes.cols])
    rated = (np.diff(plus.indptr) + np.diff(minus.indptr)) > 0
    weighted = weights is not None and float(np.asarray(weights)[rated].sum()) > 0
    w = np.asarray(weights, dtype=np.float64) if weighted else np.ones(n_participants)
    ratings = Ratings.from_matrices(plus, minus, w)
    rng = np.random.default_rng(random_state)
    lam = (lambda_intercept, lambda_factor)
    fit_on = ratings
    if ratings.n_ratings > max_fit_ratings:
        order = rng.permutation(n_participants)
        enough = np.searchsorted(np.cumsum(ratings.n_u[order]), max_fit_ratings) + 1
        fit_on = ratings.participants(np.sort(order[:enough]))
    mu = float(fit_on.sum_r_i.sum()) / max(float(fit_on.n_i.sum()), 1e-12)
    b_i, f_i = np.zeros(n_statements), initial_factor(fit_on, rng)
    mu, b_i, f_i, b_u, f_u, n_iter, converged = als(fit_on, mu, b_i, f_i, max_iter, tol, lam)
    if fit_on is not ratings:
        polish = max(5, max_iter // 5)  # from a converged sample fit, a few sweeps suffice
        mu, b_i, f_i, b_u, f_u, more, converged = als(ratings, mu, b_i, f_i, polish, tol, lam)
        n_iter += more

    if n_statements and np.abs(f_i).max() > 0 and f_i[np.argmax(np.abs(f_i))] < 0:
        f_i, f_u = -f_i, -f_u
    missing = excluded | (ratings.n_i <= 0)
    return Bridging(
        global_intercept=float(mu),
        statement_intercept=np.where(missing, np.nan, b_i),
        statement_factor=np.where(missing, np.nan, f_i),
        statement_ratings=ratings.count_i.astype(np.int64),
        participant_intercept=b_u,
        participant_factor=f_u,
        n_iter=n_iter,
        converged=converged,
        weighted=weighted,
        lambda_intercept=lambda_intercept,
        lambda_factor=lambda_factor,
    )
