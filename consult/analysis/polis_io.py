"""Load a conversation exported by Pol.is (polis-math.md, "Vote encoding").

An export folder holds ``comments.csv`` and either ``votes.csv`` (a vote log, the
preferred source) or ``participants-votes.csv`` (the de-duplicated matrix, which also
carries Polis's own ``group-id``). Columns are read by name because exports differ
(extra ``xid``, ``is-meta`` columns; no ``datetime``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .matrix import StatementFlags, VoteMatrix

SOURCES = ("auto", "votes", "participants-votes")
_TRUE = {"1", "true", "t", "yes", "y"}


class ExportError(ValueError):
    """A Polis export that cannot be read; the message is one line for the user."""


@dataclass(frozen=True)
class PolisExport:
    """A loaded export.

    - ``votes``: the latest vote per (participant, statement); statements are the union
      of ``comments.csv`` ids and voted ids, participants those with at least one vote.
    - ``flags``: (S,) moderation flags aligned with ``votes.statement_ids``.
    - ``polis_groups``: (P,) int, Polis's ``group-id`` per participant, -1 where Polis
      did not cluster them (or ``participants-votes.csv`` is absent).
    - ``source``: ``"votes.csv"`` or ``"participants-votes.csv"``.
    """

    votes: VoteMatrix
    flags: StatementFlags
    polis_groups: np.ndarray
    source: str
    path: Path


def load_export(path: str | Path, source: str = "auto") -> PolisExport:
    """Read the export folder at ``path``.

    ``source`` picks the vote source: ``"votes"`` (votes.csv), ``"participants-votes"``
    or ``"auto"`` (votes.csv when present). Raises :class:`ExportError` on a missing
    folder or file, a missing column, a non-numeric or out-of-range vote, or no votes.
    """
    if source not in SOURCES:
        raise ExportError(f"unknown source {source!r}; use one of {', '.join(SOURCES)}")
    folder = Path(path)
    if not folder.is_dir():
        raise ExportError(f"{folder} is not a folder")
    votes_csv = folder / "votes.csv"
    matrix_csv = folder / "participants-votes.csv"
    if source == "auto" and not (votes_csv.is_file() or matrix_csv.is_file()):
        raise ExportError(f"{folder} has neither votes.csv nor participants-votes.csv")
    if source == "auto":
        source = "votes" if votes_csv.is_file() else "participants-votes"
    wanted = votes_csv if source == "votes" else matrix_csv
    if not wanted.is_file():
        raise ExportError(f"{folder} has no {wanted.name}")
    comment_ids, moderated_out, meta = _read_comments(folder / "comments.csv")

    groups_by_pid: dict[int, int] = {}
    if matrix_csv.is_file():
        pv_pids, pv_groups, pv_triples = _read_participants_votes(matrix_csv)
        groups_by_pid = dict(zip(pv_pids.tolist(), pv_groups.tolist(), strict=True))
    if source == "votes":
        participant, statement, value = _read_votes(votes_csv)
    else:
        participant, statement, value = pv_triples
    if len(value) == 0:
        raise ExportError(f"{wanted} holds no votes: the conversation is empty")

    statement_ids = np.union1d(comment_ids, statement)
    votes = VoteMatrix.from_triples(participant, statement, value, statement_ids=statement_ids)
    flagged = dict(zip(comment_ids.tolist(), zip(moderated_out, meta, strict=True), strict=True))
    pairs = [flagged.get(s, (False, False)) for s in statement_ids.tolist()]
    flags = StatementFlags(
        moderated_out=np.array([p[0] for p in pairs], dtype=bool),
        meta=np.array([p[1] for p in pairs], dtype=bool),
    )
    polis_groups = np.array(
        [groups_by_pid.get(p, -1) for p in votes.participant_ids.tolist()], dtype=np.int64
    )
    return PolisExport(votes, flags, polis_groups, wanted.name, folder)


def _read_table(path: Path, required: tuple[str, ...]) -> tuple[list[str], list[list[str]]]:
    if not path.is_file():
        raise ExportError(f"{path.parent} has no {path.name}")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ExportError(f"{path} is not a readable CSV file: {exc}") from None
    if not rows:
        raise ExportError(f"{path} is empty")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in required if c not in header]
    if missing:
        raise ExportError(f"{path} lacks column(s) {', '.join(missing)}")
    return header, [r for r in rows[1:] if r]


def _column(path: Path, header: list[str], rows: list[list[str]], name: str, kind=float):
    i = header.index(name)
    try:
        cells = [row[i].strip() for row in rows]
        return np.array([kind(c) if c else np.nan for c in cells], dtype=np.float64)
    except (ValueError, IndexError):
        raise ExportError(f"{path} has a non-numeric or missing value in column {name!r}") from None


def _ids(path: Path, values: np.ndarray, name: str) -> np.ndarray:
    if np.isnan(values).any() or (values != np.round(values)).any():
        raise ExportError(f"{path} has a blank or non-integer {name!r}")
    return values.astype(np.int64)


def _vote_values(path: Path, values: np.ndarray) -> np.ndarray:
    if not np.isin(values, (-1.0, 0.0, 1.0)).all():
        raise ExportError(f"{path} has a vote that is not -1, 0 or 1")
    return values.astype(np.int8)


def _read_comments(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    header, rows = _read_table(path, ("comment-id", "moderated"))
    ids = _ids(path, _column(path, header, rows, "comment-id"), "comment-id")
    moderated = _column(path, header, rows, "moderated")
    if "is-meta" in header:
        i = header.index("is-meta")
        meta = np.array([len(r) > i and r[i].strip().lower() in _TRUE for r in rows], dtype=bool)
    else:
        meta = np.zeros(len(ids), dtype=bool)
    return ids, moderated == -1, meta


def read_vote_log(path: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(participant, statement, value) arrays of a ``votes.csv`` in time order, repeats kept.

    For replaying a conversation's history; :func:`load_export` keeps the latest votes.
    """
    return _read_votes(Path(path))


def _read_votes(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    header, rows = _read_table(path, ("timestamp", "comment-id", "voter-id", "vote"))
    timestamp = _column(path, header, rows, "timestamp")
    statement = _ids(path, _column(path, header, rows, "comment-id"), "comment-id")
    participant = _ids(path, _column(path, header, rows, "voter-id"), "voter-id")
    value = _vote_values(path, _column(path, header, rows, "vote"))
    # A changed vote appears twice: order by time so from_triples keeps the latest.
    order = np.argsort(timestamp, kind="stable")
    return participant[order], statement[order], value[order]


def _read_participants_votes(path: Path):
    header, rows = _read_table(path, ("participant", "group-id"))
    pids = _ids(path, _column(path, header, rows, "participant"), "participant")
    groups = _column(path, header, rows, "group-id")
    groups = np.where(np.isnan(groups), -1, groups).astype(np.int64)
    stmt_cols = [i for i, h in enumerate(header) if h.lstrip("-").isdigit()]
    stmt_ids = np.array([int(header[i]) for i in stmt_cols], dtype=np.int64)
    width = len(header)
    cells = np.array([(r + [""] * (width - len(r)))[:width] for r in rows], dtype=object)
    cells = cells[:, stmt_cols] if len(rows) else np.empty((0, len(stmt_cols)), dtype=object)
    cells = np.char.strip(cells.astype(str))
    r, c = np.nonzero(cells != "")
    try:
        values = cells[r, c].astype(np.float64)
    except ValueError:
        raise ExportError(f"{path} has a non-numeric vote") from None
    triples = (pids[r], stmt_ids[c], _vote_values(path, values))
    return pids, groups, triples
