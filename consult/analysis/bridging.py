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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, LinearOperator, svds

from .matrix import VoteMatrix

LAMBDA_INTERCEPT = 0.15
LAMBDA_FACTOR = 0.06


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
    lambda_intercept: float = LAMBDA_INTERCEPT
    lambda_factor: float = LAMBDA_FACTOR


def _ridge_2x2(n, s_f, s_ff, s_y, s_yf, lam_b, lam_f):
    """Per-row solution of [[n+lb, Sf], [Sf, Sff+lf]] [b, f] = [Sy, Syf]."""
    a11, a22 = n + lam_b, s_ff + lam_f
    det = a11 * a22 - s_f * s_f  # > 0: the matrix is positive definite for lam > 0
    return (a22 * s_y - s_f * s_yf) / det, (a11 * s_yf - s_f * s_y) / det


@dataclass(frozen=True)
class _Ratings:
    """Non-pass votes as two 0/1 CSR matrices (P, S), with row and column totals.

    X = plus + minus counts ratings and R = plus - minus sums them, so one pass over both
    gives every sum ALS needs. The statement side uses their transposes as CSC views:
    scattering into a small (S, 4) output while reading participants in order is ~3x
    faster than a CSR of the transpose.
    """

    plus: sp.csr_matrix
    minus: sp.csr_matrix
    n_u: np.ndarray
    n_i: np.ndarray
    sum_r_u: np.ndarray
    sum_r_i: np.ndarray

    @classmethod
    def from_matrices(cls, plus: sp.csr_matrix, minus: sp.csr_matrix) -> _Ratings:
        row_sum = lambda m: np.diff(m.indptr).astype(np.float64)  # noqa: E731
        col_sum = lambda m: np.bincount(m.indices, minlength=m.shape[1]).astype(np.float64)  # noqa: E731
        n_u, n_i = row_sum(plus) + row_sum(minus), col_sum(plus) + col_sum(minus)
        return cls(
            plus, minus, n_u, n_i, row_sum(plus) - row_sum(minus), col_sum(plus) - col_sum(minus)
        )

    @property
    def n_ratings(self) -> int:
        return self.plus.nnz + self.minus.nnz

    def participants(self, rows: np.ndarray) -> _Ratings:
        return _Ratings.from_matrices(self.plus[rows], self.minus[rows])


def bridging_scores(
    votes: VoteMatrix,
    excluded: np.ndarray | None = None,
    *,
    lambda_intercept: float = LAMBDA_INTERCEPT,
    lambda_factor: float = LAMBDA_FACTOR,
    max_iter: int = 50,
    tol: float = 1e-3,
    max_fit_ratings: int = 3_000_000,
    random_state: int = 0,
) -> Bridging:
    """Fit the one-factor model by alternating least squares and return the scores.

    Above ``max_fit_ratings`` non-pass votes, the ALS first converges on a seeded sample
    of participants holding about that many ratings, then continues on all the votes
    from there (at most ``max_iter // 5``, at least 5 sweeps); the final sweeps use every vote, and
    every participant gets their own fit. This keeps large consultations to a few
    passes over all the votes.
    """
    n_participants, n_statements = votes.shape
    excluded = np.zeros(n_statements, bool) if excluded is None else np.asarray(excluded, bool)
    ratings = _Ratings.from_matrices(
        _indicator(votes, (votes.values > 0) & ~excluded[votes.cols]),
        _indicator(votes, (votes.values < 0) & ~excluded[votes.cols]),
    )
    rng = np.random.default_rng(random_state)
    lam = (lambda_intercept, lambda_factor)
    fit_on = ratings
    if ratings.n_ratings > max_fit_ratings:
        order = rng.permutation(n_participants)
        enough = np.searchsorted(np.cumsum(ratings.n_u[order]), max_fit_ratings) + 1
        fit_on = ratings.participants(np.sort(order[:enough]))
    mu = float(fit_on.sum_r_i.sum()) / max(fit_on.n_ratings, 1)
    b_i, f_i = np.zeros(n_statements), _initial_factor(fit_on, rng)
    mu, b_i, f_i, b_u, f_u, n_iter, converged = _als(fit_on, mu, b_i, f_i, max_iter, tol, lam)
    if fit_on is not ratings:
        polish = max(5, max_iter // 5)  # from a converged sample fit, a few sweeps suffice
        mu, b_i, f_i, b_u, f_u, more, converged = _als(ratings, mu, b_i, f_i, polish, tol, lam)
        n_iter += more

    if n_statements and np.abs(f_i).max() > 0 and f_i[np.argmax(np.abs(f_i))] < 0:
        f_i, f_u = -f_i, -f_u
    missing = excluded | (ratings.n_i == 0)
    return Bridging(
        global_intercept=float(mu),
        statement_intercept=np.where(missing, np.nan, b_i),
        statement_factor=np.where(missing, np.nan, f_i),
        statement_ratings=ratings.n_i.astype(np.int64),
        participant_intercept=b_u,
        participant_factor=f_u,
        n_iter=n_iter,
        converged=converged,
        lambda_intercept=lambda_intercept,
        lambda_factor=lambda_factor,
    )


def _als(data: _Ratings, mu, b_i, f_i, max_iter, tol, lam):
    """Sweeps of alternating least squares from statement parameters (b_i, f_i)."""
    n_participants = data.plus.shape[0]
    b_u, f_u = np.zeros(n_participants), np.zeros(n_participants)
    total_r, n_ratings = float(data.sum_r_i.sum()), data.n_ratings
    converged, n_iter, previous = False, 0, 0.0
    while n_iter < max_iter and n_ratings:
        n_iter += 1
        b_u, f_u, _ = _half_step(data.plus, data.minus, data.n_u, data.sum_r_u, mu, b_i, f_i, *lam)
        new_b, new_f, s_f = _half_step(
            data.plus.T, data.minus.T, data.n_i, data.sum_r_i, mu, b_u, f_u, *lam
        )
        # mu is unpenalised: the mean residual of everything else. s_f[i] is the sum of
        # f_u over statement i's raters, so new_f @ s_f is the sum of f_u f_i over ratings.
        residual = total_r - _dot(data.n_u, b_u) - _dot(data.n_i, new_b) - _dot(new_f, s_f)
        mu = float(residual / n_ratings)
        active = (data.n_u > 0, data.n_i > 0)
        mu, b_u, f_u, new_b, new_f = _fix_gauge(mu, b_u, f_u, new_b, new_f, *active, *lam)
        # Intercepts to ``tol`` on the rating scale; factors, whose scale is arbitrary, to
        # 10 * tol of the largest: enough to place a statement on the axis.
        scale = max(np.abs(new_f).max(initial=0.0), 1e-12)
        change = max(
            np.abs(new_b - b_i).max(initial=0.0),
            np.abs(new_f - f_i).max(initial=0.0) / (10.0 * scale),
        )
        b_i, f_i = new_b, new_f
        # ALS converges linearly; with rate r = change / previous change, the distance
        # still to go is about change * r / (1 - r). Stopping on that, not on the change
        # alone, keeps a slow crawl (two competing opinion axes) from passing as converged.
        rate = min(change / previous, 0.99) if previous > 0 else 0.5
        previous = change
        if change * max(rate / (1.0 - rate), 1.0) < tol:
            converged = True
            break
    return mu, b_i, f_i, b_u, f_u, n_iter, converged


def _initial_factor(data: _Ratings, rng) -> np.ndarray:
    """Statement factors to start from: the leading right singular vector of the votes
    centred per statement (observed entries only, applied as an operator, never stored).

    Plain ALS from a random start is a power iteration on the factor direction and crawls
    when the first two opinion axes are of similar strength; Lanczos (ARPACK) finds the
    leading direction in far fewer passes over the votes. A rough direction suffices.
    """
    n_participants, n_statements = data.plus.shape
    start = rng.normal(0.0, 0.1, n_statements)
    if min(n_participants, n_statements) < 3 or data.n_ratings == 0:
        return start
    means = np.divide(data.sum_r_i, data.n_i, out=np.zeros(n_statements), where=data.n_i > 0)
    up, down = 1.0 - means, 1.0 + means  # R - X diag(means) = plus diag(up) - minus diag(down)
    plus, minus = data.plus, data.minus
    operator = LinearOperator(
        (n_participants, n_statements),
        matvec=lambda v: plus @ (up * v.ravel()) - minus @ (down * v.ravel()),
        rmatvec=lambda u: up * (plus.T @ u.ravel()) - down * (minus.T @ u.ravel()),
        dtype=np.float64,
    )
    try:
        _, sigma, vt = svds(
            operator, k=1, tol=1e-3, v0=rng.normal(size=min(operator.shape)), random_state=rng
        )
    except (ArpackError, ArpackNoConvergence):  # e.g. all-zero residuals: keep the random start
        return start
    return vt[0] * np.sqrt(sigma[0] / max(np.sqrt(n_participants), 1.0))


def _indicator(votes: VoteMatrix, mask: np.ndarray) -> sp.csr_matrix:
    """0/1 CSR (P, S) of the votes in ``mask``, straight from the row-sorted triples.

    float32: the passes over the votes are memory-bound, and single precision is ample
    for sums that end up in a 2 x 2 solve (the solve itself is float64).
    """
    rows, cols = votes.rows[mask], votes.cols[mask]
    shape = votes.shape
    if len(rows) and np.any(rows[1:] < rows[:-1]):  # not row-sorted: let scipy sort
        return sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=shape)
    # int32 indices where they fit: scipy would otherwise widen the column indices too.
    index_type = np.int32 if len(rows) < 2**31 else np.int64
    indptr = np.zeros(shape[0] + 1, dtype=index_type)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    data = np.ones(len(rows), np.float32)
    return sp.csr_matrix((data, cols.astype(index_type, copy=False), indptr), shape=shape)


def _half_step(plus, minus, n, sum_r, mu, b_other, f_other, lam_b, lam_f):
    """Best (b, f) for every row of ``plus`` given the other side's (b, f), and sum f."""
    other = np.column_stack((f_other, f_other * f_other, b_other, b_other * f_other))
    other = other.astype(np.float32)
    sums_plus = (plus @ other).astype(np.float64)
    sums_minus = (minus @ other).astype(np.float64)
    s_f, s_ff, s_b, s_bf = (sums_plus + sums_minus).T
    s_rf = sums_plus[:, 0] - sums_minus[:, 0]
    s_y = sum_r - mu * n - s_b
    s_yf = s_rf - mu * s_f - s_bf
    return *_ridge_2x2(n, s_f, s_ff, s_y, s_yf, lam_b, lam_f), s_f


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    # einsum, not a @ b: a threaded BLAS dot costs ~10x more on a busy 2-core machine.
    return float(np.einsum("i,i->", a, b))


def _fix_gauge(mu, b_u, f_u, b_i, f_i, active_u, active_i, lam_b, lam_f):
    """Move along the directions that leave every prediction unchanged, to the least penalty.

    The fit is invariant under rescaling the factors (c f_u, f_i / c), shifting one side's
    factors into the other side's intercepts (f_u + c, b_i - c f_i) and shifting
    intercepts into mu. Only the penalties pin these directions, and they are weak, so
    plain ALS crawls along them for hundreds of sweeps; each has a closed-form optimum.
    """
    su, si = _dot(f_u, f_u), _dot(f_i, f_i)
    if su > 0 and si > 0:
        scale = (si / su) ** 0.25
        f_u, f_i = f_u * scale, f_i / scale
    n_u, n_i = int(active_u.sum()), int(active_i.sum())
    if n_u and n_i:
        c = (lam_b * _dot(f_i, b_i) - lam_f * f_u.sum()) / (lam_f * n_u + lam_b * _dot(f_i, f_i))
        f_u, b_i = np.where(active_u, f_u + c, 0.0), b_i - c * f_i
        c = (lam_b * _dot(f_u, b_u) - lam_f * f_i.sum()) / (lam_f * n_i + lam_b * _dot(f_u, f_u))
        f_i, b_u = np.where(active_i, f_i + c, 0.0), b_u - c * f_u
        d_i, d_u = b_i[active_i].mean(), b_u[active_u].mean()
        mu, b_i, b_u = (
            mu + d_i + d_u,
            np.where(active_i, b_i - d_i, 0.0),
            np.where(active_u, b_u - d_u, 0.0),
        )
    return mu, b_u, f_u, b_i, f_i
