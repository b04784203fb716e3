"""What ``flask import-polis`` reads from a Polis export, checked before anything is written.

:func:`consult.analysis.load_export` already refuses what no analysis could read (missing
files or columns, ids that are not whole numbers within 64 bits, votes other than -1, 0
and 1, a participant on two matrix rows, non-UTF-8 text). Storing asks for more, and
:func:`read_import_input` checks it with one line naming the file and the value:

- ids fit the database: every comment-id, voter-id, author-id and participant from 0 to
  ``ID_MAX`` (statement numbers and external ids are 32-bit integer columns; participant
  ids are held to the same bound, which no real export comes near);
- every vote is on a comment that ``comments.csv`` lists, and every comment has text,
  save one the file marks as moderated out or pending: a report's public data withholds
  those texts, and they are imported with no text and not shown (:func:`_blank_state`);
- no NUL byte (PostgreSQL text cannot hold one) and no field past its bound;
- timestamps are milliseconds between 1970 and the end of year 9999;
- ``summary.csv`` is UTF-8, and its topic fits a consultation title.

Text cells that Consult's own export prefixed with ``'`` (so that a spreadsheet shows them
as text rather than running them as formulas) are read without it: :func:`unneutralise`.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from consult.analysis import ExportError, PolisExport, load_export
from consult.analysis.polis_io import read_vote_history
from consult.organise.services import TITLE_MAX
from consult.participation.models import ModerationState
from consult.reports.polis_csv import FORMULA_STARTS

ID_MAX = 2**31 - 1  # the largest value of a 32-bit integer column, on SQLite and PostgreSQL
BODY_MAX = 10_000  # characters of a comment; Polis allows far fewer
DESCRIPTION_MAX = 50_000
SUMMARY_BYTES_MAX = 1 << 20
MS_MAX = 253_402_300_799_999  # 9999-12-31 23:59:59.999 UTC, the last moment Python can hold
_TRUE = {"1", "true", "t", "yes", "y"}
# What a blank comment-body is read as, by the ``moderation`` column Consult writes.
_WITHHELD = {"rejected": ModerationState.REJECTED, "pending": ModerationState.PENDING}


@dataclass(frozen=True)
class Comment:
    text: str
    author: int | None
    state: ModerationState
    is_seed: bool
    created_at: datetime | None


@dataclass(frozen=True)
class ImportInput:
    """A checked export: ``voters``, ``statements``, ``values`` (N,) are the vote log in
    time order (every change for ``votes.csv``, the latest votes for the matrix), with
    ``moments`` (N,) int64 microseconds since 1970 (UTC) from ``votes.csv``'s timestamps
    (checked), or None; ``people`` the sorted Polis ids of everyone who voted or wrote a
    comment."""

    export: PolisExport
    comments: dict[int, Comment]
    topic: str
    description: str
    voters: np.ndarray
    statements: np.ndarray
    values: np.ndarray
    moments: np.ndarray | None
    people: np.ndarray


def read_import_input(folder: Path) -> ImportInput:
    """Read and check the export in ``folder``; :class:`ExportError` (one line) if it
    cannot be imported whole."""
    export = load_export(folder, polis_groups=False)
    comments = _read_comments(folder / "comments.csv")
    topic, description = _read_summary(folder / "summary.csv")
    if export.source == "votes.csv":
        voters, statements, values, stamps = read_vote_history(folder / "votes.csv")
        moments = _microseconds(folder / "votes.csv", "timestamp", stamps)
    else:
        v = export.votes
        voters, statements, values = v.participant_ids[v.rows], v.statement_ids[v.cols], v.values
        moments = None
    source = folder / export.source
    voter_column = "voter-id" if export.source == "votes.csv" else "participant"
    _in_range(source, voter_column, voters)
    _in_range(source, "comment-id", statements)
    unknown = np.setdiff1d(statements, np.fromiter(comments, np.int64, len(comments)))
    if len(unknown):
        raise ExportError(
            f"{source} has votes on comment-id {int(unknown[0])}, which comments.csv does not list"
        )
    authors = np.array([c.author for c in comments.values() if c.author is not None], np.int64)
    people = np.union1d(voters, authors)
    return ImportInput(
        export, comments, topic, description, voters, statements, values, moments, people
    )


def _in_range(path: Path, column: str, ids: np.ndarray) -> None:
    bad = (ids < 0) | (ids > ID_MAX)
    if bad.any():
        raise ExportError(
            f"{path}: column {column!r}: {int(ids[np.argmax(bad)])} is not an id from 0 to {ID_MAX}"
        )


def _microseconds(path: Path, column: str, ms: np.ndarray) -> np.ndarray:
    """Milliseconds (float) to whole microseconds, each checked as :func:`_moment` checks
    one (the first bad one is named the same way), without a Python object per vote."""
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(ms) | (ms < 0) | (ms > MS_MAX)
    if bad.any():
        _moment(path, column, float(ms[np.argmax(bad)]))
    return np.round(ms * 1000).astype(np.int64)


def _whole_id(path: Path, column: str, cell: str, row: int) -> int:
    if not (cell.isascii() and cell.isdigit() and int(cell) <= ID_MAX):
        raise ExportError(
            f"{path}: column {column!r}, row {row}: {cell[:40]!r} is not an id from 0 to {ID_MAX}"
        )
    return int(cell)


def _moment(path: Path, column: str, ms: float, shown: str | None = None) -> datetime:
    if not (math.isfinite(ms) and 0 <= ms <= MS_MAX):
        raise ExportError(
            f"{path}: column {column!r}: {shown or repr(ms)} is not a time in milliseconds "
            "between 1970 and 9999"
        )
    return datetime.fromtimestamp(ms / 1000, UTC)


def _no_nul(path: Path, text: str, row: int) -> None:
    if "\0" in text:
        raise ExportError(f"{path}, row {row}: holds a NUL byte, which cannot be stored")


def _read_comments(path: Path) -> dict[int, Comment]:
    """The comments by id (``load_export`` has checked the ids, UTF-8 and CSV)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        table = list(csv.reader(handle))
    names = [name.strip() for name in table[0]]
    if "comment-body" not in names:
        raise ExportError(f"{path} lacks column(s) comment-body")
    comments = {}
    for number, row in enumerate(table[1:], start=1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(names):
            raise ExportError(f"{path}: row {number} has {len(row)} cells, the header {len(names)}")
        _no_nul(path, "".join(row), number)
        cells = dict(zip(names, (c.strip() for c in row), strict=False))
        comment_id = _whole_id(path, "comment-id", cells.get("comment-id", ""), number)
        text = row[names.index("comment-body")] if len(row) > names.index("comment-body") else ""
        text = unneutralise(text)
        state = _moderation(cells)
        if not text.strip():
            state = _blank_state(cells, state)
            if state is None:
                raise ExportError(f"{path}: comment-id {comment_id} has no text")
            text = ""
        if len(text) > BODY_MAX:
            raise ExportError(
                f"{path}: comment-id {comment_id} has {len(text)} characters; "
                f"at most {BODY_MAX} are imported"
            )
        author = cells.get("author-id", "")
        stamp = cells.get("timestamp", "")
        comments[comment_id] = Comment(
            text=text,
            author=_whole_id(path, "author-id", author, number) if author else None,
            state=state,
            is_seed=cells.get("is-seed", "").lower() in _TRUE,
            created_at=_stamp(path, stamp, number) if stamp else None,
        )
    return comments


def unneutralise(cell: str) -> str:
    """``cell`` without the ``'`` that :func:`consult.reports.polis_csv.neutralise` puts
    before a text starting with a formula character; any other ``'`` is the author's."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def _blank_state(cells: dict[str, str], state: ModerationState) -> ModerationState | None:
    """The state a comment with no text is imported in, or None if it needs a text.

    A report's public data keeps the rows of statements no moderator approved, with their
    votes (the analysis counted them) but without their text: ``moderated`` -1 or 0. A
    statement rejected after the report's analysis still reads 1 there (what that run
    saw), and its ``moderation`` column says what it is now. Either way it is imported in
    that state, which no page shows, with its votes kept, as the public data keeps them: a
    moderated-out statement stays out of the analysis and a pending one in, as in the
    report (one rejected after the report's run is out, as a new run of the site has it)."""
    if state in (ModerationState.REJECTED, ModerationState.PENDING):
        return state
    return _WITHHELD.get(cells.get("moderation", "").lower())


def _stamp(path: Path, cell: str, row: int) -> datetime:
    try:
        ms = float(cell)
    except ValueError:
        ms = math.nan
    return _moment(path, "timestamp", ms, shown=f"row {row}: {cell[:40]!r}")


def _moderation(cells: dict[str, str]) -> ModerationState:
    if cells.get("is-meta", "").lower() in _TRUE:
        return ModerationState.META
    return {"-1": ModerationState.REJECTED, "1": ModerationState.APPROVED}.get(
        cells.get("moderated") or "0", ModerationState.PENDING
    )


def _read_summary(path: Path) -> tuple[str, str]:
    """(topic, description) from ``summary.csv`` (both "" when there is none)."""
    if not path.is_file():
        return "", ""
    if path.stat().st_size > SUMMARY_BYTES_MAX:
        raise ExportError(f"{path} is larger than {SUMMARY_BYTES_MAX} bytes")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExportError(f"{path} is not UTF-8 text") from None
    if "\0" in text:
        raise ExportError(f"{path} holds a NUL byte, which cannot be stored")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ExportError(f"{path} is not a readable CSV file: {exc}") from None
    summary = {row[0].strip(): unneutralise(row[1]).strip() for row in rows if len(row) >= 2}
    topic, description = summary.get("topic", ""), summary.get("conversation-description", "")
    if len(topic) > TITLE_MAX:
        raise ExportError(f"{path}: the topic has {len(topic)} characters; a title has {TITLE_MAX}")
    if len(description) > DESCRIPTION_MAX:
        raise ExportError(
            f"{path}: the description has {len(description)} characters, past {DESCRIPTION_MAX}"
        )
    return topic, description
