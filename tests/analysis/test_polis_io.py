"""Loading Polis exports, good and bad."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from consult.analysis import ExportError, load_export
from tests.analysis.conftest import CONVERSATIONS

COMMENTS = "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
VOTES = "timestamp,datetime,comment-id,voter-id,vote\n"


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("_", "-").replace("-csv", ".csv")).write_text(text)
    return folder


def small_export(tmp_path: Path) -> Path:
    comments = COMMENTS + '1,x,0,1,0,0,1,a\n2,x,1,1,0,0,-1,b\n3,x,2,1,0,0,0,"c, quoted"\n'
    votes = VOTES + "10,x,0,5,1\n11,x,1,5,-1\n12,x,0,5,-1\n9,x,0,6,0\n13,x,2,6,1\n"
    return write(tmp_path / "conv", comments_csv=comments, votes_csv=votes)


def test_latest_vote_wins_and_flags(tmp_path):
    export = load_export(small_export(tmp_path))
    votes = export.votes
    assert votes.participant_ids.tolist() == [5, 6]
    assert votes.statement_ids.tolist() == [0, 1, 2]
    cells = {
        (int(votes.participant_ids[r]), int(votes.statement_ids[c])): int(v)
        for r, c, v in zip(votes.rows, votes.cols, votes.values, strict=True)
    }
    assert cells == {(5, 0): -1, (5, 1): -1, (6, 0): 0, (6, 2): 1}
    assert export.flags.moderated_out.tolist() == [False, True, False]
    assert export.polis_groups.tolist() == [-1, -1]
    assert export.source == "votes.csv"


def test_votes_sorted_by_timestamp_not_file_order(tmp_path):
    votes = VOTES + "20,x,0,5,1\n10,x,0,5,-1\n"
    folder = write(tmp_path / "c", comments_csv=COMMENTS + "1,x,0,1,0,0,1,a\n", votes_csv=votes)
    assert load_export(folder).votes.values.tolist() == [1]


def test_extra_columns_no_datetime_and_matrix_fallback(tmp_path):
    comments = (
        "timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,"
        "group-informed-consensus,comment-body\n"
        "1,7,1,0,0,1,true,false,0.5,hello\n2,8,1,0,0,0,false,false,0.5,bye\n"
    )
    matrix = (
        "participant,xid,group-id,n-comments,n-votes,n-agree,n-disagree,7,8\n"
        "3,,1,0,2,1,0,1,0\n4,,,0,1,0,1,,-1\n"
    )
    export = load_export(
        write(tmp_path / "c", comments_csv=comments, participants_votes_csv=matrix)
    )
    assert export.source == "participants-votes.csv"
    assert export.flags.meta.tolist() == [True, False]
    assert export.polis_groups.tolist() == [1, -1]
    assert sorted(export.votes.values.tolist()) == [-1, 0, 1]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "neither votes.csv nor participants-votes.csv"),
        ({"votes_csv": VOTES + "1,x,0,5,1\n"}, "no comments.csv"),
        ({"comments_csv": COMMENTS, "votes_csv": "when,who,what\n1,2,3\n"}, "lacks column"),
        ({"comments_csv": COMMENTS, "votes_csv": VOTES + "1,x,0,5,yes\n"}, "is not a vote"),
        ({"comments_csv": COMMENTS, "votes_csv": VOTES + "1,x,0,5,2\n"}, "not -1, 0 or 1"),
        ({"comments_csv": COMMENTS, "votes_csv": VOTES}, "empty"),
        ({"comments_csv": COMMENTS, "votes_csv": ""}, "is empty"),
    ],
)
def test_bad_exports_raise_one_line_errors(tmp_path, files, message):
    folder = write(tmp_path / "bad", **files) if files else (tmp_path / "bad")
    folder.mkdir(exist_ok=True)
    with pytest.raises(ExportError, match=message) as info:
        load_export(folder)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)


def test_missing_folder(tmp_path):
    with pytest.raises(ExportError, match="not a folder"):
        load_export(tmp_path / "nowhere")


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_both_sources_give_the_same_matrix(polis_root, name):
    a = load_export(polis_root / name, "votes").votes
    b = load_export(polis_root / name, "participants-votes").votes
    for part in ("participant_ids", "statement_ids", "rows", "cols", "values"):
        assert np.array_equal(getattr(a, part), getattr(b, part)), part


@pytest.mark.parametrize(
    "votes",
    [
        "\ufeff" + VOTES + "1,x,0,5,1\n2,x,0,6,-1\n",  # byte-order mark
        "\n\n" + VOTES + "1,x,0,5,1\n2,x,0,6,-1",  # blank lines first, no final newline
        VOTES.replace(",", " , ") + "1,x,0,5,1\n\n2,x,0,6,-1\n\n",  # padded names, blank rows
    ],
)
def test_header_variants(tmp_path, votes):
    folder = write(tmp_path / "c", comments_csv=COMMENTS + "1,x,0,1,0,0,1,a\n", votes_csv=votes)
    export = load_export(folder)
    assert export.votes.participant_ids.tolist() == [5, 6]
    assert export.votes.values.tolist() == [1, -1]


@pytest.mark.parametrize("empty", ["", "\n\n", VOTES.strip(), VOTES + "\n\n"])
def test_empty_vote_log_falls_back_to_the_matrix(tmp_path, empty):
    matrix = "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0\n5,1,0,1,1,0,1\n"
    folder = write(
        tmp_path / "c",
        comments_csv=COMMENTS + "1,x,0,1,0,0,1,a\n",
        votes_csv=empty,
        participants_votes_csv=matrix,
    )
    export = load_export(folder)
    assert export.source == "participants-votes.csv"
    assert export.votes.values.tolist() == [1] and export.polis_groups.tolist() == [1]
    with pytest.raises(ExportError, match="holds no votes"):
        load_export(folder, "votes")
