"""Alternating least squares for the bridging model (see :mod:`.bridging`).

Fits r_ui ~ mu + b_u + b_i + f_u f_i over non-pass votes with ridge penalties, each
participant's term (errors and penalties) weighted by w_u. Every sweep is a few sparse
matrix products over the votes, O(votes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, LinearOperator, svds

from .matrix import VoteMatrix


def _ridge_2x2(n, s_f, s_ff, s_y, s_yf, lam_b, lam_f):
    """Per-row solution of [[n+lb, Sf], [Sf, Sff+lf]] [b, f] = [Sy, Syf]."""
    a11, a22 = n + lam_b, s_ff + lam_f
    det = a11 * a22 - s_f * s_f  # > 0: the matrix is positive definite for lam > 0
    return (a22 * s_y - s_f * s_yf) / det, (a11 * s_yf - s_f * s_y) / det


@dataclass(frozen=True)
class Ratings:
    """Non-pass votes as two 0/1 CSR matrices (P, S), with row and column totals.

    X = plus + minus counts ratings and R = plus - minus sums them, so one pass over both
    gives every sum ALS needs. The statement side uses their transposes as CSC views:
    scattering into a small (S, 4) output while reading participants in order is ~3x
    faster than a CSR of the transpose. ``w`` (P,) are the participant weights; the
    statement totals ``n_i``, ``sum_r_i`` are weighted, ``count_i`` is the plain count.
    """

    plus: sp.csr_matrix
    minus: sp.csr_matrix
    w: np.ndarray
    n_u: np.ndarray
    sum_r_u: np.ndarray
    n_i: np.ndarray
    sum_r_i: np.ndarray
    count_i: np.ndarray

    @classmethod
    def from_matrices(cls, plus: sp.csr_matrix, minus: sp.csr_matrix, w: np.ndarray) -> Ratings:
        row_sum = lambda m: np.diff(m.indptr).astype(np.float64)  # noqa: E731
        col_sum = lambda m, by: m.T @ by  # noqa: E731
        w = np.asarray(w, dtype=np.float64)
        one = np.ones(plus.shape[0])
        return cls(
            plus,
            minus,
            w,
            row_sum(plus) + row_sum(minus),
            row_sum(plus) - row_sum(minus),
            col_sum(plus, w) + col_sum(minus, w),
            col_sum(plus, w) - col_sum(minus, w),
            np.rint(col_sum(plus, one) + col_sum(minus, one)),
        )

    @property
    def n_ratings(self) -> int:
        return self.plus.nnz + self.minus.nnz

    def participants(self, rows: np.ndarray) -> Ratings:
        return Ratings.from_matrices(self.plus[rows], self.minus[rows], self.w[rows])


def als(data: Ratings, mu, b_i, f_i, max_iter, tol, lam):
    """Sweeps of alternating least squares from statement parameters (b_i, f_i)."""
    n_participants = data.plus.shape[0]
    b_u, f_u = np.zeros(n_participants), np.zeros(n_participants)
    total_r, total_w = float(data.sum_r_i.sum()), float(data.n_i.sum())
    w_u = data.w * data.n_u  # weighted ratings per participant
    converged, n_iter, previous = False, 0, 0.0
    while n_iter < max_iter and data.n_ratings and total_w > 0:
        n_iter += 1
        b_u, f_u, _ = _half_step(data.plus, data.minus, data.n_u, data.sum_r_u, mu, b_i, f_i, *lam)
        new_b, new_f, s_f = _half_step(
            data.plus.T, data.minus.T, data.n_i, data.sum_r_i, mu, b_u, f_u, *lam, data.w
        )
        # mu is unpenalised: the mean residual of everything else. s_f[i] is the weighted
        # sum of f_u over statement i's raters, so new_f @ s_f is sum of w_u f_u f_i.
        residual = total_r - _dot(w_u, b_u) - _dot(data.n_i, new_b) - _dot(new_f, s_f)
        mu = float(residual / total_w)
        active = (data.n_u > 0, data.n_i > 0)
        mu, b_u, f_u, new_b, new_f = _fix_gauge(mu, b_u, f_u, new_b, new_f, *active, *lam, data.w)
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


def initial_factor(data: Ratings, rng) -> np.ndarray:
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
    plus, minus, root_w = data.plus, data.minus, np.sqrt(data.w)  # rows scaled by sqrt(w)
    operator = LinearOperator(
        (n_participants, n_statements),
        matvec=lambda v: root_w * (plus @ (up * v.ravel()) - minus @ (down * v.ravel())),
        rmatvec=lambda u: (
            up * (plus.T @ (root_w * u.ravel())) - down * (minus.T @ (root_w * u.ravel()))
        ),
        dtype=np.float64,
    )
    try:
        _, sigma, vt = svds(
            operator, k=1, tol=1e-3, v0=rng.normal(size=min(operator.shape)), random_state=rng
        )
    except (ArpackError, ArpackNoConvergence):  # e.g. all-zero residuals: keep the random start
        return start
    return vt[0] * np.sqrt(sigma[0] / max(np.sqrt(n_participants), 1.0))


def indicator(votes: VoteMatrix, mask: np.ndarray) -> sp.csr_matrix:
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


def _half_step(plus, minus, n, sum_r, mu, b_other, f_other, lam_b, lam_f, w_other=None):
    """Best (b, f) for every row of ``plus`` given the other side's (b, f), and sum f.

    ``w_other`` weights the other side's rows (``n`` and ``sum_r`` must be weighted alike).
    """
    other = np.column_stack((f_other, f_other * f_other, b_other, b_other * f_other))
    if w_other is not None:
        other *= w_other[:, None]
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


def _fix_gauge(mu, b_u, f_u, b_i, f_i, active_u, active_i, lam_b, lam_f, w_u):
    """Move along the directions that leave every prediction unchanged, to the least penalty.

    The fit is invariant under rescaling the factors (c f_u, f_i / c), shifting one side's
    factors into the other side's intercepts (f_u + c, b_i - c f_i) and shifting
    intercepts into mu. Only the penalties pin these directions, and they are weak, so
    plain ALS crawls along them for hundreds of sweeps; each has a closed-form optimum.
    Participant penalties carry the participant weights ``w_u``, as in the loss.
    """
    wf_u = w_u * f_u
    su, si = _dot(wf_u, f_u), _dot(f_i, f_i)
    if su > 0 and si > 0:
        scale = (si / su) ** 0.25
        f_u, f_i = f_u * scale, f_i / scale
    n_u, n_i = float(w_u[active_u].sum()), int(active_i.sum())
    if n_u > 0 and n_i:
        c = (lam_b * _dot(f_i, b_i) - lam_f * _dot(w_u, f_u)) / (
            lam_f * n_u + lam_b * _dot(f_i, f_i)
        )
        f_u, b_i = np.where(active_u, f_u + c, 0.0), b_i - c * f_i
        wf_u = w_u * f_u
        c = (lam_b * _dot(wf_u, b_u) - lam_f * f_i.sum()) / (lam_f * n_i + lam_b * _dot(wf_u, f_u))
        f_i, b_u = np.where(active_i, f_i + c, 0.0), b_u - c * f_u
        d_i = b_i[active_i].mean()
        d_u = _dot(w_u[active_u], b_u[active_u]) / n_u
        mu, b_i, b_u = (
            mu + d_i + d_u,
            np.where(active_i, b_i - d_i, 0.0),
            np.where(active_u, b_u - d_u, 0.0),
        )
    return mu, b_u, f_u, b_i, f_i
