"""The command on awkward but valid exports: empty vote log, unanimity, attributes, floors.

Run in-process through ``main(argv)`` (the same code as ``python -m consult.analysis``;
tests/analysis/test_cli.py covers the subprocess itself).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from consult.analysis import VoteMatrix
from consult.analysis.__main__ import main
from consult.analysis.matrix import SECTORS
from tests.analysis.test_polis_io_roundtrip import write_export


def run(capsys, *argv: str) -> tuple[int, dict | None, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if code == 0 and out.startswith("{") else None), err


def full_matrix(n_p: int, n_s: int, value) -> VoteMatrix:
    r, c = np.divmod(np.arange(n_p * n_s), n_s)
    values = value(r, c) if callable(value) else np.full(len(r), value)
    return VoteMatrix.from_triples(r, c, values)


def two_camps(n_a: int, n_b: int, n_s: int = 8, seed: int = 0) -> VoteMatrix:
    """Camp A (ids 0..n_a-1) agrees with statement 0, camp B disagrees; the rest is noise."""
    rng = np.random.default_rng(seed)
    n_p = n_a + n_b

    def value(r, c):
        noise = rng.choice([-1, 1], len(r))
        camp = np.where(r < n_a, 1, -1)
        return np.where(c == 0, camp, noise)

    return full_matrix(n_p, n_s, value)


@pytest.mark.parametrize("empty", [b"", b"\n", b"timestamp,datetime,comment-id,voter-id,vote\n"])
def test_empty_vote_log_falls_back_to_the_matrix(tmp_path, capsys, empty):
    votes = two_camps(30, 20)
    folder = write_export(tmp_path / "c", votes, "matrix")
    (folder / "votes.csv").write_bytes(empty)
    code, data, err = run(capsys, str(folder), "--json", "--bootstrap", "0")
    assert code == 0, err
    assert (data["participants"], data["votes"]) == (50, votes.n_votes)


@pytest.mark.parametrize(("name", "vote"), [("unanimous", 1), ("all-pass", 0)])
def test_unanimous_and_all_pass_give_one_group_and_every_statement(tmp_path, capsys, name, vote):
    votes = full_matrix(40, 12, vote)
    folder = write_export(tmp_path / name, votes, "votes")
    code, data, err = run(capsys, str(folder), "--json", "--bootstrap", "3")
    assert code == 0, err
    assert data["k"] == 1 and data["unimodal"] is True
    assert data["group_sizes"] == {"0": 40}
    rows = data["statement_agreement"]
    assert [r["statement_id"] for r in rows] == list(range(12))
    assert all(r["voters"] == 40 and r["rate"] == float(vote) for r in rows)
    broad = {b["statement_id"] for b in data["broad_agreement"]}
    assert broad == (set(range(12)) if vote == 1 else set())


def attributes_file(folder: Path, rows: list[tuple]) -> None:
    lines = ["participant,sector,region,income_group"]
    lines += [",".join("" if v is None else str(v) for v in row) for row in rows]
    (folder / "participant-attributes.csv").write_text("\n".join(lines) + "\n")


def test_attributes_give_segments_and_weighting_changes_the_weighted_section(tmp_path, capsys):
    votes = two_camps(60, 12)
    folder = write_export(tmp_path / "c", votes, "votes")
    rows = [(p, "academia", "South Asia", "lower_middle") for p in range(60)]
    rows += [(p, "industry", "north_america", None) for p in range(60, 72)]
    rows += [(999, "government", "", "")]  # no votes: ignored
    attributes_file(folder, rows)
    code, plain, err = run(capsys, str(folder), "--json", "--bootstrap", "0")
    assert code == 0, err
    assert plain["segments"]["sector"] == {"academia": 60, "industry": 12}
    assert plain["segments"]["region"] == {"north_america": 12, "south_asia": 60}
    assert plain["segments"]["income_group"] == {"None": 12, "lower_middle": 60}
    assert plain["weighted"] is None
    code, weighted, err = run(
        capsys, str(folder), "--json", "--bootstrap", "0", "--weight", "sector"
    )
    assert code == 0, err
    section = weighted["weighted"]
    assert section["weight_by"] == "sector"
    rate = np.array(section["agreement"]["overall"]["rate"][0], dtype=float)
    # Statement 0: 60 academics agree, 12 industry disagree: 0.83 unweighted, 0.5 weighted.
    first = plain["statement_agreement"][0]
    assert first["rate"] == pytest.approx(60 / 72)
    assert rate[0] == pytest.approx(0.5)
    families = {s["family"] for entry in plain["broad_agreement"] for s in entry["segments"]}
    assert {"sector", "region"} <= families or not plain["broad_agreement"]


def test_min_voters_sets_the_floor(tmp_path, capsys):
    votes = full_matrix(25, 6, 1)
    folder = write_export(tmp_path / "c", votes, "votes")
    code, low, err = run(capsys, str(folder), "--json", "--bootstrap", "0", "--min-voters", "5")
    assert code == 0, err
    assert low["min_voters"] == 5 and len(low["broad_agreement"]) == 6
    code, high, err = run(capsys, str(folder), "--json", "--bootstrap", "0", "--min-voters", "30")
    assert code == 0, err
    assert high["min_voters"] == 30 and high["broad_agreement"] == []
    assert {e["statement_id"] for e in high["not_assessable"]} == set(range(6))


def test_json_carries_the_structure_p_value(tmp_path, capsys):
    folder = write_export(tmp_path / "c", two_camps(40, 40, n_s=12), "votes")
    code, data, err = run(capsys, str(folder), "--json", "--bootstrap", "0")
    assert code == 0, err
    assert "structure_p_value" in data
    p = data["structure_p_value"]
    assert p is None or 0.0 <= p <= 1.0


def test_sector_slugs_match_the_app():
    models = pytest.importorskip("consult.auth.models")
    assert tuple(s.value for s in models.Sector) == SECTORS


def test_text_output_names_segments(tmp_path, capsys):
    folder = write_export(tmp_path / "c", two_camps(20, 20), "votes")
    attributes_file(folder, [(p, "citizen", None, "High income") for p in range(40)])
    code = main([str(folder), "--bootstrap", "0"])
    out = capsys.readouterr().out
    assert code == 0
    assert "sector: citizen 40" in out and "income_group: high 40" in out


def test_pca_of_a_zero_variance_matrix_has_no_axes():
    from consult.analysis.matrix import StatementFlags
    from consult.analysis.pca import sparse_pca

    votes = full_matrix(30, 8, 1)
    pca = sparse_pca(votes, StatementFlags.none(8))
    assert not pca.components.any() and not pca.projections.any()
    assert not pca.extremity.any()


def test_pca_of_a_rank_one_matrix_keeps_one_axis_only():
    from consult.analysis.matrix import StatementFlags
    from consult.analysis.pca import sparse_pca

    # Only statement 0 divides (half agree, half disagree); all agree with the rest.
    votes = full_matrix(30, 8, lambda r, c: np.where(c == 0, np.where(r < 15, 1, -1), 1))
    pca = sparse_pca(votes, StatementFlags.none(8))
    assert np.abs(pca.components[0]).argmax() == 0
    assert np.linalg.norm(pca.components[0]) == pytest.approx(1.0)
    assert not pca.components[1].any()  # no second direction carries variance
    first = np.sign(pca.projections[:, 0])
    assert len(set(first[:15])) == 1 and set(first[15:]) == {-first[0]} and first[0] != 0
    assert not pca.projections[:, 1].any()


def test_the_command_skips_polis_groups_but_the_library_reads_them(tmp_path):
    from consult.analysis import load_export

    votes = two_camps(6, 4)
    folder = write_export(tmp_path / "m", votes, "matrix")
    matrix = (folder / "participants-votes.csv").read_text().splitlines()
    matrix[1] = matrix[1].replace(",,,", ",,1,", 1)  # participant 0 in Polis group 1
    (folder / "participants-votes.csv").write_text("\n".join(matrix) + "\n")
    vote_log = write_export(tmp_path / "v", votes, "votes") / "votes.csv"
    (folder / "votes.csv").write_bytes(vote_log.read_bytes())
    full = load_export(folder)
    quick = load_export(folder, polis_groups=False)
    assert full.source == quick.source == "votes.csv"
    assert full.polis_groups.tolist() == [1] + [-1] * 9
    assert quick.polis_groups.tolist() == [-1] * 10
    assert np.array_equal(full.votes.values, quick.votes.values)
