"""Load a conversation exported by Pol.is (polis-math.md, "Vote encoding").

An export folder holds ``comments.csv`` and either ``votes.csv`` (a vote log, the
preferred source) or ``participants-votes.csv`` (the de-duplicated matrix, which also
carries Polis's own ``group-id``). A ``votes.csv`` that is empty (0 bytes, or a header
and no rows: real exports have both) falls back to ``participants-votes.csv``. Columns
are read by name because exports differ (extra ``xid``, ``is-meta`` columns; no
``datetime``). An optional ``participant-attributes.csv`` gives stakeholder segments
(:mod:`consult.analysis.attributes_io`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from .attributes_io import ATTRIBUTES_FILE, read_attributes
from .export_tables import (
    ExportError,
    check_utf8,
    header,
    no_blanks,
    read_columns,
    read_wide_votes,
    require,
    vote_values,
)
from .matrix import ParticipantAttributes, StatementFlags, VoteMatrix, latest_votes, unique_ids

__all__ = [
    "SOURCES",
    "ExportError",
    "PolisExport",
    "load_export",
    "read_vote_history",
    "read_vote_log",
]

SOURCES = ("auto", "votes", "participants-votes")
VOTE_COLUMNS = ("timestamp", "comment-id", "voter-id", "vote")
MATRIX_COLUMNS = ("participant", "group-id")
# Every other column of participants-votes.csv is a statement id: a column that is
# neither is refused, so a mangled header never drops its votes without a word.
MATRIX_INFO_COLUMNS = (*MATRIX_COLUMNS, "xid", "n-comments", "n-votes", "n-agree", "n-disagree")
_TRUE = {"1", "true", "t", "yes", "y"}
_INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class PolisExport:
    """A loaded export.

    - ``votes``: the latest vote per (participant, statement); statements are the union
      of ``comments.csv`` ids and voted ids, participants those with at least one vote.
    - ``flags``: (S,) moderation flags aligned with ``votes.statement_ids``.
    - ``polis_groups``: (P,) int, Polis's ``group-id`` per participant, -1 where Polis
      did not cluster them (or ``participants-votes.csv`` is absent or was not read).
    - ``source``: ``"votes.csv"`` or ``"participants-votes.csv"``.
    - ``attributes``: (P,)-aligned segments from ``participant-attributes.csv``, or
      None when the folder has no such file.
    """

    votes: VoteMatrix
    flags: StatementFlags
    polis_groups: np.ndarray
    source: str
    path: Path
    attributes: ParticipantAttributes | None = None


def load_export(
    path: str | Path, source: str = "auto", *, polis_groups: bool = True
) -> PolisExport:
    """Read the export folder at ``path``.

    ``source`` picks the vote source: ``"votes"`` (votes.csv), ``"participants-votes"``
    or ``"auto"`` (votes.csv unless it is absent or empty). ``polis_groups=False`` skips
    reading Polis's own groups from ``participants-votes.csv`` when the votes come from
    ``votes.csv`` (the field is then all -1): the command line has no use for them.

    Raises :class:`ExportError` with a one-line message on a missing folder or file, a
    missing or repeated column, a non-numeric or out-of-range id or vote, a participant
    on two matrix rows, non-UTF-8 text, or no votes at all.
    """
    if source not in SOURCES:
        raise ExportError(f"unknown source {source!r}; use one of {', '.join(SOURCES)}")
    folder = Path(path)
    if not folder.is_dir():
        raise ExportError(f"{folder} is not a folder")
    votes_csv, matrix_csv = folder / "votes.csv", folder / "participants-votes.csv"
    if source == "auto" and not (votes_csv.is_file() or matrix_csv.is_file()):
        raise ExportError(f"{folder} has neither votes.csv nor participants-votes.csv")
    comment_ids, moderated_out, meta = _read_comments(folder / "comments.csv")

    log = None
    if source in ("auto", "votes") and (source == "votes" or votes_csv.is_file()):
        log = _read_votes(votes_csv)[:3]
        if len(log[0]) == 0 and source == "auto" and matrix_csv.is_file():
            log = None  # an empty vote log: the matrix is the faithful source
    wanted_matrix = matrix_csv.is_file() and (log is None or polis_groups)
    matrix = _read_matrix(matrix_csv, with_votes=log is None) if wanted_matrix else None
    if log is None and matrix is None:
        raise ExportError(f"{folder} has no participants-votes.csv")
    wanted = votes_csv if log is not None else matrix_csv
    participant, statement, value = log if log is not None else matrix[2]
    if len(value) == 0:
        raise ExportError(f"{wanted} holds no votes: the conversation is empty")

    statement_ids = unique_ids(np.concatenate([comment_ids, statement]))
    votes = latest_votes(participant, statement, value, statement_ids)
    flags = _flags(statement_ids, comment_ids, moderated_out, meta)
    groups_out = np.full(votes.shape[0], -1, dtype=np.int64)
    if matrix is not None:
        pids, groups = matrix[0], matrix[1]
        pos = np.searchsorted(pids, votes.participant_ids)
        pos = np.clip(pos, 0, max(len(pids) - 1, 0))
        found = pids[pos] == votes.participant_ids if len(pids) else pos < 0
        groups_out[found] = groups[pos[found]]
    attributes_csv = folder / ATTRIBUTES_FILE
    attributes = (
        read_attributes(attributes_csv, votes.participant_ids) if attributes_csv.is_file() else None
    )
    return PolisExport(votes, flags, groups_out, wanted.name, folder, attributes)


def _flags(statement_ids, comment_ids, moderated_out, meta) -> StatementFlags:
    pos = np.searchsorted(comment_ids, statement_ids)
    pos = np.clip(pos, 0, max(len(comment_ids) - 1, 0))
    known = comment_ids[pos] == statement_ids if len(comment_ids) else np.zeros(0, bool)
    out = np.zeros(len(statement_ids), dtype=bool)
    is_meta = np.zeros(len(statement_ids), dtype=bool)
    out[known] = moderated_out[pos[known]]
    is_meta[known] = meta[pos[known]]
    return StatementFlags(moderated_out=out, meta=is_meta)


def _whole(path: Path, name: str, cell: str, row: int) -> int:
    # int(), not float(): ids past 2^53 must not round onto their neighbours.
    try:
        number = int(cell)
    except ValueError:
        raise ExportError(
            f"{path}: column {name!r}, row {row}: {cell[:40]!r} is not a whole number"
        ) from None
    if not _INT64[0] <= number <= _INT64[1]:
        raise ExportError(f"{path}: column {name!r}, row {row}: {cell[:40]!r} is past 64 bits")
    return number


def _read_comments(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted comment ids (S,), and their rejected and meta flags (S,) bool."""
    if not path.is_file():
        raise ExportError(f"{path.parent} has no {path.name}")
    try:  # small, and comment bodies may hold quoted newlines: the csv module suffices
        with path.open(newline="", encoding="utf-8-sig") as handle:
            table = list(csv.reader(handle))
    except UnicodeDecodeError:
        raise ExportError(f"{path} is not UTF-8 text") from None
    except csv.Error as exc:
        raise ExportError(f"{path} is not a readable CSV file: {exc}") from None
    if not table:
        raise ExportError(f"{path} is empty")
    names = [h.strip() for h in table[0]]
    require(path, names, ("comment-id", "moderated"))
    i_id, i_mod = names.index("comment-id"), names.index("moderated")
    i_meta = names.index("is-meta") if "is-meta" in names else None
    ids, moderated, meta = [], [], []
    for number, row in enumerate(table[1:], start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        cells = [c.strip() for c in row] + [""] * (len(names) - len(row))
        ids.append(_whole(path, "comment-id", cells[i_id], number))
        mod = cells[i_mod] or "0"
        if mod not in ("-1", "0", "1"):
            raise ExportError(
                f"{path}: column 'moderated', row {number}: {mod[:40]!r} is not -1, 0 or 1"
            )
        moderated.append(mod == "-1")
        meta.append(i_meta is not None and cells[i_meta].lower() in _TRUE)
    ids_arr = np.array(ids, dtype=np.int64)
    order = np.argsort(ids_arr, kind="stable")
    repeated = ids_arr[order][1:][np.diff(ids_arr[order]) == 0]
    if len(repeated):
        raise ExportError(f"{path} lists comment-id {int(repeated[0])} twice")
    return ids_arr[order], np.array(moderated, bool)[order], np.array(meta, bool)[order]


def read_vote_log(path: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(participant, statement, value) arrays of a ``votes.csv`` in time order, repeats kept.

    For replaying a conversation's history; :func:`load_export` keeps the latest votes.
    """
    return _read_votes(Path(path))[:3]


def read_vote_history(path: str | Path) -> tuple[np.ndarray, ...]:
    """:func:`read_vote_log` with a fourth array: each vote's ``timestamp`` (float64,
    as written: Polis writes milliseconds since 1970; not range-checked here)."""
    return _read_votes(Path(path))


def _read_votes(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    names = header(path)
    if names is None:  # 0 bytes, or blank lines only
        empty = np.empty(0, np.int64)
        return empty, empty.copy(), np.empty(0, np.int8), np.empty(0, np.float64)
    require(path, names, VOTE_COLUMNS)
    check_utf8(path)
    types = {
        "timestamp": pa.float64(),
        "comment-id": pa.int64(),
        "voter-id": pa.int64(),
        "vote": pa.int8(),
    }
    columns = read_columns(path, names, types)
    arrays = {name: no_blanks(path, name, column) for name, column in columns.items()}
    value = vote_values(path, arrays["vote"])
    # A changed vote appears twice: order by time so from_triples keeps the latest.
    order = np.argsort(arrays["timestamp"], kind="stable")
    voters, statements = arrays["voter-id"][order], arrays["comment-id"][order]
    return voters, statements, value[order], arrays["timestamp"][order]


def _read_matrix(path: Path, with_votes: bool):
    """(pids sorted, groups, (participant, statement, value)) from participants-votes.csv.

    Without ``with_votes`` only the participant and group-id columns are converted.
    """
    names = header(path)
    if names is None:
        raise ExportError(f"{path} is empty")
    require(path, names, MATRIX_COLUMNS)
    check_utf8(path)
    unknown = [n for n in names if n not in MATRIX_INFO_COLUMNS and not n.lstrip("-").isdigit()]
    if unknown:
        raise ExportError(
            f"{path} has a column {unknown[0][:40]!r} that is neither a statement id nor one of "
            f"{', '.join(MATRIX_INFO_COLUMNS)}"
        )
    statement_columns = [n for n in names if n.lstrip("-").isdigit()] if with_votes else []
    for name in statement_columns:
        if not _INT64[0] <= int(name) <= _INT64[1]:
            raise ExportError(f"{path} has a statement column {name[:40]!r} past 64 bits")
    file_pids, groups, rows, cols, values = read_wide_votes(path, names, statement_columns)
    order = np.argsort(file_pids, kind="stable")
    pids, groups = file_pids[order], groups[order]
    repeated = pids[1:][pids[1:] == pids[:-1]]
    if len(repeated):
        raise ExportError(f"{path} has participant {int(repeated[0])} on more than one row")
    stmt_ids = np.array([int(n) for n in statement_columns], dtype=np.int64)
    return pids, groups, (file_pids[rows], stmt_ids[cols], values)
