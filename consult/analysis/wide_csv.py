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
_COMMA, _NEWLINE, _MINUS, _ZERO, _ONE = 44, 10, 45, 48, 49


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
    """int64 array of the cells, or the index of the first cell that is not an int64.

    numpy parses the whole column at once; only a failure is looked at cell by cell.
    """
    if blank is not None:
        cells = [cell if cell.strip() else b"%d" % blank for cell in cells]
    try:
        return np.array(cells, dtype=np.bytes_).astype(np.int64)
    except (ValueError, OverflowError):
        pass
    for i, cell in enumerate(cells):
        try:
            number = int(cell)
        except ValueError:
            return i
        if not -(2**63) <= number < 2**63:
            return i
    return 0  # unreachable: numpy refused some cell that int() accepts


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
        block = raw
        a = np.frombuffer(block, dtype=np.uint8)
        is_newline = a == _NEWLINE
        if is_newline[0] or (is_newline[1:] & is_newline[:-1]).any() or b"\r" in block:
            block = _tidy(raw)  # blank lines or CRLF: rare, so the slow path is fine
            if not block:
                continue
            a = np.frombuffer(block, dtype=np.uint8)
            is_newline = a == _NEWLINE
        if b'"' in block:  # memchr: far cheaper than a numpy pass
            raise Quoted
        is_end = is_newline | (a == _COMMA)
        # ends_upto[i]: cell ends at or before byte i. A running count rather than the
        # array of end positions, so that "which cell is byte i in" is one lookup.
        ends_upto = np.cumsum(is_end, dtype=np.int32)  # a block is far below 2^31 bytes
        newlines = np.flatnonzero(is_newline)
        widths = np.diff(ends_upto[newlines], prepend=0)
        if (widths != n_cols).any():
            bad = int(np.argmax(widths != n_cols))
            raise error(
                f"{path}: row {n_rows + bad + 1} has {int(widths[bad])} cells, the header {n_cols}"
            )
        n_lines = len(newlines)
        line_base = np.arange(n_lines, dtype=np.int32) * n_cols
        for index, blank, out, name in (
            (i_pid, None, pids, "participant"),
            (i_group, -1, groups, "group-id"),
        ):
            # The end of cell k of the block is where the running count reaches k + 1.
            stop = np.searchsorted(ends_upto, line_base + index + 1)
            if index:
                begin = np.searchsorted(ends_upto, line_base + index) + 1
            else:
                begin = np.concatenate(([0], newlines[:-1] + 1))
            cells = [block[b:e] for b, e in zip(begin.tolist(), stop.tolist(), strict=True)]
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
            r, c = np.divmod(ends_upto[last_byte], n_cols)
            wanted = is_statement[c]
            r, c, last_byte = r[wanted], column_of[c[wanted]], last_byte[wanted]
            before = np.where(last_byte > 0, is_end[last_byte - 1], True)
            two_before = np.where(last_byte > 1, is_end[last_byte - 2], True)
            last = a[last_byte]
            one = before & ((last == _ZERO) | (last == _ONE))
            minus = ~before & two_before & (last == _ONE) & (a[last_byte - 1] == _MINUS)
            bad = ~(one | minus)
            if bad.any():
                k = int(np.argmax(bad))
                earlier_ends = np.flatnonzero(is_end[: last_byte[k]])
                start = int(earlier_ends[-1]) + 1 if len(earlier_ends) else 0
                value = block[start : last_byte[k] + 1].decode("utf-8", "replace")[:40]
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
