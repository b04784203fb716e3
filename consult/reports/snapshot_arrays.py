"""How a snapshot's result is stored: the codec's JSON without its large per-participant
arrays, which go compressed into a binary column, and the routing priorities, which go
into a column of their own that the voting flow reads alone.

:func:`split` turns the codec's dict (:func:`consult.analysis.codec.encode`) into the
three stored parts and :func:`join` puts them back, exactly: readers that want the whole
result (warm starts, ``analysis.json``) see the codec's format unchanged, and the
dashboard reads the arrays with :func:`unpack` without ever building 33,000-element lists.

The arrays are an ``.npz`` (``numpy.savez_compressed``, read with ``allow_pickle=False``):
float64 kept bit for bit, NaN standing for the JSON's null. A snapshot stored before this
module (everything in the JSON) has no arrays: :func:`join` returns its JSON as it is.
"""

from __future__ import annotations

import io

import numpy as np

from consult.reports.view_model import FORMAT

# (JSON section, key, dtype, columns): the per-participant arrays moved out of the JSON.
ARRAYS = (
    ("participants", "ids", np.int64, None),
    ("participants", "projections", np.float64, 2),
    ("participants", "groups", np.int64, None),
    ("state", "in_conv_ids", np.int64, None),
    ("state", "in_conv_groups", np.int64, None),
)
MOVED = "stored_apart"  # marks the JSON of a split result (the arrays hold the rest)


def _array(values, dtype, columns) -> np.ndarray:
    if dtype is np.float64:
        flat = [np.nan if v is None else v for v in np.asarray(values, dtype=object).ravel()]
        array = np.array(flat, dtype=np.float64)
    else:
        array = np.asarray(values, dtype=dtype).ravel()
    return array.reshape(-1, columns) if columns else array


def _json(array: np.ndarray) -> list:
    if array.dtype.kind == "f":
        values = array.astype(object)
        values[np.isnan(array)] = None
        return values.tolist()
    return array.tolist()


def pack(arrays: dict[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def unpack(blob: bytes) -> dict[str, np.ndarray]:
    """The arrays of :func:`pack`, by "section.key" name."""
    with np.load(io.BytesIO(blob), allow_pickle=False) as stored:
        return {name: stored[name] for name in stored.files}


def split(result: dict | None) -> tuple[dict | None, bytes | None, dict | None]:
    """(JSON without the arrays, the arrays packed, routing priorities) of a codec dict.

    Anything but the current format with the expected sections (a failed run's None, an
    older format) is stored whole, with no arrays and no routing column."""
    if (
        not isinstance(result, dict)
        or result.get("format") != FORMAT
        or not all(
            isinstance(result.get(section), dict) and key in result[section]
            for section, key, _d, _c in ARRAYS
        )
    ):
        return result, None, None
    rest = {k: (dict(v) if isinstance(v, dict) else v) for k, v in result.items()}
    arrays = {}
    for section, key, dtype, columns in ARRAYS:
        arrays[f"{section}.{key}"] = _array(rest[section].pop(key), dtype, columns)
    rest[MOVED] = [f"{section}.{key}" for section, key, _d, _c in ARRAYS]
    routing = rest.pop("routing", None)
    return rest, pack(arrays), routing


def join(stored: dict | None, blob: bytes | None, routing: dict | None) -> dict | None:
    """The codec dict that :func:`split` took apart (the stored JSON as is without arrays)."""
    if not isinstance(stored, dict) or blob is None:
        return stored
    result = {k: (dict(v) if isinstance(v, dict) else v) for k, v in stored.items()}
    moved = result.pop(MOVED, [])
    arrays = unpack(blob)
    for name in moved:
        section, key = name.split(".", 1)
        result[section][key] = _json(arrays[name])
    if routing is not None:
        result["routing"] = dict(routing)
    return result
