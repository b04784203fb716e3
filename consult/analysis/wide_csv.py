"""A vectorised reader for ``participants-votes.csv``, the wide participants x statements file.

Arrow's CSV reader pays per column and per block, which on a 783-column file is ~100 ns
per cell; this file's statement cells are only ever empty, ``1``, ``0`` or ``-1``, so
numpy finds every cell boundary of a few-MiB block at once and decodes the votes from
the bytes without a Python object per cell. Blocks end on a line end, so memory stays
bounded whatever the file's size. A file with a double quote anywhere (a quoted ``xid``
that could hide a comma) is left to Arrow: :class:`Quoted` says so.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

BLOCK_BYTES = 1 << 22
_COMMA, _NEWLINE, _QUOTE, _MINUS, _ZERO, _ONE = 44, 10, 34, 45, 48, 49


class Quoted(Exception):
    """The file quotes a cell: the caller reads it with a full CSV parser instead."""


def _blocks(path: Path) -> Iterator[bytes]:
    """The file after its header line, in blocks of whole lines (each ends with a newline)."""
    with path.open("rb") as handle:
        line = handle.readline()
        while line and not line.strip():  # the header is the first non-blank line
            line = handle.readline()
        rest = b""
        while block := handle.read(BLOCK_BYTES):
            block = rest + block
            cut = block.rfind(b"\n")
            if cut < 0:
                rest = block
                continue
            rest = block[cut + 1 :]
            yield block[: cut + 1]
        if rest.strip():
            yield rest + b"\n"


def _tidy(block: bytes) -> bytes:
    if b"\r" in block:
        block = block.replace(b"\r\n", b"\n")
    if b"\n\n" in block or block.startswith(b"\n"):
        block = b"".join(line + b"\n" for line in block.split(b"\n") if line.strip())
    return block


def _integers(cells: list[bytes], blank: int | None) -> np.ndarray | int:
    """int64 array of the cells, or the index of the first cell that is not an int64."""
    out = np.empty(len(cells), dtype=np.int64)
    for i, cell in enumerate(cells):
        text = cell.strip()
        if not text and blank is not None:
            out[i] = blank
            continue
        try:
            number = int(text)
        except ValueError:
            return i
        if not -(2**63) <= number < 2**63:
            return i
        out[i] = number
    return out


def _line_starts(by_line: np.ndarray) -> list[int]:
    """Byte offset of each line's first cell: just after the previous line's newline."""
    starts = np.empty(len(by_line), dtype=np.int64)
    starts[0] = 0
    starts[1:] = by_line[:-1, -1] + 1
    return starts.tolist()


def read(path: Path, names: list[str], statement_columns: list[str], error):
    """(pids (R,), groups (R,), rows, cols, values) like ``read_wide_votes``.

    ``error(message)`` builds the exception to raise for a malformed file.
    """
    n_cols = len(names)
    i_pid, i_group = names.index("participant"), names.index("group-id")
    stmt = np.array([names.index(n) for n in statement_columns], dtype=np.int64)
    is_statement = np.zeros(n_cols, dtype=bool)
    is_statement[stmt] = True
    column_of = np.zeros(n_cols, dtype=np.int64)  # file column -> statement column index
    column_of[stmt] = np.arange(len(stmt))
    pids, groups, rows, cols, values = [], [], [], [], []
    n_rows = 0
    for raw in _blocks(path):
        block = _tidy(raw)
        if not block:
            continue
        a = np.frombuffer(block, dtype=np.uint8)
        if (a == _QUOTE).any():
            raise Quoted
        is_newline = a == _NEWLINE
        is_end = is_newline | (a == _COMMA)
        ends = np.flatnonzero(is_end)
        # Each line must have exactly n_cols cells: its newline is every n_cols-th end.
        line_ends = np.searchsorted(ends, np.flatnonzero(is_newline))
        widths = np.diff(line_ends, prepend=-1)
        if (widths != n_cols).any():
            bad = int(np.argmax(widths != n_cols))
            raise error(
                f"{path}: row {n_rows + bad + 1} has {int(widths[bad])} cells, the header {n_cols}"
            )
        n_lines = len(line_ends)
        by_line = ends.reshape(n_lines, n_cols)
        for index, blank, out, name in (
            (i_pid, None, pids, "participant"),
            (i_group, -1, groups, "group-id"),
        ):
            stops = by_line[:, index].tolist()
            begins = (by_line[:, index - 1] + 1).tolist() if index else _line_starts(by_line)
            cells = [block[b:e] for b, e in zip(begins, stops, strict=True)]
            parsed = _integers(cells, blank)
            if not isinstance(parsed, np.ndarray):
                value = cells[parsed].decode("utf-8", "replace")[:40]
                raise error(
                    f"{path}: column {name!r}, row {n_rows + parsed + 1}: "
                    f"{value!r} is not a whole number within 64 bits"
                )
            out.append(parsed)
        if len(stmt):
            # Work from the last byte of every non-empty cell (a byte followed by an
            # end), so the cost beyond a few byte-wide passes scales with the votes.
            last_byte = np.flatnonzero(~is_end[:-1] & is_end[1:])
            cell = np.searchsorted(ends, last_byte + 1)
            r, c = np.divmod(cell, n_cols)
            wanted = is_statement[c]
            r, c, last_byte, cell = r[wanted], column_of[c[wanted]], last_byte[wanted], cell[wanted]
            begin = np.where(cell > 0, ends[np.maximum(cell - 1, 0)] + 1, 0)
            length = last_byte + 1 - begin
            last = a[last_byte]
            one = (length == 1) & ((last == _ZERO) | (last == _ONE))
            minus = (length == 2) & (last == _ONE) & (a[last_byte - 1] == _MINUS)
            bad = ~(one | minus)
            if bad.any():
                k = int(np.argmax(bad))
                value = block[begin[k] : last_byte[k] + 1].decode("utf-8", "replace")[:40]
                raise error(
                    f"{path}: column {statement_columns[c[k]]!r}, row {n_rows + r[k] + 1}: "
                    f"{value!r} is not a vote (-1, 0 or 1)"
                )
            rows.append(r.astype(np.int64) + n_rows)
            cols.append(c.astype(np.int32))
            values.append(np.where(minus, -1, last.astype(np.int8) - _ZERO).astype(np.int8))
        n_rows += n_lines

    def joined(chunks, dtype):
        return np.concatenate(chunks).astype(dtype, copy=False) if chunks else np.empty(0, dtype)

    return (
        joined(pids, np.int64),
        joined(groups, np.int64),
        joined(rows, np.int64),
        joined(cols, np.int32),
        joined(values, np.int8),
    )
