"""Typed columns from a Polis export's CSV files, read with pyarrow.

Votes go straight from the file into numpy arrays (ids int64, votes int8): no Python
object per cell. ``participants-votes.csv`` (the wide matrix, one column per statement)
is read block by block by :mod:`consult.analysis.wide_csv`, or streamed through Arrow
when it quotes a cell, so that a 330,000 x 2,000 export never exists as a dense array.
Every malformed file raises :class:`ExportError` with one line that names the file, the
column and the offending value.

Values are checked, never coerced: an id must be a whole number that fits in 64 bits
(a float64 would silently merge ids past 2^53), a vote must be -1, 0 or 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from . import wide_csv

BLOCK_BYTES = 1 << 24  # 16 MiB of CSV text per streamed block
_CONVERSION = re.compile(
    r"In CSV column #(\d+): (?:Row #\d+: )?CSV conversion error to (\w+): invalid value '(.*)'"
)


class ExportError(ValueError):
    """A Polis export that cannot be read; the message is one line for the user."""


def check_utf8(path: Path) -> None:
    """Raise unless the whole file is UTF-8 (read in chunks: memory stays flat)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 24):
                # Plain ASCII (nearly every export) is UTF-8: one vectorised look suffices
                # unless a multi-byte character from the previous chunk is still pending.
                ascii_only = np.frombuffer(chunk, dtype=np.uint8).max() < 0x80
                if not (ascii_only and decoder.getstate()[0] == b""):
                    decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise ExportError(
            f"{path} is not UTF-8 text (bad byte near offset {offset + exc.start})"
        ) from None


def _header_line(path: Path) -> tuple[bytes, int]:
    """(the header line, the byte offset just after it); the header is the first
    non-blank line, and (b"", size) when there is none."""
    with path.open("rb") as handle:
        line = handle.readline(1 << 26)
        while line and not line.strip():
            line = handle.readline(1 << 26)
        return line, handle.tell()


def header(path: Path) -> list[str] | None:
    """The stripped column names of a CSV file, or None when it holds no text at all."""
    if not path.is_file():
        raise ExportError(f"{path.parent} has no {path.name}")
    first, _ = _header_line(path)
    if not first.strip():
        return None
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExportError(f"{path} is not UTF-8 text (in its header line)") from None
    names = [name.strip() for name in next(csv.reader(io.StringIO(text)))]
    repeated = sorted({n for n in names if names.count(n) > 1 and n})
    if repeated:
        raise ExportError(f"{path} repeats column(s) {', '.join(repeated)}")
    return names


def _has_rows(path: Path) -> bool:
    """Whether anything but blank lines follows the header line."""
    _, offset = _header_line(path)
    with path.open("rb") as handle:
        handle.seek(offset)
        rest = handle.read(1 << 12)
    return bool(rest.strip()) or len(rest) == 1 << 12


def _body(path: Path) -> pa.NativeFile:
    """The file opened just after its header line: Arrow parses only the rows (its own
    ``skip_rows`` would count a byte-order mark or leading blank lines differently)."""
    _, offset = _header_line(path)
    source = pa.OSFile(str(path))
    source.seek(offset)
    return source


def require(path: Path, names: list[str], required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in names]
    if missing:
        raise ExportError(f"{path} lacks column(s) {', '.join(missing)}")


def _options(names: list[str], types: dict[str, pa.DataType]):
    # Columns are renamed by position (c0, c1, ...) so that stripped or odd header
    # names cannot confuse Arrow; only "" counts as missing ("NA" is an error).
    read = pacsv.ReadOptions(
        column_names=[f"c{i}" for i in range(len(names))],
        block_size=BLOCK_BYTES,
        use_threads=True,
    )
    position = {name: i for i, name in enumerate(names)}
    convert = pacsv.ConvertOptions(
        column_types={f"c{position[n]}": t for n, t in types.items()},
        include_columns=[f"c{position[n]}" for n in types],
        null_values=[""],
        strings_can_be_null=True,
    )
    return read, convert


def _explain(path: Path, names: list[str], exc: Exception) -> ExportError:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    found = _CONVERSION.search(message)
    if found:
        column, kind, value = found.groups()
        expected = {
            "int64": "a whole number within 64 bits",
            "int8": "a vote (-1, 0 or 1)",
            "double": "a number",
        }.get(kind, kind)
        name = names[int(column)] if int(column) < len(names) else column
        return ExportError(f"{path}: column {name!r}: {value[:40]!r} is not {expected}")
    if "UTF8" in message or "utf8" in message.lower():
        return ExportError(f"{path} is not UTF-8 text")
    return ExportError(f"{path} is not a readable CSV file: {message[:200]}")


def read_columns(
    path: Path, names: list[str], types: dict[str, pa.DataType]
) -> dict[str, pa.ChunkedArray]:
    """The named columns of a (narrow) CSV file as typed Arrow arrays."""
    if not _has_rows(path):  # a header and nothing else (Arrow calls it an error)
        return {name: pa.chunked_array([], type=kind) for name, kind in types.items()}
    read, convert = _options(names, types)
    try:
        with _body(path) as source:
            table = pacsv.read_csv(source, read_options=read, convert_options=convert)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise _explain(path, names, exc) from None
    return {name: table.column(f"c{names.index(name)}") for name in types}


def no_blanks(path: Path, name: str, column: pa.ChunkedArray) -> np.ndarray:
    """The column as numpy, refusing blank cells."""
    if column.null_count:
        row = pc.index(pc.is_null(column), True).as_py() + 1
        raise ExportError(f"{path}: column {name!r}, row {row} is blank")
    return column.to_numpy()


def vote_values(path: Path, values: np.ndarray) -> np.ndarray:
    bad = ~np.isin(values, (-1, 0, 1))
    if bad.any():
        # .item(): the plain number, not numpy's repr (np.int8(7)), in the message.
        found = values[np.argmax(bad)].item()
        raise ExportError(f"{path} has a vote that is not -1, 0 or 1 ({found!r})")
    return values.astype(np.int8, copy=False)


def _present(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(valid bool (n,), values int8 (n,)) of an int8 Arrow array, straight from its buffers."""
    n, offset = len(array), array.offset
    validity, data = array.buffers()[:2]
    values = np.frombuffer(data, dtype=np.int8, count=offset + n)[offset:]
    if validity is None or array.null_count == 0:
        return np.ones(n, dtype=bool), values
    bits = np.frombuffer(validity, dtype=np.uint8)
    valid = np.unpackbits(bits, count=offset + n, bitorder="little")[offset:]
    return valid.view(bool), values


def read_wide_votes(
    path: Path, names: list[str], statement_columns: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``participants-votes.csv`` streamed into (pids, groups, rows, cols, values).

    ``pids`` (R,) and ``groups`` (R,) (-1 for blank) per file row; each non-blank cell
    gives one triple (row index, statement column index, vote).
    """
    try:
        return wide_csv.read(path, names, statement_columns, ExportError)
    except wide_csv.Quoted:
        pass  # a quoted cell somewhere: Arrow's full CSV parser, slower on wide files
    types = {"participant": pa.int64(), "group-id": pa.int64()}
    types.update({name: pa.int8() for name in statement_columns})
    read, convert = _options(names, types)
    stmt_keys = [f"c{names.index(n)}" for n in statement_columns]
    pids, groups, rows, cols, values = [], [], [], [], []
    n_rows = 0
    with _body(path) as source:
        try:
            reader = pacsv.open_csv(source, read_options=read, convert_options=convert)
            for batch in reader:
                pid = batch.column(f"c{names.index('participant')}")
                if pid.null_count:
                    first = pc.index(pc.is_null(pid), True).as_py()
                    raise ExportError(
                        f"{path}: column 'participant', row {n_rows + first + 1} is blank"
                    )
                pids.append(pid.to_numpy())
                group = batch.column(f"c{names.index('group-id')}")
                groups.append(pc.fill_null(group, -1).to_numpy())
                if stmt_keys:
                    parts = [_present(batch.column(key)) for key in stmt_keys]
                    valid = np.stack([p[0] for p in parts])  # (statements, batch rows)
                    cells = np.stack([p[1] for p in parts])
                    c, r = np.nonzero(valid)
                    rows.append(r.astype(np.int64) + n_rows)
                    cols.append(c.astype(np.int32))
                    values.append(cells[c, r])
                n_rows += batch.num_rows
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise _explain(path, names, exc) from None

    def joined(chunks, dtype):
        return np.concatenate(chunks) if chunks else np.empty(0, dtype)

    return (
        joined(pids, np.int64),
        joined(groups, np.int64),
        joined(rows, np.int64),
        joined(cols, np.int32),
        vote_values(path, joined(values, np.int8)),
    )
