"""Two-component PCA of the vote matrix with missing votes (polis-math.md sections 1-3).

Missing votes are imputed with the column mean, so after centring they are exactly 0
and the centred matrix has the votes' sparsity: the PCA is a truncated SVD of a sparse
matrix (O(votes) per Lanczos step); no participants x statements array is ever built.
A pass is an explicit 0 whose centred value ``0 - mu_j`` is not zero, which is why the
centred matrix is built from the vote triples rather than from ``VoteMatrix.to_csr``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackError, ArpackNoConvergence, svds

from .matrix import StatementFlags, VoteMatrix

DENSE_FALLBACK = 5000  # largest side for an exact dense fallback when ARPACK fails


@dataclass(frozen=True)
class PCAResult:
    """Shapes: P participants, S statements.

    - ``components``: (2, S) unit principal axes.
    - ``means``: (S,) column means mu_j over the non-missing entries (0 for excluded).
    - ``projections``: (P, 2) sparsity-aware participant projections (section 3).
    - ``statement_projections``: (S, 2) each statement as a participant agreeing with it alone.
    - ``extremity``: (S,) length of ``statement_projections``.
    - ``n_seen``: (P,) entries per participant counted in the scaling (excluded columns
      count as seen: they are zeroed for every participant, section 1).
    """

    components: np.ndarray
    means: np.ndarray
    projections: np.ndarray
    statement_projections: np.ndarray
    extremity: np.ndarray
    n_seen: np.ndarray


def centred_csr(votes: VoteMatrix, excluded: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """The centred vote matrix (P, S) as CSR, and the column means (S,).

    Excluded (moderated-out or meta) columns are zeroed, so their mean and centred
    entries are 0 and they do not move the PCA.
    """
    n_p, n_s = votes.shape
    cols = votes.cols
    values = votes.values.astype(np.float64)
    values[excluded[cols]] = 0.0
    count = np.bincount(cols, minlength=n_s).astype(np.float64)
    means = np.bincount(cols, weights=values, minlength=n_s) / np.maximum(count, 1.0)
    centred = values - means[cols]
    rows = votes.rows
    if len(rows) and np.any(rows[1:] < rows[:-1]):
        order = np.argsort(rows, kind="stable")
        rows, cols, centred = rows[order], cols[order], centred[order]
    # Rows already sorted (from_triples sorts by cell), so CSR can be laid out directly.
    indptr = np.zeros(n_p + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_p), out=indptr[1:])
    matrix = sp.csr_matrix((centred, cols.astype(np.int32), indptr), shape=(n_p, n_s))
    return matrix, means


def top_two_components(
    matrix: sp.csr_matrix, random_state: int = 0, start: np.ndarray | None = None
) -> np.ndarray:
    """The first two right singular vectors (2, S), largest first, with a fixed sign.

    ``start`` (2, S), e.g. the previous run's axes, seeds the Lanczos iterations (with
    the seeded noise kept, so the start is never orthogonal to the answer).

    An axis whose singular value is numerically zero carries no variance: it is
    returned as a zero row rather than as an arbitrary unit vector of the null space
    (which would project everyone to ~0 anyway but give statements a spurious
    extremity). A unanimous or all-pass conversation centres to the zero matrix and so
    has no axes at all: everyone sits at the origin, which is the honest picture.
    """
    n_p, n_s = matrix.shape
    components = np.zeros((2, n_s))
    if matrix.nnz == 0 or not np.any(matrix.data):
        return components  # no variance in any direction (ARPACK would fail on it)
    if min(n_p, n_s) <= 3:
        sing, top = _dense_top_two(matrix)  # svds needs k < min(shape)
    else:
        v0 = np.random.RandomState(random_state).uniform(-1, 1, min(n_p, n_s))
        if start is not None and n_s <= n_p and np.abs(start).sum() > 0:
            v0 = 1e-3 * v0 / np.linalg.norm(v0) + start[0] + 0.5 * start[1]
        try:
            _, sing, vt = svds(matrix, k=2, v0=v0, solver="arpack", maxiter=10_000)
        except (ArpackError, ArpackNoConvergence):
            if min(n_p, n_s) > DENSE_FALLBACK:
                raise
            sing, top = _dense_top_two(matrix)  # exact, and small enough here
        else:
            order = np.argsort(sing)[::-1]
            sing, top = sing[order], vt[order]
    # The rank tolerance of numpy.linalg.matrix_rank: below it a singular value is noise.
    tol = max(n_p, n_s) * np.finfo(np.float64).eps * max(float(sing.max(initial=0.0)), 0.0)
    keep = sing > tol
    components[: len(top)][keep] = top[keep]
    return _fix_signs(components)


def _dense_top_two(matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """(singular values (<=2,), right singular vectors (<=2, S)) from the Gram matrix."""
    n_p, n_s = matrix.shape
    if n_s <= n_p:
        eigvals, eigvecs = np.linalg.eigh((matrix.T @ matrix).toarray())
        top = eigvecs[:, ::-1][:, :2].T
        sing = np.sqrt(np.clip(eigvals[::-1][:2], 0.0, None))
        return sing, top
    eigvals, eigvecs = np.linalg.eigh((matrix @ matrix.T).toarray())
    sing = np.sqrt(np.clip(eigvals[::-1][:2], 0.0, None))
    left = eigvecs[:, ::-1][:, :2]
    right = np.asarray(matrix.T @ left).T  # v = M^T u / s, for s > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        right = np.where(sing[:, None] > 0, right / sing[:, None], 0.0)
    return sing, right


def _fix_signs(components: np.ndarray, reference: np.ndarray | None = None) -> np.ndarray:
    out = components.copy()
    for i in range(len(out)):
        if reference is not None and np.abs(reference[i]).sum() > 0:
            sign = np.sign(out[i] @ reference[i])
        else:
            sign = np.sign(out[i][np.argmax(np.abs(out[i]))])
        out[i] *= sign if sign != 0 else 1.0
    return out


def sparse_pca(
    votes: VoteMatrix,
    flags: StatementFlags,
    random_state: int = 0,
    reference: np.ndarray | None = None,
) -> PCAResult:
    """PCA and projections (sections 2-3).

    ``reference`` (2, S), the previous run's components aligned to these statements,
    fixes each axis's sign so warm-started base centres stay meaningful.
    """
    n_p, n_s = votes.shape
    excluded = flags.excluded
    matrix, means = centred_csr(votes, excluded)
    components = top_two_components(matrix, random_state, reference)
    if reference is not None:
        components = _fix_signs(components, reference)
    n_voted_kept = np.bincount(votes.rows[~excluded[votes.cols]], minlength=n_p)
    n_seen = n_voted_kept + int(excluded.sum())
    scale = np.sqrt(n_s / np.maximum(n_seen, 1))
    projections = np.asarray(matrix @ components.T) * scale[:, None]
    statement_projections = (np.sqrt(n_s) * (1.0 - means))[:, None] * components.T
    statement_projections[excluded] = 0.0
    return PCAResult(
        components=components,
        means=means,
        projections=projections,
        statement_projections=statement_projections,
        extremity=np.linalg.norm(statement_projections, axis=1),
        n_seen=n_seen,
    )
