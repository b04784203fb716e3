"""Writing a Polis export from a known matrix and reading it back gives the same matrix.

Also: the fast paths (vectorised wide-file reader, lookup-table id mapping) agree with
the general ones (Arrow's CSV parser, ``VoteMatrix.from_triples``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from consult.analysis import VoteMatrix, load_export
from consult.analysis.matrix import latest_votes

COMMENTS = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"


def random_matrix(seed: int, big_ids: bool = False) -> VoteMatrix:
    rng = np.random.default_rng(seed)
    n_p, n_s = int(rng.integers(5, 60)), int(rng.integers(2, 25))
    p_ids = np.sort(rng.choice(10_000, n_p, replace=False)).astype(np.int64)
    if big_ids:  # past 2^53, where a float64 would merge neighbours
        p_ids = 2**62 + np.arange(n_p, dtype=np.int64) * 3
    s_ids = np.sort(rng.choice(5_000, n_s, replace=False)).astype(np.int64)
    cells = rng.random((n_p, n_s)) < 0.4
    r, c = np.nonzero(cells)
    return VoteMatrix.from_triples(
        p_ids[r], s_ids[c], rng.choice([-1, 0, 1], len(r)), statement_ids=s_ids
    )


def write_export(folder: Path, votes: VoteMatrix, fmt: str, xid_quoted: bool = False) -> Path:
    """A Polis export of ``votes``: ``fmt`` is "votes" (a vote log with superseded votes
    first), "matrix" (participants-votes.csv only) or "matrix+empty-log" (a 0-byte
    votes.csv beside it)."""
    folder.mkdir(parents=True, exist_ok=True)
    sids = votes.statement_ids.tolist()
    comments = "".join(f"1,x,{s},0,0,0,1,statement {s}\n" for s in sids)
    (folder / "comments.csv").write_text(COMMENTS + comments)
    pids = votes.participant_ids[votes.rows].tolist()
    stmts = votes.statement_ids[votes.cols].tolist()
    vals = votes.values.tolist()
    if fmt == "votes":
        lines = [
            f"{t},x,{s},{p},{-v or 1}"
            for t, (p, s, v) in enumerate(zip(pids, stmts, vals, strict=True))
        ]
        lines += [
            f"{len(vals) + t},x,{s},{p},{v}"
            for t, (p, s, v) in enumerate(zip(pids, stmts, vals, strict=True))
        ]
        (folder / "votes.csv").write_text(
            "timestamp,datetime,comment-id,voter-id,vote\n" + "\n".join(lines[::-1]) + "\n"
        )
        return folder
    head = "participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree," + ",".join(
        map(str, sids)
    )
    grid = {}
    for p, s, v in zip(pids, stmts, vals, strict=True):
        grid.setdefault(p, {})[s] = v
    rows = []
    for p in votes.participant_ids.tolist():
        xid = '"a, quoted"' if xid_quoted else ""
        cells = [str(grid.get(p, {}).get(s, "")) for s in sids]
        rows.append(f"{p},{xid},,0,0,0,0," + ",".join(cells))
    (folder / "participants-votes.csv").write_text(head + "\n" + "\n".join(rows) + "\n")
    if fmt == "matrix+empty-log":
        (folder / "votes.csv").write_bytes(b"")
    return folder


def assert_same(a: VoteMatrix, b: VoteMatrix) -> None:
    for part in ("participant_ids", "statement_ids", "rows", "cols", "values"):
        x, y = getattr(a, part), getattr(b, part)
        assert np.array_equal(x, y), part
        assert x.dtype == y.dtype, part


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("fmt", ["votes", "matrix", "matrix+empty-log"])
def test_round_trip(tmp_path, seed, fmt):
    votes = random_matrix(seed)
    export = load_export(write_export(tmp_path / "c", votes, fmt))
    assert_same(export.votes, votes)
    assert export.source == ("votes.csv" if fmt == "votes" else "participants-votes.csv")


@pytest.mark.parametrize("fmt", ["votes", "matrix"])
def test_ids_past_2_53_stay_distinct(tmp_path, fmt):
    votes = random_matrix(1, big_ids=True)
    export = load_export(write_export(tmp_path / "c", votes, fmt))
    assert_same(export.votes, votes)
    assert export.votes.participant_ids[1] - export.votes.participant_ids[0] == 3


def test_quoted_cells_take_the_full_csv_parser_and_agree(tmp_path):
    votes = random_matrix(2)
    plain = load_export(write_export(tmp_path / "a", votes, "matrix")).votes
    quoted = load_export(write_export(tmp_path / "b", votes, "matrix", xid_quoted=True)).votes
    assert_same(plain, votes)
    assert_same(quoted, votes)


def test_crlf_and_blank_lines_are_tolerated(tmp_path):
    votes = random_matrix(3)
    folder = write_export(tmp_path / "c", votes, "matrix")
    matrix = folder / "participants-votes.csv"
    text = matrix.read_text().replace("\n", "\r\n", 3).replace("\n", "\n\n", 2)
    matrix.write_text(text.rstrip("\n"))  # and no final newline
    assert_same(load_export(folder).votes, votes)


@pytest.mark.parametrize("seed", range(6))
def test_latest_votes_equals_from_triples(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 400))
    if seed % 3 == 0:  # small non-negative ids: the lookup-table path
        participant, statement = rng.integers(0, 50, n), rng.integers(0, 20, n)
    elif seed % 3 == 1:  # negative and huge ids: the search path
        participant = rng.choice([-5, 3, 2**62, 2**63 - 1], n)
        statement = rng.choice([-(2**63), 0, 7], n)
    else:
        participant, statement = rng.integers(10**12, 10**12 + 30, n), rng.integers(0, 9, n)
    value = rng.choice([-1, 0, 1], n)
    expected = VoteMatrix.from_triples(participant, statement, value)
    assert_same(latest_votes(participant, statement, value), expected)
