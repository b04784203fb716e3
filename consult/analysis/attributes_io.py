"""``participant-attributes.csv``: who the participants of an exported conversation are.

Columns ``participant, sector, region, income_group`` (extra columns are ignored);
``participant`` is the Polis participant id, the other cells may be empty (unknown).
Sectors are the slugs of :data:`consult.analysis.matrix.SECTORS`; regions and income
groups the slugs of :mod:`consult.geo` (their World Bank names are accepted too and
read as the slug). The report bundle writes this same file, so re-running the command
on a bundle reproduces its segments.

Rows for participants with no vote are ignored (they are in no analysis); a blank or
malformed id, an id on two rows, or a value outside the lists raises ExportError.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .export_tables import ExportError, check_utf8, header, no_blanks, read_columns, require
from .matrix import SECTORS, ParticipantAttributes

ATTRIBUTES_FILE = "participant-attributes.csv"
ATTRIBUTE_COLUMNS = ("participant", "sector", "region", "income_group")


def _vocabulary() -> dict[str, dict[str, str]]:
    """Accepted cell text -> slug, per attribute."""
    from consult import geo  # pure Python (pycountry), imported only when the file exists

    def table(pairs) -> dict[str, str]:
        return {**{slug: slug for slug, _ in pairs}, **{name: slug for slug, name in pairs}}

    return {
        "sector": {slug: slug for slug in SECTORS},
        "region": table(geo.REGIONS),
        "income_group": table(geo.INCOME_GROUPS),
    }


def read_attributes(path: Path, participant_ids: np.ndarray) -> ParticipantAttributes:
    """Attributes aligned with ``participant_ids`` (P,); unknown where no row or empty cell."""
    names = header(path)
    if names is None:
        raise ExportError(f"{path} is empty")
    require(path, names, ATTRIBUTE_COLUMNS)
    check_utf8(path)
    types = {"participant": pa.int64(), **{n: pa.string() for n in ATTRIBUTE_COLUMNS[1:]}}
    columns = read_columns(path, names, types)
    pids = no_blanks(path, "participant", columns["participant"])
    order = np.argsort(pids, kind="stable")
    repeated = pids[order][1:][pids[order][1:] == pids[order][:-1]]
    if len(repeated):
        raise ExportError(f"{path} has participant {int(repeated[0])} on more than one row")
    n = len(participant_ids)
    pos = np.searchsorted(pids, participant_ids, sorter=order)
    pos = np.clip(pos, 0, max(len(pids) - 1, 0))
    row = order[pos] if len(pids) else pos
    known = pids[row] == participant_ids if len(pids) else np.zeros(n, dtype=bool)
    vocabulary = _vocabulary()
    out = {}
    for name in ATTRIBUTE_COLUMNS[1:]:
        # Every row is checked (a typo is a typo even for someone who did not vote),
        # through the column's few distinct values rather than cell by cell.
        cells = pc.utf8_trim_whitespace(columns[name])
        distinct = [v for v in pc.unique(cells).to_pylist() if v]
        allowed = vocabulary[name]
        for text in distinct:
            if text not in allowed:
                choices = ", ".join(dict.fromkeys(allowed.values()))
                raise ExportError(f"{path}: column {name!r}: {text[:40]!r} is not one of {choices}")
        codes = pc.index_in(cells, value_set=pa.array(distinct, pa.string()))
        codes = pc.fill_null(codes, -1).to_numpy()
        slugs = np.array([allowed[t] for t in distinct] + [None], dtype=object)
        column = np.full(n, None, dtype=object)
        column[known] = slugs[codes[row[known]]]
        out[name] = column
    return ParticipantAttributes(
        sector=out["sector"],
        region=out["region"],
        income_group=out["income_group"],
        verified=np.zeros(n, dtype=bool),
    )
